// The routing between both worlds of the combined preset: a browser with a
// SIP-over-WebSocket client reaches the contact center by the routing rule
// (IWG_CC_ROUTE: the number 5000), with its asserted identity, and the SIP
// peer reaches PaaS users (iwg_verto answers for 1008@cc.example, who has
// no live session: 480) while unknown users get 404. The telephone network
// (WITH_PSTN, WITH_STIR, the trunks of 14-pstn): the SIP user alice dials a
// national number: the first trunk's 503 is unseen, the second trunk's
// challenge answered, the carrier sees the E.164 number, alice's DID and
// a valid signed identity, then alice's BYE; bob, whose mapping holds no
// DID, is refused 403 and no trunk is tried; a carrier's call to alice's
// DID (national form, signed) rings her registered client and is answered.
// Usage: node combined.mjs TAP_START LOGDIR SIPP_DIR KEYS_DIR (env from
// tests/lib/stack.sh)
// SPDX-License-Identifier: GPL-2.0-or-later
import path from 'node:path';
import { tap } from '../../integration/verto/lib.mjs';
import { WsUa, UdpUa, rnd, webrtcSdp } from '../../integration/ims/lib/ua.mjs';
import { inviteAuth, sendAuth } from '../../integration/edge/lib.mjs';
import { header, identity, received, sippRunner, verify } from '../../integration/verto/pstnlib.mjs';

