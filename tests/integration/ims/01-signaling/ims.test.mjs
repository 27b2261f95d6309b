// IMS gateway signaling: a SIP-over-WebSocket client registers through iwg
// (kamcfg/ims) at an S-CSCF played by SIPp, sends pager-mode MESSAGEs
// through the Service-Route, receives MESSAGEs from the IMS through its Path
// flow token, and sends bad input. Run by test.sh inside the stack.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { WsClient, UdpPeer } from '../lib/sip.mjs';
import { LOGDIR, see, startSipp, poll, udpBound, sippReceived, rpc } from '../lib/harness.mjs';

const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const GW = ['kamailio.log'];

const sipps = [];
let alice;
let peer;

before(async () => {
  sipps.push(startSipp('scscf', 'scscf-register.xml', ['-i', '127.0.0.1', '-p', '6060', '-cp', '8893', '-key', 'orig_port', '6061']));
  sipps.push(startSipp('orig', 'scscf-orig.xml', ['-i', '127.0.0.1', '-p', '6061', '-cp', '8894']));
  await poll(() => udpBound(6060) && udpBound(6061), 10000, 'SIPp on 6060 and 6061');
  peer = await new UdpPeer(5070, path.join(LOGDIR, 'udp-peer.log')).open();
  alice = await new WsClient(WS_URL, { user: 'alice', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-clients.log') }).open();
});

after(async () => {
  if (alice) await alice.close();
  if (peer) peer.close();
  for (const s of sipps) s.proc.kill('SIGTERM');
});

const LOGS = ['ws-clients.log', 'sipp-scscf.msg', 'sipp-orig.msg', ...GW];

test('REGISTER is relayed with a Path flow token, 401 passes through, 200 carries Service-Route', async () => {
  const r = await alice.register();
  assert.ok(r, `no final response to REGISTER; ${see(...LOGS)}`);
  assert.equal(r.status, 200, `REGISTER answered ${r.status}; ${see(...LOGS)}`);
  assert.match(r.get('Service-Route') || '', /sip:orig@127\.0\.0\.1:6061;lr/, `200 without Service-Route; ${see(...LOGS)}`);
  const regs = sippReceived(sipps[0].msg).filter((m) => m.method === 'REGISTER');
  assert.equal(regs.length, 2, `S-CSCF saw ${regs.length} REGISTERs, expected 2 (401 round); ${see(...LOGS)}`);
  const p = regs[1].get('Path') || '';
  assert.match(p, /^<sip:[A-Za-z0-9_-]{20,}@127\.0\.0\.1:5060;lr;ob>$/, `Path is '${p}'; ${see(...LOGS)}`);
  const sup = regs[1].all('Supported').join(',');
  assert.match(sup, /path/, `Supported lacks path: ${sup}`);
  assert.match(sup, /outbound/, `Supported lacks outbound: ${sup}`);
});

test('webrtc.list shows the stored Service-Route and P-Associated-URI', () => {
  const out = rpc('webrtc.list');
  assert.match(out, /sip:orig@127\.0\.0\.1:6061;lr/, `webrtc.list: ${out}`);
  assert.match(out, /tel:\+12125550101/, `webrtc.list: ${out}`);
});

async function moMessage(headers, what) {
  const before1 = sippReceived(sipps[1].msg).length;
  const r = await alice.message('sip:bob@ims.test', `hello ${what}`, headers);
  return { r, got: () => sippReceived(sipps[1].msg).slice(before1).find((m) => m.method === 'MESSAGE') };
}

test('MO MESSAGE goes via the Service-Route with P-Asserted-Identity from P-Preferred-Identity', async () => {
  const { r, got } = await moMessage(['P-Preferred-Identity: <tel:+1-212-555-0101>'], 'ppi');
  assert.equal(r && r.status, 200, `MESSAGE answered ${r && r.status}; ${see(...LOGS)}`);
  const m = await poll(got, 5000, 'MESSAGE at the originating S-CSCF');
  assert.match(m.get('Route') || '', /^<sip:orig@127\.0\.0\.1:6061;lr>/, `Route: ${m.get('Route')}`);
  assert.deepEqual(m.all('P-Asserted-Identity'), ['<tel:+12125550101>'], `PAI: ${m.all('P-Asserted-Identity')}`);
  assert.equal(m.all('P-Preferred-Identity').length, 0, 'P-Preferred-Identity not removed');
});

test('MO MESSAGE without P-Preferred-Identity asserts the default identity', async () => {
  const { r, got } = await moMessage([], 'default');
  assert.equal(r && r.status, 200, `MESSAGE answered ${r && r.status}; ${see(...LOGS)}`);
  const m = await poll(got, 5000, 'MESSAGE at the originating S-CSCF');
  assert.deepEqual(m.all('P-Asserted-Identity'), ['<sip:alice@ims.test>']);
});

test('bad input from the browser gets 403/400 and the next good request is served', async () => {
  let r = await alice.message('sip:bob@ims.test', 'spoof', ['P-Asserted-Identity: <sip:boss@ims.test>']);
  assert.equal(r && r.status, 403, `spoofed P-Asserted-Identity answered ${r && r.status}; ${see(...LOGS)}`);
  r = await alice.message('sip:bob@ims.test', 'ppi', ['P-Preferred-Identity: <sip:mallory@ims.test>']);
  assert.equal(r && r.status, 403, `P-Preferred-Identity outside P-Associated-URI answered ${r && r.status}; ${see(...LOGS)}`);
  const mallory = await new WsClient(WS_URL, { user: 'mallory', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-clients.log') }).open();
  r = await mallory.request('REGISTER', 'sip:ims.test', { headers: ['Contact: garbage'] });
  assert.equal(r && r.status, 400, `REGISTER with garbage Contact answered ${r && r.status}; ${see(...LOGS)}`);
  r = await mallory.message('sip:bob@ims.test', 'unregistered');
  assert.equal(r && r.status, 403, `MESSAGE from an unregistered WebSocket answered ${r && r.status}; ${see(...LOGS)}`);
  await mallory.close();
  r = await alice.message('sip:bob@ims.test', 'good again');
  assert.equal(r && r.status, 200, `good MESSAGE after bad input answered ${r && r.status}; ${see(...LOGS)}`);
});

test('an identity of the registration that cannot be asserted gets 403, not 500', async () => {
  // the S-CSCF echoes the registered user in P-Associated-URI: a non-ASCII
  // byte in it cannot stand between '<' and '>' (sip_hdr_uri_safe), the
  // browser's doing, so a client error
  const eve = await new WsClient(WS_URL, { user: 'ev\u00e9', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-clients.log') }).open();
  try {
    const r0 = await eve.register();
    assert.equal(r0 && r0.status, 200, `REGISTER of ev\u00e9 answered ${r0 && r0.status}; ${see(...LOGS)}`);
    const r = await eve.message('sip:bob@ims.test', 'unassertable');
    assert.equal(r && r.first, 'SIP/2.0 403 Identity Not Assertable',
      `MESSAGE with an identity that cannot be asserted answered ${r && r.first}; ${see(...LOGS)}`);
  } finally {
    await eve.close();
  }
  const r = await alice.message('sip:bob@ims.test', 'good after unassertable');
  assert.equal(r && r.status, 200, `good MESSAGE after that answered ${r && r.status}; ${see(...LOGS)}`);
});

// the Path iwg added to the REGISTERs of user, as the S-CSCF saw it
function pathOf(user) {
  const reg = sippReceived(sipps[0].msg).find((m) => m.method === 'REGISTER' && m.get('Path')
    && (m.get('From') || '').includes(`<sip:${user}@`));
  assert.ok(reg, `no REGISTER of ${user} with Path at the S-CSCF; ${see('sipp-scscf.msg')}`);
  return reg.get('Path');
}

test('MT MESSAGE from the IMS through the Path flow token reaches the browser', async () => {
  const route = pathOf('alice');
  const n = alice.received.length;
  const r = await peer.message('127.0.0.1:5060', alice.contact, route);
  assert.equal(r && r.status, 200, `MT MESSAGE answered ${r && r.status}; ${see('udp-peer.log', ...LOGS)}`);
  assert.equal(alice.received.slice(n).filter((m) => m.method === 'MESSAGE').length, 1, 'browser did not get the MESSAGE');
});

test('forged and malformed flow tokens get 403', async () => {
  const route = pathOf('alice');
  const tok = /sip:([^@]+)@/.exec(route)[1];
  const forged = route.replace(tok, (tok[0] === 'A' ? 'B' : 'A') + tok.slice(1));
  let r = await peer.message('127.0.0.1:5060', alice.contact, forged);
  assert.equal(r && r.status, 403, `forged token answered ${r && r.status}; ${see('udp-peer.log', ...LOGS)}`);
  r = await peer.message('127.0.0.1:5060', alice.contact, '<sip:not*a*token@127.0.0.1:5060;lr;ob>');
  assert.equal(r && r.status, 403, `malformed token answered ${r && r.status}; ${see('udp-peer.log', ...LOGS)}`);
});

test('WebSocket close de-registers at the IMS; its flow then gets 430; the next good request is served', async () => {
  const bob = await new WsClient(WS_URL, { user: 'bobby', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-clients.log') }).open();
  const r0 = await bob.register();
  assert.equal(r0 && r0.status, 200, `REGISTER of bobby answered ${r0 && r0.status}; ${see(...LOGS)}`);
  const route = pathOf('bobby');
  await bob.close();
  const dereg = await poll(() => sippReceived(sipps[0].msg).find((m) => m.method === 'REGISTER'
    && m.get('Call-ID') === bob.regCallId && /expires=0/.test(m.all('Contact').join(','))), 10000,
  'de-REGISTER of bobby at the S-CSCF').catch((e) => { throw new Error(`${e.message}; ${see(...LOGS)}`); });
  assert.ok(dereg.get('Path'), 'de-REGISTER without Path');
  let r = await peer.message('127.0.0.1:5060', bob.contact, route);
  assert.equal(r && r.status, 430, `MT MESSAGE toward a closed flow answered ${r && r.status}; ${see('udp-peer.log', ...LOGS)}`);
  r = await peer.message('127.0.0.1:5060', alice.contact, pathOf('alice'));
  assert.equal(r && r.status, 200, `MT MESSAGE to alice after that answered ${r && r.status}`);
});
