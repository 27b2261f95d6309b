// The routing between both worlds of the combined preset: a browser with a
// SIP-over-WebSocket client reaches the contact center by the routing rule
// (IWG_CC_ROUTE: the number 5000), with its asserted identity, and the SIP
// peer reaches PaaS users (iwg_verto answers for 1008@cc.example, who has
// no live session: 480) while unknown users get 404.
// Usage: node combined.mjs TAP_START LOGDIR (env from scripts/stack.sh)
// SPDX-License-Identifier: GPL-2.0-or-later
import path from 'node:path';
import { tap } from '../../integration/verto/lib.mjs';
import { WsUa, UdpUa, rnd, webrtcSdp } from '../../integration/ims/lib/ua.mjs';
import { sendAuth } from '../../integration/edge/lib.mjs';

const [start, logDir] = process.argv.slice(2);
const t = tap(Number(start));
const env = process.env;
const uaLog = path.join(logDir, 'combined-ua.log');
const see = `see ${uaLog}, ${logDir}/kamailio.log`;
const pcmaSdp = ['v=0', 'o=cc 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 41200 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000', 'a=sendrecv', ''].join('\r\n');

const cc = await new UdpUa(5090, { name: 'cc', logFile: uaLog }).open();
cc.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: pcmaSdp } : { status: 200 });
const peer = await new UdpUa(5094, { name: 'peer', logFile: uaLog }).open();
const alice = await new WsUa(env.IWG_WS_URL, { user: 'alice', domain: env.IWG_DOMAIN, logFile: uaLog }).open();
try {
  const callId = `${rnd()}@to-cc`;
  const r = await sendAuth(alice, {
    method: 'INVITE', ruri: `sip:5000@${env.IWG_DOMAIN}`, callId, from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${rnd(4)}`,
    to: `<sip:5000@${env.IWG_DOMAIN}>`, body: webrtcSdp(),
  }, { user: 'alice', password: env.IWG_TEST_PASSWORD });
  t.check(r && r.status === 200, 'a SIP-over-WebSocket browser calls 5000: answered by the contact center', `got ${r && r.status}; ${see}`);
  const inv = cc.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  t.check(inv && (inv.get('P-Asserted-Identity') || '') === `<sip:alice@${env.IWG_DOMAIN}>`,
    'the contact center gets the INVITE with the browser\'s asserted identity', `INVITE: ${inv ? inv.get('P-Asserted-Identity') : 'none'}; ${see}`);
  t.check(!peer.received.some((m) => m.get('Call-ID') === callId), 'the SIP peer does not get the contact center\'s call', see);

  const toPaas = await peer.send({
    method: 'INVITE', ruri: 'sip:1008@cc.example', callId: `${rnd()}@to-paas`, from: `<sip:bob@peer.test>;tag=${rnd(4)}`,
    to: '<sip:1008@cc.example>', cseq: 1, body: pcmaSdp, timeoutMs: 10000,
  });
  t.check(toPaas && toPaas.status === 480, 'the SIP peer calls a PaaS user with no live session: 480 from iwg_verto (not the registrar\'s 404)',
    `got ${toPaas && toPaas.status}; ${see}`);
  const toNobody = await peer.send({
    method: 'INVITE', ruri: 'sip:nobody@cc.example', callId: `${rnd()}@to-nobody`, from: `<sip:bob@peer.test>;tag=${rnd(4)}`,
    to: '<sip:nobody@cc.example>', cseq: 1, body: pcmaSdp, timeoutMs: 10000,
  });
  t.check(toNobody && toNobody.status === 404, 'the SIP peer calls a user known to neither world: 404', `got ${toNobody && toNobody.status}; ${see}`);
} finally {
  await alice.close();
  cc.close();
  peer.close();
}
process.exit(t.failed ? 1 : 0);
