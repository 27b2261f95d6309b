// The access edge of the contact-center preset (kamcfg/contact-center):
// only the contact center (IWG_CC_PEERS, here 127.0.0.1) may call PaaS
// users, one user is rung by at most IWG_VERTO_RING_PER_USER calls at a
// time, in-dialog requests of unknown dialogs go nowhere, and there is no
// SIP-over-WebSocket listener that routes nothing.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { UdpUa, rnd, imsSdp } from '../../ims/lib/ua.mjs';

const env = process.env;
const see = `see ${env.IWG_LOGDIR} (kamailio.log, cc-ua.log)`;
const uaLog = `${env.IWG_LOGDIR}/cc-ua.log`;

const cc = await new UdpUa(5097, { name: 'cc', logFile: uaLog }).open();
const stranger = await new UdpUa(5097, { name: 'stranger', addr: '127.0.0.2', logFile: uaLog }).open();
const other = await new UdpUa(5090, { name: 'other', addr: '127.0.0.3', logFile: uaLog }).open();
after(() => { cc.close(); stranger.close(); other.close(); });

const invite = (ua, user) => ua.send({
  method: 'INVITE', ruri: `sip:${user}@cc.example`, callId: `${rnd()}@cc`, from: `<sip:agent@cc.example>;tag=${rnd(4)}`,
  to: `<sip:${user}@cc.example>`, cseq: 1, body: imsSdp({ port: 40100 }), timeoutMs: 8000,
});

test('an INVITE toward a PaaS user from an address outside IWG_CC_PEERS gets 403', async () => {
  const r = await invite(stranger, '1008');
  assert.equal(r && r.status, 403, `INVITE from 127.0.0.2: want 403, got ${r && r.status}; ${see}`);
});

test('at most IWG_VERTO_RING_PER_USER calls ring one user: the next gets 486', async () => {
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const r = await invite(cc, 'nobody');
    statuses.push(r && r.status);
  }
  assert.deepEqual(statuses, [404, 404, 404, 404, 486], `5 INVITEs for one user within the ring timeout; ${see}`);
});

test('in-dialog requests for dialogs that do not exist go nowhere', async () => {
  const r = await stranger.send({
    method: 'MESSAGE', ruri: 'sip:victim@127.0.0.3:5090', routes: ['<sip:127.0.0.3:5090;lr>'],
    callId: `${rnd()}@relay`, from: `<sip:x@evil.test>;tag=${rnd(4)}`, to: `<sip:y@evil.test>;tag=${rnd(4)}`,
    cseq: 3, body: 'relay me', contentType: 'text/plain',
  });
  assert.equal(r && r.status, 481, `MESSAGE with a To-tag and a foreign Route: want 481, got ${r && r.status}; ${see}`);
  assert.equal(other.received.length, 0, `a request reached 127.0.0.3:5090; ${see}`);
});

test('no SIP-over-WebSocket listener (ws 8080, wss 8443) in this preset', async () => {
  for (const port of [8080, 8443]) {
    const open = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    assert.equal(open, false, `something listens on 127.0.0.1:${port}; ${see}`);
  }
});