const [start, logDir, sippDir, keys] = process.argv.slice(2);
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
  const { resp: r } = await inviteAuth(alice, {
    ruri: `sip:5000@${env.IWG_DOMAIN}`, callId, from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${rnd(4)}`,
    to: `<sip:5000@${env.IWG_DOMAIN}>`, body: webrtcSdp(),
  }, { user: 'alice', password: env.IWG_TEST_PASSWORD });
  t.check(r && r.status === 200, 'a SIP-over-WebSocket browser calls 5000: answered by the contact center', `got ${r && r.status}; ${see}`);
  const inv = cc.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  t.check(inv && (inv.get('P-Asserted-Identity') || '') === `<sip:alice@${env.IWG_DOMAIN}>`,
    'the contact center gets the INVITE with the browser\'s asserted identity', `INVITE: ${inv ? inv.get('P-Asserted-Identity') : 'none'}; ${see}`);
  t.check(!peer.received.some((m) => m.get('Call-ID') === callId), 'the SIP peer does not get the contact center\'s call', see);
  // a party naming itself the other side (tags swapped) to reach a third
  // address through iwg: refused, nothing relayed
  const ccDialog = cc.dialogs.get(callId);
  const victim = await new UdpUa(5099, { name: 'victim', addr: '127.0.0.3', logFile: uaLog }).open();
  const forged = ccDialog && await cc.send({
    method: 'MESSAGE', ruri: 'sip:victim@127.0.0.3:5099', routes: ccDialog.routeSet, callId,
    from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${ccDialog.remoteTag}`, to: `<sip:5000@${env.IWG_DOMAIN}>;tag=${ccDialog.localTag}`,
    cseq: 7, body: 'relay me', contentType: 'text/plain',
  });
  t.check(forged && forged.status === 403 && victim.received.length === 0,
    'an in-dialog request from the network side toward the network side (swapped tags, a third address) is refused 403, nothing relayed',
    `got ${forged && forged.status}, the third address received ${victim.received.length}; ${see}`);
  victim.close();
  // the called side hangs up (its requests go upstream, toward the browser)
  const ccBye = ccDialog && await ccDialog.request('BYE');
  t.check(ccBye && ccBye.status === 200 && alice.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === callId),
    'the contact center hangs up: its BYE reaches the browser', `BYE answered ${ccBye && ccBye.status}; ${see}`);

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

  // the telephone network: alice calls 06 12 34 56 78 through the trunks
  const { sipp, log } = sippRunner(logDir);
  const cred = { user: 'alice', password: env.IWG_TEST_PASSWORD };
  const trunkA = sipp('trunk-a', ['-sf', `${sippDir}/cc-route-refuse.xml`, '-p', '5097']);
  const trunkB = sipp('trunk-b', ['-sf', `${sippDir}/pstn-carrier.xml`, '-p', '5098']);
  const out = await inviteAuth(alice, {
    ruri: `sip:0612345678@${env.IWG_DOMAIN}`, callId: `${rnd()}@to-pstn`, from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${rnd(4)}`,
    to: `<sip:0612345678@${env.IWG_DOMAIN}>`, body: webrtcSdp(), timeoutMs: 15000,
  }, cred);
  t.check(out.resp && out.resp.status === 200,
    'a SIP-over-WebSocket user dials 06 12 34 56 78: answered by the second trunk (the first one\'s 503 unseen)',
    `got ${out.resp && out.resp.status}; ${see}, ${logDir}/sipp-trunk-*.log`);
  if (out.dialog) {
    const refer = await out.dialog.request('REFER', { headers: [`Refer-To: <sip:0612345679@${env.IWG_DOMAIN}>`] });
    t.check(refer && refer.status === 403, 'a REFER in a call through a trunk is refused 403 (a transfer would dial past the checks)',
      `got ${refer && refer.status}; ${see}`);
    const bye = await out.dialog.request('BYE');
    t.check(bye && bye.status === 200, 'alice hangs up: the BYE reaches the trunk through the dialog', `got ${bye && bye.status}; ${see}`);
  }
  t.check(await trunkA === 0, 'the first trunk got the INVITE and the ACK of its 503', `see ${logDir}/sipp-trunk-a-*.log`);
  t.check(await trunkB === 0,
    'the second trunk: digest of its uacreg row, E.164 Request-URI, alice\'s DID in P-Asserted-Identity, an Identity header, ACK, BYE',
    `see ${logDir}/sipp-trunk-b-*.log`);
  const signed = received(log('trunk-b')).filter((m) => m.startsWith('INVITE '))[1] || '';
  const v = verify(header(signed, 'Identity'), `${keys}/iwg-pub.pem`);
  t.check(v && v.claims.orig?.tn === '33123456789' && v.claims.dest?.tn?.[0] === '33612345678',
    'the Identity header verifies with iwg\'s public key: orig alice\'s DID +33123456789, dest +33612345678',
    `got ${JSON.stringify(v)}; ${logDir}/sipp-trunk-b-messages.log`);
  const seq = (m) => m && Number((header(m, 'CSeq') || '').split(' ')[0]);
  const inDialog = received(log('trunk-b'));
  const ack = inDialog.find((m) => m.startsWith('ACK ') && /pstn/.test(header(m, 'To') || ''));
  const bye = inDialog.find((m) => m.startsWith('BYE '));
  t.check(ack && bye && seq(ack) === seq(signed) && seq(bye) > seq(signed),
    'after the trunk\'s challenge the dialog keeps CSeq right: the ACK has the answered INVITE\'s, the BYE a higher one',
    `INVITE ${seq(signed)}, ACK ${seq(ack)}, BYE ${seq(bye)}; ${logDir}/sipp-trunk-b-messages.log`);
  t.check(!/P-Asserted-Identity:.*alice/i.test(signed), 'alice\'s SIP identity is not asserted toward the carrier', signed.slice(0, 600));

  // numbers and methods a trunk never gets
  const premium = await sendAuth(alice, {
    method: 'INVITE', ruri: `sip:0891234567@${env.IWG_DOMAIN}`, callId: `${rnd()}@premium`,
    from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${rnd(4)}`, to: `<sip:0891234567@${env.IWG_DOMAIN}>`, body: webrtcSdp(),
  }, cred);
  t.check(premium && premium.status === 403 && /Number Type/.test(premium.first),
    'a premium-rate number (08 91 23 45 67) is refused 403 (IWG_PSTN_REFUSED_TYPES)', `got ${premium && premium.status}; ${see}`);
  const sms = await sendAuth(alice, {
    method: 'MESSAGE', ruri: `sip:0612345678@${env.IWG_DOMAIN}`, callId: `${rnd()}@sms`,
    from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${rnd(4)}`, to: `<sip:0612345678@${env.IWG_DOMAIN}>`, body: 'hi', contentType: 'text/plain',
  }, cred);
  t.check(sms && sms.status === 403, 'a MESSAGE to a number a rule sends to a trunk is refused 403 (only calls)', `got ${sms && sms.status}; ${see}`);

  // bob's mapping holds no DID: 403, no trunk
  const bob = await new WsUa(env.IWG_WS_URL, { user: 'bob', domain: env.IWG_DOMAIN, logFile: uaLog }).open();
  try {
    const r = await sendAuth(bob, {
      method: 'INVITE', ruri: `sip:0612345678@${env.IWG_DOMAIN}`, callId: `${rnd()}@no-did`,
      from: `<sip:bob@${env.IWG_DOMAIN}>;tag=${rnd(4)}`, to: `<sip:0612345678@${env.IWG_DOMAIN}>`, body: webrtcSdp(),
    }, { user: 'bob', password: env.IWG_TEST_PASSWORD });
    t.check(r && r.status === 403, 'a SIP user whose mapping holds no DID is refused 403 (no trunk tried)', `got ${r && r.status}; ${see}`);
  } finally {
    await bob.close();
  }

  // a carrier calls alice's DID: her registered client rings and answers
  const reg = await sendAuth(alice, {
    method: 'REGISTER', ruri: `sip:${env.IWG_DOMAIN}`, callId: `${rnd()}@reg`, from: `<sip:alice@${env.IWG_DOMAIN}>;tag=${rnd(4)}`,
    to: `<sip:alice@${env.IWG_DOMAIN}>`, headers: [`Contact: <${alice.contact}>;expires=600`],
  }, cred);
  t.check(reg && reg.status === 200, 'alice registers', `got ${reg && reg.status}; ${see}`);
  alice.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: webrtcSdp({ setup: 'active' }) } : { status: 200 });
  const callIn = await sipp('call-in', ['127.0.0.1:5060', '-sf', `${sippDir}/pstn-call-in.xml`, '-s', '0123456789',
    '-p', '5099', '-set', 'identity', identity(`${keys}/carrier-key.pem`, '33698765432', '33123456789')]);
  const rung = alice.received.find((m) => m.method === 'INVITE' && /33698765432/.test(m.get('From') || ''));
  t.check(!!rung, 'a carrier\'s call to 01 23 45 67 89 (alice\'s DID) rings her SIP-over-WebSocket client', see);
  t.check(callIn === 0 && /SIP\/2\.0 200/.test(log('call-in')) && alice.received.some((m) => m.method === 'BYE'),
    'the carrier\'s call is answered (200, ACK, BYE reach alice)', `see ${logDir}/sipp-call-in-*.log, ${see}`);
} finally {
  await alice.close();
  cc.close();
  peer.close();
}
process.exit(t.failed ? 1 : 0);
