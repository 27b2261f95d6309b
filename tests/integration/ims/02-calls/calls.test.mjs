// IMS gateway calls: INVITE dialogs through iwg (kamcfg/ims) between a
// SIP-over-WebSocket client and the IMS side. SIPp is the S-CSCF registrar
// (401, then 200 with Service-Route toward port 5072); a Node UDP UA on 5072
// is the originating S-CSCF and the far end (MO) and the terminating IMS
// (MT, Route = the Path flow token). rtpengine is in the media path and is
// checked with NG query. Run by test.sh inside the stack.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { WsUa, UdpUa, webrtcSdp, imsSdp, sdpDir, uriOf } from '../lib/ua.mjs';
import { LOGDIR, see, startScscf, poll, sippReceived } from '../lib/harness.mjs';
import { query } from '../../../e2e/lib/ng.mjs';

const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const IMS_PORT = 5072;
const LOGS = ['ws-ua.log', 'ims-ua.log', 'sipp-scscf.msg', 'kamailio.log', 'rtpengine.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;

let registrar;
let ims;
let alice;

const wsUa = async (user) => {
  const u = await new WsUa(WS_URL, { user, domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-ua.log') }).open();
  // the browser answers INVITEs (and re-INVITEs with SDP) like a WebRTC client
  u.onRequest = (m) => (m.method === 'INVITE' && m.body ? { status: 200, body: webrtcSdp({ setup: 'active', dir: answerDir(m.body) }) } : { status: 200 });
  return u;
};
const answerDir = (offer) => ({ sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' }[sdpDir(offer)] || 'sendrecv');

// the Path the S-CSCF got in the REGISTER of user
function pathOf(user) {
  const reg = sippReceived(registrar.msg).find((m) => m.method === 'REGISTER' && m.get('Path')
    && (m.get('From') || '').includes(`<sip:${user}@`));
  assert.ok(reg, why(`no REGISTER of ${user} with Path at the S-CSCF`));
  return reg.get('Path');
}

// rtpengine knows the call (NG query ok) / forgot it (query error)
const rtpKnows = async (callId) => (await query(callId)).code === 0;
async function rtpForgets(callId, what) {
  await poll(async () => (await query(callId)).code === 1, 10000, `rtpengine to delete ${callId} after ${what}`)
    .catch((e) => { throw new Error(why(e.message)); });
}

// the IMS answers the next initial INVITE with 183 (early media), 180, 200
function imsAnswersWithEarlyMedia(ua, { te = 101 } = {}) {
  ua.onRequest = (m) => {
    if (m.method !== 'INVITE' || ua.dialogs.has(m.get('Call-ID'))) {
      return m.body && m.method !== 'INFO' ? { status: 200, body: imsSdp({ dir: answerDir(m.body), te }) } : { status: 200 };
    }
    ua.answer(m, { status: 183, reason: 'Session Progress', body: imsSdp({ te }) });
    ua.answer(m, { status: 180, reason: 'Ringing' });
    setTimeout(() => ua.answer(m, { status: 200, body: imsSdp({ te }) }), 50);
    return { status: 0 };
  };
}

before(async () => {
  registrar = await startScscf(8895, IMS_PORT);
  ims = await new UdpUa(IMS_PORT, { name: 'ims', logFile: path.join(LOGDIR, 'ims-ua.log') }).open();
  alice = await wsUa('alice');
  const r = await alice.register();
  assert.equal(r && r.status, 200, why(`REGISTER of alice answered ${r && r.status}`));
});

after(async () => {
  if (alice) await alice.close();
  if (ims) ims.close();
  if (registrar) registrar.proc.kill('SIGTERM');
});

let mo; // the MO call of the tests below: { dialog, imsDialog, callId }

test('MO INVITE: Service-Route, P-Asserted-Identity, double Record-Route, 183 early media and 180, AMR-WB toward the IMS', async () => {
  imsAnswersWithEarlyMedia(ims);
  const prov = [];
  const { resp, dialog, callId } = await alice.invite('sip:bob@ims.test', {
    body: webrtcSdp(), headers: ['P-Preferred-Identity: <tel:+12125550101>'], onProvisional: (r) => prov.push(r),
  });
  assert.equal(resp && resp.status, 200, why(`MO INVITE answered ${resp && resp.status}`));
  const inv = ims.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(inv, why('the INVITE did not reach the IMS side'));
  assert.match(inv.get('Route') || '', /^<sip:orig@127\.0\.0\.1:5072;lr>$/, `Route at the S-CSCF: ${inv.get('Route')}`);
  assert.deepEqual(inv.all('P-Asserted-Identity'), ['<tel:+12125550101>'], 'P-Asserted-Identity at the S-CSCF');
  assert.equal(inv.all('P-Preferred-Identity').length, 0, 'P-Preferred-Identity not removed');
  const rr = inv.all('Record-Route').join(',').split(',');
  assert.equal(rr.length, 2, `double Record-Route expected, got ${inv.all('Record-Route')}`);
  assert.ok(rr.some((x) => /transport=ws/.test(x)) && rr.some((x) => !/transport=ws/.test(x)), `Record-Route: ${rr}`);
  // SDP toward the IMS: plain RTP, AMR-WB first with the VoLTE fmtp, no browser-only lines
  const sdp = inv.body;
  assert.match(sdp, /^m=audio \d+ RTP\/AVP (\d+) /m, `offer toward the IMS: ${sdp}`);
  const amrPt = /^m=audio \d+ RTP\/AVP (\d+)/m.exec(sdp)[1];
  assert.match(sdp, new RegExp(`^a=rtpmap:${amrPt} AMR-WB/16000`, 'm'), `AMR-WB is not the first codec: ${sdp}`);
  const fmtp = (new RegExp(`^a=fmtp:${amrPt} (.*)$`, 'm').exec(sdp) || [])[1] || '';
  assert.match(fmtp, /mode-change-capability=2/, `AMR-WB fmtp: ${fmtp}`);
  assert.match(fmtp, /max-red=0/, `AMR-WB fmtp: ${fmtp}`);
  assert.doesNotMatch(fmtp, /octet-align=1/, `AMR-WB fmtp must be bandwidth-efficient: ${fmtp}`);
  assert.match(sdp, /telephone-event\/16000/, `no telephone-event/16000 toward the IMS: ${sdp}`);
  for (const bad of ['a=msid', 'a=ssrc', 'a=msid-semantic', 'a=extmap-allow-mixed', 'a=ice-ufrag', 'a=fingerprint']) {
    assert.ok(!sdp.includes(bad), `${bad} leaked toward the IMS: ${sdp}`);
  }
  // early media: 183 with an SDP for the browser; 180 passes
  const p183 = prov.find((r) => r.status === 183);
  assert.ok(p183 && /UDP\/TLS\/RTP\/SAVPF/.test(p183.body) && /a=fingerprint/.test(p183.body), why(`183 to the browser: ${p183 && p183.body}`));
  assert.ok(prov.some((r) => r.status === 180), 'no 180 at the browser');
  for (const r of [p183, resp]) {
    for (const bad of ['a=curr', 'a=des', 'b=RS', 'b=RR']) assert.ok(!r.body.includes(bad), `${bad} leaked toward the browser: ${r.body}`);
  }
  assert.match(resp.body, /opus\/48000/, `answer to the browser is not Opus: ${resp.body}`);
  await poll(() => ims.received.some((m) => m.method === 'ACK' && m.get('Call-ID') === callId), 5000, 'ACK at the IMS')
    .catch((e) => { throw new Error(why(e.message)); });
  assert.ok(await rtpKnows(callId), why('rtpengine does not know the call'));
  mo = { dialog, imsDialog: ims.dialogs.get(callId), callId };
});

async function reinvite(from, to, dir, what) {
  const n = to.received.length;
  const offer = from === alice ? webrtcSdp({ dir }) : imsSdp({ dir });
  const d = from === alice ? mo.dialog : mo.imsDialog;
  const r = await d.request('INVITE', { body: offer });
  assert.equal(r && r.status, 200, why(`${what} re-INVITE answered ${r && r.status}`));
  await d.ack();
  const got = to.received.slice(n).find((m) => m.method === 'INVITE');
  assert.ok(got, why(`${what} re-INVITE did not reach the far end`));
  return { got, r };
}

test('hold and resume from the browser (re-INVITE sendonly / sendrecv)', async () => {
  let { got, r } = await reinvite(alice, ims, 'sendonly', 'hold');
  assert.equal(sdpDir(got.body), 'sendonly', `hold offer at the IMS: ${got.body}`);
  assert.match(got.body, /RTP\/AVP/, 'hold offer at the IMS is not RTP/AVP');
  assert.equal(sdpDir(r.body), 'recvonly', `hold answer at the browser: ${r.body}`);
  ({ got, r } = await reinvite(alice, ims, 'sendrecv', 'resume'));
  assert.equal(sdpDir(got.body), 'sendrecv', `resume offer at the IMS: ${got.body}`);
  assert.equal(sdpDir(r.body), 'sendrecv', `resume answer at the browser: ${r.body}`);
});

test('hold and resume from the IMS side', async () => {
  let { got, r } = await reinvite(ims, alice, 'sendonly', 'IMS hold');
  assert.equal(sdpDir(got.body), 'sendonly', `hold offer at the browser: ${got.body}`);
  assert.match(got.body, /UDP\/TLS\/RTP\/SAVPF/, 'hold offer at the browser is not DTLS-SRTP');
  assert.equal(sdpDir(r.body), 'recvonly', `hold answer at the IMS: ${r.body}`);
  assert.match(r.body, /RTP\/AVP/, 'hold answer at the IMS is not RTP/AVP');
  ({ got, r } = await reinvite(ims, alice, 'sendrecv', 'IMS resume'));
  assert.equal(sdpDir(r.body), 'sendrecv', `resume answer at the IMS: ${r.body}`);
});

test('UPDATE with SDP from the browser reaches the IMS and its answer comes back', async () => {
  const n = ims.received.length;
  const r = await mo.dialog.request('UPDATE', { body: webrtcSdp() });
  assert.equal(r && r.status, 200, why(`UPDATE answered ${r && r.status}`));
  const got = ims.received.slice(n).find((m) => m.method === 'UPDATE');
  assert.ok(got && /RTP\/AVP/.test(got.body), why(`UPDATE at the IMS: ${got && got.body}`));
  assert.match(r.body, /UDP\/TLS\/RTP\/SAVPF/, `UPDATE answer at the browser: ${r.body}`);
});

test('INFO both ways', async () => {
  const body = 'Signal=5\r\nDuration=160\r\n';
  let n = ims.received.length;
  let r = await mo.dialog.request('INFO', { body, contentType: 'application/dtmf-relay' });
  assert.equal(r && r.status, 200, why(`INFO from the browser answered ${r && r.status}`));
  assert.ok(ims.received.slice(n).some((m) => m.method === 'INFO' && m.body.includes('Signal=5')), why('INFO did not reach the IMS'));
  n = alice.received.length;
  r = await mo.imsDialog.request('INFO', { body, contentType: 'application/dtmf-relay' });
  assert.equal(r && r.status, 200, why(`INFO from the IMS answered ${r && r.status}`));
  assert.ok(alice.received.slice(n).some((m) => m.method === 'INFO'), why('INFO did not reach the browser'));
});

test('BYE from the IMS side ends the call and its rtpengine session', async () => {
  const r = await mo.imsDialog.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the IMS answered ${r && r.status}`));
  assert.ok(alice.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === mo.callId), why('BYE did not reach the browser'));
  await rtpForgets(mo.callId, 'BYE from the IMS');
});

// an MT INVITE from the IMS side through alice's Path flow token
function mtInvite(ua, target, extra = {}) {
  return ims.invite(target.contact, { body: imsSdp(), routes: [pathOf(target.user)], from: 'sip:bob@ims.test',
    headers: ['P-Asserted-Identity: <sip:bob@ims.test>'], ...extra });
}

test('MT INVITE through the Path flow token reaches the browser; BYE from the browser', async () => {
  const n = alice.received.length;
  const { resp, dialog, callId } = await mtInvite(ims, alice);
  assert.equal(resp && resp.status, 200, why(`MT INVITE answered ${resp && resp.status}`));
  const got = alice.received.slice(n).find((m) => m.method === 'INVITE');
  assert.ok(got, why('the INVITE did not reach the browser'));
  assert.match(got.body, /UDP\/TLS\/RTP\/SAVPF/, `offer to the browser: ${got.body}`);
  assert.match(got.body, /opus\/48000/, `offer to the browser lacks Opus: ${got.body}`);
  for (const bad of ['a=curr', 'a=des', 'b=RS', 'b=RR']) assert.ok(!got.body.includes(bad), `${bad} leaked toward the browser`);
  assert.match(resp.body, /RTP\/AVP/, `answer at the IMS: ${resp.body}`);
  for (const bad of ['a=msid', 'a=ssrc', 'a=fingerprint']) assert.ok(!resp.body.includes(bad), `${bad} leaked toward the IMS: ${resp.body}`);
  assert.equal(resp.all('Record-Route').join(',').split(',').length, 2, `double Record-Route expected: ${resp.all('Record-Route')}`);
  await poll(() => alice.received.some((m) => m.method === 'ACK' && m.get('Call-ID') === callId), 5000, 'ACK at the browser')
    .catch((e) => { throw new Error(why(e.message)); });
  assert.ok(await rtpKnows(callId), why('rtpengine does not know the MT call'));
  const bd = alice.dialogs.get(callId);
  const nb = ims.received.length;
  const r = await bd.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the browser answered ${r && r.status}`));
  assert.ok(ims.received.slice(nb).some((m) => m.method === 'BYE'), why('BYE did not reach the IMS'));
  await rtpForgets(callId, 'BYE from the browser');
  assert.ok(dialog, 'no dialog at the IMS side');
});

test('100rel and preconditions: a browser\'s INVITE offers neither; requiring one gets 420 with Unsupported', async () => {
  imsAnswersWithEarlyMedia(ims);
  const { resp, dialog, callId } = await alice.invite('sip:bob@ims.test', {
    body: webrtcSdp(), headers: ['Supported: 100rel, timer, precondition'],
  });
  assert.equal(resp && resp.status, 200, why(`MO INVITE with Supported: 100rel answered ${resp && resp.status}`));
  const inv = ims.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(inv, why('the INVITE did not reach the IMS side'));
  assert.deepEqual(inv.all('Supported'), ['timer'], why(`Supported at the S-CSCF: ${inv.all('Supported')}`));
  assert.equal((await dialog.request('BYE')).status, 200, why('BYE of the MO call'));
  const n = ims.received.length;
  const req = await alice.invite('sip:bob@ims.test', { body: webrtcSdp(), headers: ['Require: 100rel'] });
  assert.equal(req.resp && req.resp.status, 420, why(`MO INVITE with Require: 100rel answered ${req.resp && req.resp.status}`));
  assert.equal(req.resp.get('Unsupported'), '100rel', `Unsupported of the 420: ${req.resp.get('Unsupported')}`);
  assert.ok(!ims.received.slice(n).some((m) => m.method === 'INVITE'), why('an INVITE requiring 100rel reached the IMS'));
});

test('MT INVITE requiring preconditions: 420 with Unsupported; the core\'s retry without reaches the browser', async () => {
  const n = alice.received.length;
  const first = await mtInvite(ims, alice, { headers: ['P-Asserted-Identity: <sip:bob@ims.test>', 'Require: precondition', 'Supported: 100rel'] });
  assert.equal(first.resp && first.resp.status, 420, why(`MT INVITE with Require: precondition answered ${first.resp && first.resp.status}`));
  assert.match(first.resp.get('Unsupported') || '', /^precondition$/, `Unsupported of the 420: ${first.resp.get('Unsupported')}`);
  assert.ok(!alice.received.slice(n).some((m) => m.method === 'INVITE'), why('an INVITE requiring preconditions reached the browser'));
  // the core falls back: the same call without Require (TS 24.229)
  const retry = await mtInvite(ims, alice, { headers: ['P-Asserted-Identity: <sip:bob@ims.test>', 'Supported: 100rel, precondition, timer'] });
  assert.equal(retry.resp && retry.resp.status, 200, why(`the core's retry answered ${retry.resp && retry.resp.status}`));
  const got = alice.received.slice(n).find((m) => m.method === 'INVITE' && m.get('Call-ID') === retry.callId);
  assert.ok(got, why('the retry did not reach the browser'));
  assert.deepEqual(got.all('Supported'), ['timer'], `Supported at the browser: ${got.all('Supported')}`);
  assert.equal(got.all('Require').length, 0, `Require at the browser: ${got.all('Require')}`);
  const r = await retry.dialog.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE of the MT call answered ${r && r.status}`));
});

test('CANCEL from the browser: 487, the IMS gets the CANCEL, rtpengine session deleted', async () => {
  ims.onRequest = (m) => {
    if (m.method !== 'INVITE') return { status: 200 };
    ims.ringing = m;
    ims.answer(m, { status: 180, reason: 'Ringing' });
    return { status: 0 };
  };
  let ringing = false;
  const inv = alice.invite('sip:bob@ims.test', { body: webrtcSdp(), onProvisional: (r) => { if (r.status === 180) ringing = true; } });
  await poll(() => ringing, 5000, '180 at the browser').catch((e) => { throw new Error(why(e.message)); });
  const c = await alice.cancel();
  assert.equal(c && c.status, 200, why(`CANCEL answered ${c && c.status}`));
  const { resp, callId } = await inv;
  assert.equal(resp && resp.status, 487, why(`cancelled INVITE answered ${resp && resp.status}`));
  assert.ok(ims.received.some((m) => m.method === 'CANCEL' && m.get('Call-ID') === callId), why('CANCEL did not reach the IMS'));
  await rtpForgets(callId, 'CANCEL');
});

test('CANCEL from the IMS side reaches the ringing browser', async () => {
  const save = alice.onRequest;
  alice.onRequest = (m) => {
    if (m.method !== 'INVITE') return { status: 200 };
    alice.ringing = m;
    alice.answer(m, { status: 180, reason: 'Ringing' });
    return { status: 0 };
  };
  let ringing = false;
  const inv = mtInvite(ims, alice, { onProvisional: (r) => { if (r.status === 180) ringing = true; } });
  await poll(() => ringing, 5000, '180 at the IMS').catch((e) => { throw new Error(why(e.message)); });
  const c = await ims.cancel();
  assert.equal(c && c.status, 200, why(`CANCEL answered ${c && c.status}`));
  const { resp, callId } = await inv;
  alice.onRequest = save;
  assert.equal(resp && resp.status, 487, why(`cancelled MT INVITE answered ${resp && resp.status}`));
  assert.ok(alice.received.some((m) => m.method === 'CANCEL' && m.get('Call-ID') === callId), why('CANCEL did not reach the browser'));
  await rtpForgets(callId, 'CANCEL from the IMS');
});

test('WebSocket closed during a call: BYE to the IMS, rtpengine session deleted, de-REGISTER', async () => {
  imsAnswersWithEarlyMedia(ims);
  const dave = await wsUa('dave');
  const r0 = await dave.register();
  assert.equal(r0 && r0.status, 200, why(`REGISTER of dave answered ${r0 && r0.status}`));
  const { resp, callId } = await dave.invite('sip:bob@ims.test', { body: webrtcSdp() });
  assert.equal(resp && resp.status, 200, why(`dave's INVITE answered ${resp && resp.status}`));
  const route = pathOf('dave');
  await dave.close();
  await poll(() => ims.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === callId), 10000, 'BYE at the IMS after the WebSocket closed')
    .catch((e) => { throw new Error(why(e.message)); });
  await rtpForgets(callId, 'the WebSocket closed');
  await poll(() => sippReceived(registrar.msg).some((m) => m.method === 'REGISTER' && m.get('Call-ID') === dave.regCallId
    && /expires=0/.test(m.all('Contact').join(','))), 10000, 'de-REGISTER of dave').catch((e) => { throw new Error(why(e.message)); });
  // a terminating INVITE toward the closed flow: 430 Flow Failed
  const { resp: r430 } = await ims.invite(dave.contact, { body: imsSdp(), routes: [route] });
  assert.equal(r430 && r430.status, 430, why(`INVITE toward a closed flow answered ${r430 && r430.status}`));
});

test('INVITE with a forged flow token gets 403; the next call is served', async () => {
  const route = pathOf('alice');
  const tok = /sip:([^@]+)@/.exec(route)[1];
  const forged = route.replace(tok, (tok[0] === 'A' ? 'B' : 'A') + tok.slice(1));
  const { resp } = await ims.invite(alice.contact, { body: imsSdp(), routes: [forged] });
  assert.equal(resp && resp.status, 403, why(`INVITE with a forged token answered ${resp && resp.status}`));
  const { resp: ok, dialog, callId } = await mtInvite(ims, alice);
  assert.equal(ok && ok.status, 200, why(`MT INVITE after that answered ${ok && ok.status}`));
  await dialog.request('BYE');
  await rtpForgets(callId, 'BYE');
  assert.equal(uriOf(ok.get('Contact')).startsWith('sip:'), true);
});
