// The access edge of the ims preset, seen by an attacker and by a user.
// The IMS core is a Node UDP UA on 127.0.0.1:6060 (REGISTER: 401 without
// credentials, then 200 with Service-Route and P-Associated-URI; it records
// de-REGISTERs); the originating S-CSCF and far end is a Node UDP UA on
// 127.0.0.1:5072; the "other host" of an open relay is 127.0.0.2:5090.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { WsUa, UdpUa, rnd, uriOf, imsSdp, webrtcSdp } from '../../ims/lib/ua.mjs';
import { kamcmd, browserCall, rtpCalls } from '../lib.mjs';

const env = process.env;
const see = `see ${env.IWG_LOGDIR} (kamailio.log, ims-edge-ua.log)`;
const uaLog = path.join(env.IWG_LOGDIR, 'ims-edge-ua.log');

// the IMS core: registrar of the test
const core = await new UdpUa(6060, { name: 'scscf', logFile: uaLog }).open();
core.onRequest = (m) => {
  if (m.method !== 'REGISTER') return { status: 200 };
  if (!m.get('Authorization')) {
    return { status: 401, reason: 'Unauthorized', headers: ['WWW-Authenticate: Digest realm="ims.test", nonce="n0nce", algorithm=MD5, qop="auth"'] };
  }
  const contact = m.get('Contact');
  const user = /sip:([^@]+)@/.exec(m.get('To'))[1];
  return {
    status: 200,
    headers: [`Contact: ${contact}`, 'Service-Route: <sip:orig@127.0.0.1:5072;lr>', `P-Associated-URI: <sip:${user}@ims.test>`,
      `Path: ${m.get('Path')}`],
  };
};
// the originating S-CSCF / far end
const ims = await new UdpUa(5072, { name: 'ims', logFile: uaLog }).open();
ims.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: imsSdp({ port: 40200 }) } : { status: 200 });
const other = await new UdpUa(5090, { name: 'other', addr: '127.0.0.2', logFile: uaLog }).open();
const attacker = await new UdpUa(5099, { name: 'attacker', logFile: uaLog }).open();
const browsers = [];
after(async () => {
  for (const b of browsers) await b.close();
  core.close(); ims.close(); other.close(); attacker.close();
});

test('requests of a browser without a registration are refused and reach nobody', async () => {
  const b = await new WsUa(env.IWG_WS_URL, { user: 'mallory', domain: 'ims.test', logFile: uaLog }).open();
  browsers.push(b);
  const before = ims.received.length + core.received.length;
  for (const method of ['INVITE', 'MESSAGE', 'SUBSCRIBE', 'REFER', 'OPTIONS', 'PUBLISH']) {
    const r = await b.send({
      method, ruri: 'sip:bob@ims.test', callId: `${rnd()}@x`, from: `<sip:alice@ims.test>;tag=${rnd(4)}`,
      to: '<sip:bob@ims.test>', cseq: 1, body: method === 'INVITE' ? webrtcSdp() : '',
      headers: method === 'SUBSCRIBE' ? ['Event: reg'] : method === 'REFER' ? ['Refer-To: <sip:carol@ims.test>'] : [],
    });
    assert.equal(r && r.status, 403, `${method} without a registration: want 403, got ${r ? r.status : 'no answer'}; ${see}`);
  }
  assert.equal(ims.received.length + core.received.length, before, `a request of an unregistered browser reached the IMS; ${see}`);
  // REGISTER without credentials: the IMS core challenges it
  const r = await b.register();
  assert.equal(core.received.filter((m) => m.method === 'REGISTER').length >= 1, true, `the REGISTER did not reach the IMS core; ${see}`);
  assert.ok(r && [200, 401].includes(r.status), `REGISTER: ${r && r.status}; ${see}`);
});

test('in-dialog requests with a foreign Route or for no dialog go nowhere', async () => {
  const msg = (routes) => attacker.send({
    method: 'MESSAGE', ruri: 'sip:victim@127.0.0.2:5090', routes, callId: `${rnd()}@relay`,
    from: `<sip:x@evil.test>;tag=${rnd(4)}`, to: `<sip:y@evil.test>;tag=${rnd(4)}`, cseq: 5, body: 'relay me', contentType: 'text/plain',
  });
  const foreign = await msg(['<sip:127.0.0.2:5090;lr>']);
  assert.equal(foreign && foreign.status, 403, `foreign first Route: want 403, got ${foreign && foreign.status}; ${see}`);
  const routed = await msg(['<sip:127.0.0.1:5060;lr>', '<sip:127.0.0.2:5090;lr>']);
  assert.equal(routed && routed.status, 403, `our Route, then a foreign one: want 403, got ${routed && routed.status}; ${see}`);
  const forged = await msg(['<sip:127.0.0.1:5060;lr>']);
  assert.equal(forged && forged.status, 481, `our Route, no such dialog: want 481, got ${forged && forged.status}; ${see}`);
  assert.equal(other.received.length, 0, `a relayed request reached 127.0.0.2:5090; ${see}`);
});

test('a browser that vanishes mid-call: BYE to the IMS, no media call, de-REGISTER at the IMS core', async (t) => {
  const { child, callId } = await browserCall({
    domain: 'ims.test', user: 'dave', username: 'dave@ims.test', password: 'secret', target: 'sip:bob@ims.test', see,
  });
  t.after(() => child.kill('SIGKILL'));
  const ng = rtpCalls;
  assert.ok(ng().includes(callId), `rtpengine has no call ${callId} while it is up: ${ng()}`);
  assert.match(kamcmd('webrtc.list'), /dave@ims\.test/, 'dave has no registration at the gateway while the call is up');
  child.kill('SIGKILL');
  const deregOf = () => core.received.find((m) => m.method === 'REGISTER' && /dave@/.test(m.get('To'))
    && /expires=0/i.test(m.get('Contact') || ''));
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && (!ims.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === callId)
    || ng().includes(callId) || !deregOf())) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(ims.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === callId), `the IMS side got no BYE for ${callId}; ${see}`);
  assert.ok(!ng().includes(callId), `rtpengine still has call ${callId}: ${ng()}`);
  assert.ok(deregOf(), `the IMS core got no de-REGISTER of dave; ${see}`);
  assert.doesNotMatch(kamcmd('webrtc.list'), /dave@ims\.test/, 'dave is still registered at the gateway');
  assert.equal(uriOf(deregOf().get('To')), 'sip:dave@ims.test', 'de-REGISTER To');
});
