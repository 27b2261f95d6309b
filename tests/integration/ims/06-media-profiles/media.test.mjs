// IMS media profiles: video as RTP/AVPF toward the IMS, and an IMS side that
// speaks AMR-NB only. The stack runs the browser-offer-to-ims-avpf /
// browser-answer-to-ims-avpf pair (test.sh). SIPp is the S-CSCF registrar, a
// Node UDP UA on 5072 the IMS side (as in 02-calls). Run by test.sh.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { WsUa, UdpUa, webrtcVideoSdp, imsVideoSdp, sdpSection } from '../lib/ua.mjs';
import { LOGDIR, see, startScscf, sippReceived } from '../lib/harness.mjs';
import { query } from '../../../e2e/lib/ng.mjs';

const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const IMS_PORT = 5072;
const why = (s) => `${s}; ${see('ws-ua.log', 'ims-ua.log', 'sipp-scscf.msg', 'kamailio.log', 'rtpengine.log')}`;

let registrar;
let ims;
let alice;

before(async () => {
  registrar = await startScscf(8895, IMS_PORT);
  ims = await new UdpUa(IMS_PORT, { name: 'ims', logFile: path.join(LOGDIR, 'ims-ua.log') }).open();
  alice = await new WsUa(WS_URL, { user: 'alice', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-ua.log') }).open();
  // the browser answers an offer's H.264 at its payload type, as browsers do
  alice.onRequest = (m) => {
    const v = m.method === 'INVITE' && sdpSection(m.body, 'video');
    return v ? { status: 200, body: webrtcVideoSdp({ setup: 'active', h264: v.fmts[0], vp8: false }) } : { status: 200 };
  };
  const r = await alice.register();
  assert.equal(r && r.status, 200, why(`REGISTER of alice answered ${r && r.status}`));
});

after(async () => {
  if (alice) await alice.close();
  if (ims) ims.close();
  if (registrar) registrar.proc.kill('SIGTERM');
});

// rtpengine's query: the video of the IMS side's tag is RTP/AVPF (rtpengine
// sends and takes RTCP feedback on that leg); the browser's is DTLS-SRTP
async function assertRtpengineVideo(callId) {
  const q = await query(callId);
  assert.equal(q.code, 0, why(`rtpengine does not know ${callId}`));
  const video = Object.values(q.reply.tags || {}).map((t) => (t.medias || []).find((m) => m.type === 'video'));
  assert.deepEqual([...new Set(video.map((m) => m && m.protocol))].sort(), ['RTP/AVPF', 'UDP/TLS/RTP/SAVPF'],
    `video legs in rtpengine's query: ${JSON.stringify(q.reply).slice(0, 1500)}`);
}

// video toward the IMS: RTP/AVPF, H.264 only, nack / nack pli / ccm fir,
// none of the browser-only feedback; audio RTP/AVP without feedback
function assertAvpfVideo(sdp, what) {
  const a = sdpSection(sdp, 'audio');
  const v = sdpSection(sdp, 'video');
  assert.ok(a && v, `${what}: no audio or video section: ${sdp}`);
  assert.equal(a.proto, 'RTP/AVP', `${what}: audio must stay RTP/AVP: ${sdp}`);
  assert.ok(!a.lines.some((l) => l.startsWith('a=rtcp-fb')), `${what}: feedback lines in the audio section: ${sdp}`);
  assert.equal(v.proto, 'RTP/AVPF', `${what}: video is not RTP/AVPF: ${sdp}`);
  assert.equal(v.fmts.length, 1, `${what}: video formats ${v.fmts} (H.264 only expected): ${sdp}`);
  const pt = v.fmts[0];
  assert.ok(v.lines.includes(`a=rtpmap:${pt} H264/90000`), `${what}: video is not H.264: ${sdp}`);
  for (const fb of ['nack', 'nack pli', 'ccm fir']) {
    assert.ok(v.lines.includes(`a=rtcp-fb:${pt} ${fb}`), `${what}: no a=rtcp-fb:${pt} ${fb}: ${sdp}`);
  }
  for (const bad of ['goog-remb', 'transport-cc']) {
    assert.ok(!v.lines.some((l) => l.endsWith(bad)), `${what}: ${bad} leaked toward the IMS: ${sdp}`);
  }
  return { a, v };
}

test('MO call with video: RTP/AVPF video with H.264 and its feedback toward the IMS, AMR-WB then AMR; an AMR-NB-only answer keeps Opus for the browser', async () => {
  ims.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: imsVideoSdp() } : { status: 200 });
  const { resp, dialog, callId } = await alice.invite('sip:bob@ims.test', { body: webrtcVideoSdp() });
  assert.equal(resp && resp.status, 200, why(`MO INVITE answered ${resp && resp.status}`));
  const inv = ims.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(inv, why('the INVITE did not reach the IMS side'));
  const { a } = assertAvpfVideo(inv.body, 'offer toward the IMS');
  // the VoLTE order: AMR-WB, AMR (bandwidth-efficient), then the rest
  const codec = (pt) => (a.lines.find((l) => l.startsWith(`a=rtpmap:${pt} `)) || '').split(' ')[1];
  assert.deepEqual([codec(a.fmts[0]), codec(a.fmts[1])], ['AMR-WB/16000', 'AMR/8000'], `audio order toward the IMS: ${inv.body}`);
  const amrFmtp = a.lines.find((l) => l.startsWith(`a=fmtp:${a.fmts[1]} `)) || '';
  assert.match(amrFmtp, /mode-change-capability=2/, `AMR fmtp: ${amrFmtp}`);
  assert.doesNotMatch(amrFmtp, /octet-align=1/, `AMR must be bandwidth-efficient: ${amrFmtp}`);
  // back to the browser: Opus (rtpengine transcodes AMR), H.264 over DTLS-SRTP
  const ba = sdpSection(resp.body, 'audio');
  const bv = sdpSection(resp.body, 'video');
  assert.ok(ba && ba.port > 0 && /opus\/48000/.test(ba.lines.join('\n')), `audio answer to the browser: ${resp.body}`);
  assert.ok(bv && bv.port > 0 && bv.proto === 'UDP/TLS/RTP/SAVPF' && /H264\/90000/.test(bv.lines.join('\n')), `video answer to the browser: ${resp.body}`);
  await assertRtpengineVideo(callId);
  const r = await dialog.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE answered ${r && r.status}`));
});

// an MT INVITE from the IMS side through alice's Path flow token
async function mtInvite(body) {
  const reg = sippReceived(registrar.msg).find((m) => m.method === 'REGISTER' && m.get('Path'));
  assert.ok(reg, why('no REGISTER with Path at the S-CSCF'));
  const n = alice.received.length;
  const res = await ims.invite(alice.aor, { body, routes: [reg.get('Path')], from: 'sip:bob@ims.test' });
  assert.equal(res.resp && res.resp.status, 200, why(`MT INVITE answered ${res.resp && res.resp.status}`));
  res.got = alice.received.slice(n).find((m) => m.method === 'INVITE');
  return res;
}

test('MT call from a ViLTE UE (AMR-NB, RTP/AVPF video): the answer mirrors each medium\'s transport', async () => {
  const { resp, dialog, got, callId } = await mtInvite(imsVideoSdp());
  assert.ok(got && /m=video \d+ UDP\/TLS\/RTP\/SAVPF/.test(got.body), why(`video offer to the browser: ${got && got.body}`));
  assertAvpfVideo(resp.body, 'answer to the IMS');
  assert.match(sdpSection(resp.body, 'audio').lines.join('\n'), /AMR\/8000/, `audio answer to the IMS is not AMR: ${resp.body}`);
  await assertRtpengineVideo(callId);
  await dialog.request('BYE');
});

test('MT call from a UE offering video as RTP/AVP: answered RTP/AVP, as offered', async () => {
  const { resp, dialog } = await mtInvite(imsVideoSdp({ videoProto: 'RTP/AVP' }));
  assert.equal(sdpSection(resp.body, 'video').proto, 'RTP/AVP', `video answer to an RTP/AVP offer: ${resp.body}`);
  assert.equal(sdpSection(resp.body, 'audio').proto, 'RTP/AVP', `audio answer: ${resp.body}`);
  await dialog.request('BYE');
});
