// IMS gateway header mediation (kamcfg/ims with iwg_hdrmed): the shipped
// profiles ims-volte and ims-rcs (copies with the trusted network set to the
// test IMS core, 127.0.0.2) applied "out" toward the IMS and "in" from it.
// SIPp is the S-CSCF registrar; Node UDP UAs are the originating S-CSCF
// (127.0.0.1:5074) and a terminating IMS node (127.0.0.2:5076, trusted).
// Run by test.sh inside the stack.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { WsUa, UdpUa, webrtcSdp, imsSdp } from '../lib/ua.mjs';
import { LOGDIR, see, startScscf, sippReceived, rpc } from '../lib/harness.mjs';

const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const ORIG_PORT = 5074;
const LOGS = ['ws-ua.log', 'ims-ua.log', 'sipp-scscf.msg', 'kamailio.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;
const MMTEL = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel';
const CPM_MSG = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.msg';
const CPM_SESSION = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session';
// what a browser must not be able to assert or inject (RFC 3325 trust domain)
const FORGED = ['P-Charging-Vector: icid-value=forged-by-browser', 'P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=forged',
  'P-Served-User: <sip:boss@ims.test>', 'User-Agent: JsSIP 3.10.1'];

let registrar;
let orig; // originating S-CSCF and far end of MO requests
let term; // a terminating IMS node inside the trust domain
let alice;
let regReply; // the browser's final response to its REGISTER

before(async () => {
  registrar = await startScscf(8896, ORIG_PORT);
  orig = await new UdpUa(ORIG_PORT, { name: 'orig', logFile: path.join(LOGDIR, 'ims-ua.log') }).open();
  orig.onRequest = (m) => ({
    status: 200,
    body: m.method === 'INVITE' && m.body ? imsSdp() : '',
    headers: ['P-Charging-Vector: icid-value=term-1;orig-ioi=ims.test;term-ioi=ims.test', 'Server: far-end-ue/9.9'],
  });
  term = await new UdpUa(5076, { name: 'term', addr: '127.0.0.2', logFile: path.join(LOGDIR, 'ims-ua.log') }).open();
  alice = await new WsUa(WS_URL, { user: 'alice', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-ua.log') }).open();
  alice.onRequest = () => ({ status: 200, headers: ['User-Agent: JsSIP 3.10.1', 'P-Charging-Vector: icid-value=forged-in-reply'] });
});

after(async () => {
  if (alice) await alice.close();
  if (orig) orig.close();
  if (term) term.close();
  if (registrar) registrar.proc.kill('SIGTERM');
});

// the last message with this method that the S-CSCF registrar got
const lastAtRegistrar = (method) => sippReceived(registrar.msg).filter((m) => m.method === method).pop();

test('REGISTER (ims-volte out): icid, P-Access-Network-Info, P-Visited-Network-ID, MMTel tag, masked User-Agent, forged headers gone', async () => {
  const r = await alice.register(600, FORGED);
  assert.equal(r && r.status, 200, why(`REGISTER answered ${r && r.status}`));
  regReply = r;
  const reg = lastAtRegistrar('REGISTER');
  assert.ok(reg, why('no REGISTER at the S-CSCF'));
  const pcv = reg.all('P-Charging-Vector');
  assert.equal(pcv.length, 1, `P-Charging-Vector at the S-CSCF: ${pcv}`);
  assert.match(pcv[0], /icid-value=iwg1-[^;]+;\s*orig-ioi=iwg\.ims\.example\.net/, `P-Charging-Vector: ${pcv[0]}`);
  assert.doesNotMatch(pcv[0], /forged/, 'the browser\'s P-Charging-Vector reached the IMS');
  assert.deepEqual(reg.all('P-Access-Network-Info'), ['IEEE-802.11; i-wlan-node-id=ffffffffffff; network-provided']);
  assert.deepEqual(reg.all('P-Visited-Network-ID'), ['iwg.ims.example.net']);
  assert.equal(reg.all('P-Served-User').length, 0, 'the browser\'s P-Served-User reached the IMS');
  assert.deepEqual(reg.all('User-Agent'), ['iwg'], `User-Agent: ${reg.all('User-Agent')}`);
  const ct = reg.get('Contact') || '';
  assert.ok(ct.includes(`+g.3gpp.icsi-ref="${MMTEL}"`), `no MMTel tag on Contact: ${ct}`);
  assert.doesNotMatch(ct, /transport=ws/, `transport=ws left on Contact: ${ct}`);
  assert.ok(reg.get('Path'), 'Path lost');
});

test('2xx to REGISTER (ims-volte in): charging headers removed, Server masked toward the browser', () => {
  const reply = regReply;
  assert.ok(reply, 'no 2xx to REGISTER (see the first test)');
  assert.equal(reply.all('P-Charging-Vector').length, 0, `P-Charging-Vector reached the browser: ${reply.text}`);
  assert.equal(reply.all('P-Charging-Function-Addresses').length, 0, 'P-Charging-Function-Addresses reached the browser');
  assert.deepEqual(reply.all('Server'), ['iwg'], `Server toward the browser: ${reply.all('Server')}`);
  assert.match(reply.get('Service-Route') || '', /sip:orig@/, 'Service-Route lost');
});

test('the de-REGISTER names the binding as the IMS holds it (MMTel tag, no transport=ws)', () => {
  const out = rpc('webrtc.list');
  assert.doesNotMatch(out, /transport=ws/, `webrtc.list keeps the browser's Contact: ${out}`);
});

test('MO INVITE (ims-volte out/in): icid, MMTel Accept-Contact and Contact tag, P-Access-Network-Info; the answer is mediated back', async () => {
  const { resp, dialog, callId } = await alice.invite('sip:bob@ims.test', { body: webrtcSdp(), headers: FORGED });
  assert.equal(resp && resp.status, 200, why(`MO INVITE answered ${resp && resp.status}`));
  const inv = orig.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(inv, why('the INVITE did not reach the IMS side'));
  assert.match(inv.get('P-Charging-Vector') || '', /^icid-value=iwg1-[^;]+;\s*orig-ioi=iwg\.ims\.example\.net$/, `P-Charging-Vector: ${inv.get('P-Charging-Vector')}`);
  assert.equal(inv.all('P-Access-Network-Info').length, 1, `P-Access-Network-Info: ${inv.all('P-Access-Network-Info')}`);
  assert.match(inv.get('P-Access-Network-Info'), /network-provided/);
  assert.ok((inv.get('Accept-Contact') || '').includes(MMTEL), `Accept-Contact: ${inv.get('Accept-Contact')}`);
  const ct = inv.get('Contact') || '';
  assert.ok(ct.includes(`+g.3gpp.icsi-ref="${MMTEL}"`), `Contact at the IMS: ${ct}`);
  assert.match(ct, /;alias=/, `Contact alias (for in-dialog routing back to the WebSocket) lost: ${ct}`);
  assert.deepEqual(inv.all('User-Agent'), ['iwg']);
  assert.equal(inv.all('P-Served-User').length, 0, 'P-Served-User from the browser reached the IMS');
  assert.ok(inv.get('P-Asserted-Identity'), 'P-Asserted-Identity inserted by iwg_webrtc lost');
  assert.equal(resp.all('P-Charging-Vector').length, 0, `P-Charging-Vector in the 200 to the browser: ${resp.text}`);
  assert.deepEqual(resp.all('Server'), ['iwg'], `Server in the 200 to the browser: ${resp.all('Server')}`);
  // in-dialog: BYE toward the IMS keeps the call's profile (volte: PANI)
  const bye = await dialog.request('BYE');
  assert.equal(bye && bye.status, 200, why(`BYE answered ${bye && bye.status}`));
  const b = orig.received.find((m) => m.method === 'BYE' && m.get('Call-ID') === callId);
  assert.ok(b && /icid-value=iwg1-/.test(b.get('P-Charging-Vector') || ''), why(`BYE at the IMS: ${b && b.text}`));
  assert.equal(b.all('P-Access-Network-Info').length, 1, 'BYE of a VoLTE call without P-Access-Network-Info');
});

test('MO MESSAGE (ims-rcs out): icid, CPM Accept-Contact, no P-Access-Network-Info', async () => {
  const n = orig.received.length;
  const r = await alice.send({ method: 'MESSAGE', ruri: 'sip:bob@ims.test', callId: `msg-${Date.now()}@alice`,
    from: `<${alice.aor}>;tag=m1`, to: '<sip:bob@ims.test>', cseq: 1, headers: FORGED, body: 'hi', contentType: 'text/plain' });
  assert.equal(r && r.status, 200, why(`MESSAGE answered ${r && r.status}`));
  const m = orig.received.slice(n).find((x) => x.method === 'MESSAGE');
  assert.ok(m, why('the MESSAGE did not reach the IMS side'));
  assert.match(m.get('P-Charging-Vector') || '', /icid-value=iwg1-/, `P-Charging-Vector: ${m.get('P-Charging-Vector')}`);
  assert.ok((m.get('Accept-Contact') || '').includes(CPM_MSG), `Accept-Contact: ${m.get('Accept-Contact')}`);
  assert.equal(m.all('P-Access-Network-Info').length, 0, 'ims-rcs sets no P-Access-Network-Info, the browser\'s must be gone');
  assert.deepEqual(m.all('User-Agent'), ['iwg']);
  assert.deepEqual(r.all('Server'), ['iwg'], `Server in the 200 to the browser: ${r.all('Server')}`);
});

test('RCS chat INVITE (CPM session tag on Contact) gets ims-rcs: CPM session Accept-Contact, no MMTel tag', async () => {
  const n = orig.received.length;
  const { resp, dialog } = await alice.invite('sip:bob@ims.test', {
    headers: [`Accept-Contact: *;+g.3gpp.icsi-ref="${CPM_SESSION}"`, 'Conversation-ID: c0ffee'],
  });
  assert.equal(resp && resp.status, 200, why(`chat INVITE answered ${resp && resp.status}`));
  const inv = orig.received.slice(n).find((x) => x.method === 'INVITE');
  assert.ok(inv, why('the chat INVITE did not reach the IMS side'));
  assert.equal(inv.all('Accept-Contact').length, 1, `Accept-Contact: ${inv.all('Accept-Contact')}`);
  assert.doesNotMatch(inv.get('Contact') || '', /mmtel/, `MMTel tag on a chat INVITE: ${inv.get('Contact')}`);
  assert.equal(inv.all('P-Access-Network-Info').length, 0, 'P-Access-Network-Info on an RCS INVITE');
  await dialog.request('BYE');
});

test('MT MESSAGE from the trusted IMS (ims-rcs in): P-Asserted-Identity kept, charging headers removed; the browser\'s 200 is mediated out', async () => {
  const reg = lastAtRegistrar('REGISTER');
  const route = reg.get('Path');
  const n = alice.received.length;
  const r = await term.send({ method: 'MESSAGE', ruri: alice.contact, routes: [route], callId: `mt-${Date.now()}@term`,
    from: '<sip:bob@ims.test>;tag=t1', to: `<${alice.aor}>`, cseq: 1, body: 'hello', contentType: 'text/plain',
    headers: ['P-Asserted-Identity: <sip:bob@ims.test>', 'P-Charging-Vector: icid-value=ims-77;orig-ioi=ims.test',
      'P-Charging-Function-Addresses: ccf=192.0.2.10', 'X-Undocumented-Ims: yes;vendor-param=1'] });
  assert.equal(r && r.status, 200, why(`MT MESSAGE answered ${r && r.status}`));
  const m = alice.received.slice(n).find((x) => x.method === 'MESSAGE');
  assert.ok(m, why('the browser did not get the MESSAGE'));
  assert.deepEqual(m.all('P-Asserted-Identity'), ['<sip:bob@ims.test>'], 'P-Asserted-Identity of the trusted IMS');
  assert.equal(m.all('P-Charging-Vector').length, 0, `P-Charging-Vector reached the browser: ${m.text}`);
  assert.equal(m.all('P-Charging-Function-Addresses').length, 0, 'P-Charging-Function-Addresses reached the browser');
  // the browser's 200 toward the IMS: User-Agent masked, its P-Charging-Vector
  // stripped (untrusted source) and no term-ioi forged onto it
  assert.deepEqual(r.all('User-Agent'), ['iwg'], `User-Agent in the 200 at the IMS: ${r.all('User-Agent')}`);
  assert.equal(r.all('P-Charging-Vector').length, 0, `P-Charging-Vector from the browser reached the IMS: ${r.text}`);
});

test('hdrmed RPC: per-rule hits and the IMS\'s undocumented header discovered', () => {
  const stats = rpc('hdrmed.stats', 'ims-volte');
  assert.match(stats, /pcv orig-ioi/, `hdrmed.stats: ${stats}`);
  const disc = rpc('hdrmed.discovered', 'ims-rcs');
  assert.match(disc, /X-Undocumented-Ims/i, `hdrmed.discovered: ${disc}`);
});
