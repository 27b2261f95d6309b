// IMS gateway with a real browser: headless Chromium with JsSIP registers
// through kamcfg/ims at the S-CSCF (SIPp), calls a VoLTE UE (SIPp) that
// answers AMR-WB with the VoLTE fmtp and telephone-event at 101 where
// rtpengine offered another number; the UE's media endpoint is a Node UDP
// receiver. Checks: the INVITE at the S-CSCF, rtpengine's NG query (AMR-WB
// toward the IMS, Opus and verified DTLS toward the browser), the AMR-WB
// payload format on the wire, RFC 4733 DTMF from the browser (JsSIP's
// sendDTMF) arriving with the IMS's payload type, BYE releasing the
// rtpengine call. Then an audio + H.264 video call (only H.264
// packetization-mode=1 offered toward the IMS, video passed through), and
// hold and resume (re-INVITEs with sendonly, sendrecv; media toward the IMS
// stops and comes back).
// Run by test.sh inside the stack.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchClient } from '../lib/browser.mjs';
import { query, medias, mediaPackets, mediaFlags } from '../lib/ng.mjs';
import { see, startSipp, startScscf, poll, udpBound, sippReceived } from '../../integration/ims/lib/harness.mjs';
import { RtpSink, amrwbBandwidthEfficient } from './lib-rtp.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const LOGDIR = process.env.IWG_LOGDIR;
const WSS_URL = process.env.IWG_WSS_URL || 'wss://127.0.0.1:8443';
const STEP = 15000;
const UE_PORT = 6062;
const SINK_PORT = 41000;
const TE_IMS = 101; // what the UE answers for telephone-event/16000
// (part 2 is told apart from part 1 before its tests are defined below)
const PART2 = process.env.IWG_E2E_IMS_PART === 'avpf';
const LOGS = ['browser-ims.log', 'sipp-ue.msg', PART2 ? 'sipp-scscf-avpf.msg' : 'sipp-scscf.msg',
  PART2 ? 'kamailio.log' : 'kamailio-part1.log (kamailio.log while part 1 runs)', 'rtpengine.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;

// the IMS leg: the RTP/AVP media with a codec (an offer leaves an untagged
// placeholder monologue without one)
const imsLeg = (r) => medias(r).find(({ media }) => media.protocol === 'RTP/AVP' && media.codec);
const browserLeg = (r) => medias(r).find(({ media }) => media.protocol === 'UDP/TLS/RTP/SAVPF');
const brief = (r) => medias(r).map(({ tag, media }) => `[${tag} ${media.protocol} ${media.codec} packets=${mediaPackets(media)}]`).join(' ');

const ue = (n) => path.join(here, 'sipp', n);
// the suite's second part (IWG_E2E_IMS_PART=avpf, test.sh) runs only the
// video call, with RTP/AVPF toward the IMS; part1 tests run in the first
const AVPF = PART2;
const part1 = AVPF ? () => {} : test;
// what the UE of ims-uas-voice.xml answers (SIPp keys): AMR-WB with the
// VoLTE fmtp at 96 (as offered), or AMR-NB only at 97 (as offered)
const AMRWB = { codec_pt: 96, codec: 'AMR-WB/16000/1', codec_fmtp: 'mode-set=0,1,2;mode-change-capability=2;max-red=0', te_rate: 16000 };
const AMRNB = { codec_pt: 97, codec: 'AMR/8000/1', codec_fmtp: 'mode-set=0,2,4,7;mode-change-capability=2;max-red=0', te_rate: 8000 };

// the S-CSCF for every test of the file (one SIPp call per registration);
// its Service-Route sends every INVITE to the UE at UE_PORT
let registrar;
before(async () => {
  registrar = await startScscf(8896, UE_PORT, PART2 ? 'scscf-avpf' : 'scscf');
});
after(async () => {
  const gone = new Promise((r) => registrar.proc.once('exit', r));
  registrar.proc.kill('SIGTERM');
  await gone;
});

// starts the UE (SIPp scenario file, keys), the RTP echo sinks and a
// registered browser; after test t the browser is closed first (its BYE
// must not reach the next test's UE), then the sinks and the UE, awaited
// (the next test's UE takes its port)
async function callSetup(t, { name, scenario, keys, sinks, video = false }) {
  const kv = Object.entries(keys).flatMap(([k, v]) => ['-key', k, String(v)]);
  const uas = startSipp(name, ue(scenario), ['-i', '127.0.0.1', '-p', String(UE_PORT), '-cp', '8897', '-m', '1', ...kv]);
  const exited = new Promise((r) => uas.proc.once('exit', r));
  let client = null;
  let rtp = [];
  t.after(async () => {
    if (client) await client.close();
    rtp.forEach((x) => x.close());
    uas.proc.kill('SIGTERM');
    await exited;
  });
  rtp = await Promise.all(sinks.map((p) => new RtpSink(p).open()));
  await poll(() => udpBound(UE_PORT), 10000, `SIPp UE on ${UE_PORT}`);
  client = await launchClient({ logDir: LOGDIR, name: 'ims' });
  const reg = await client.register(WSS_URL, 'sip:caller@ims.test', 'secret');
  assert.ok(reg.ok && reg.status === 200, why(`REGISTER through the IMS gateway: ${reg.status} ${reg.cause || ''}`));
  await client.page.evaluate((v) => window.iwg.media({ video: v }), video);
  const callId = await client.call('sip:ue@ims.test');
  assert.ok(callId, why('no Call-ID for the INVITE'));
  await client.waitState((s) => s.callState === 'confirmed', STEP, 'call confirmed').catch(async (e) => {
    const s = await client.state();
    throw new Error(why(`${e.message}: call state ${s.callState}, cause ${s.endCause}`));
  });
  return { uas, rtp, client, callId };
}

// polls NG query until pick(reply) is truthy; returns pick's value
async function ngUntil(callId, pick, what) {
  let last = null;
  return poll(async () => {
    last = await query(callId);
    return last.code === 0 ? pick(last.reply) : false;
  }, STEP, what).catch((e) => { throw new Error(why(`${e.message}; last query: ${brief(last && last.reply)}`)); });
}

async function hangupAndCheck(client, callId) {
  await client.hangup();
  await client.waitState((s) => s.callState === 'ended', STEP, 'call ended').catch((e) => { throw new Error(why(e.message)); });
  await poll(async () => (await query(callId)).code === 1, STEP, 'rtpengine to delete the call after BYE')
    .catch((e) => { throw new Error(why(e.message)); });
}

part1('browser calls a VoLTE UE through the IMS gateway: Opus<->AMR-WB, DTLS-SRTP, RFC 4733 DTMF with the IMS payload type', { timeout: 120000 }, async (t) => {
  const { uas, rtp: [sink], client, callId } = await callSetup(t, {
    name: 'ue', scenario: 'ims-uas-voice.xml', keys: { media_sink: SINK_PORT, ...AMRWB }, sinks: [SINK_PORT],
  });

  // the INVITE as the S-CSCF got it
  const inv = sippReceived(uas.msg).find((m) => m.method === 'INVITE');
  assert.ok(inv, why('no INVITE at the SIPp UE'));
  assert.match(inv.get('Route') || '', new RegExp(`^<sip:orig@127\\.0\\.0\\.1:${UE_PORT};lr>$`), `Route: ${inv.get('Route')}`);
  assert.deepEqual(inv.all('P-Asserted-Identity'), ['<sip:caller@ims.test>'], 'P-Asserted-Identity');
  assert.equal(inv.all('Record-Route').join(',').split(',').length, 2, `Record-Route: ${inv.all('Record-Route')}`);
  const offeredTe = (/^a=rtpmap:(\d+) telephone-event\/16000/m.exec(inv.body) || [])[1];
  t.diagnostic(`telephone-event/16000 offered toward the IMS at ${offeredTe}, answered at ${TE_IMS}`);

  // media flowing: browser DTLS connected, rtpengine AMR-WB toward the IMS
  const stats = await client.waitStats((s) => s.dtlsState === 'connected' && s.outboundPackets > 0 && s.inboundPackets > 0,
    STEP, 'browser DTLS connected, RTP both ways').catch((e) => { throw new Error(why(e.message)); });
  const reply = await ngUntil(callId, (r) => imsLeg(r) && browserLeg(r)
    && mediaPackets(imsLeg(r).media) > 0 && mediaPackets(browserLeg(r).media) > 0
    && mediaFlags(browserLeg(r).media).has('DTLS fingerprint verified') && r, 'rtpengine: both legs receiving, DTLS verified');
  t.diagnostic(`rtpengine: ${brief(reply)}`);
  assert.match(String(imsLeg(reply).media.codec), /^AMR-WB/, why(`IMS leg codec: ${brief(reply)}`));
  assert.match(String(browserLeg(reply).media.codec), /^opus/i, why(`browser leg codec: ${brief(reply)}`));
  assert.match(String(stats.audioCodec), /opus/i, `browser sends ${stats.audioCodec}`);

  // AMR-WB on the wire toward the UE: bandwidth-efficient, a mode of mode-set=0,1,2
  const amr = await poll(() => (sink.ofPt(96).length >= 10 ? sink.ofPt(96) : false), STEP, 'AMR-WB packets at the UE')
    .catch((e) => { throw new Error(why(`${e.message}: ${JSON.stringify(sink.summary())}`)); });
  const speech = amr.map(amrwbBandwidthEfficient);
  const bad = speech.find((x) => !x.ok);
  assert.ok(!bad, why(`AMR-WB packet not bandwidth-efficient: ${bad && bad.why}`));
  const modes = [...new Set(speech.filter((x) => x.ft <= 8).map((x) => x.ft))];
  t.diagnostic(`AMR-WB frame types at the UE: ${modes.join(',')} (${amr.length} packets)`);
  assert.ok(modes.length > 0 && modes.every((m) => m <= 2), `AMR-WB modes outside mode-set 0,1,2: ${modes}`);

  // DTMF: JsSIP's sendDTMF (RFC 2833 transport: RFC 4733 events in the
  // audio RTP); the UE must get them at 101
  const sent = sink.packets.length;
  const d = await client.page.evaluate(() => window.iwg.dtmf('159', { duration: 120, interToneGap: 80 }));
  assert.ok(d.ok, `browser cannot send DTMF: ${d.why}`);
  const te = await poll(() => {
    const ev = sink.packets.slice(sent).filter((p) => p.pt === TE_IMS);
    return new Set(ev.map((p) => p.payload[0])).size >= 3 ? ev : false;
  }, STEP, `telephone-event at payload type ${TE_IMS} for 1, 5, 9`).catch((e) => {
    throw new Error(why(`${e.message}: payload types at the UE after the DTMF ${JSON.stringify(sink.summary())}`));
  });
  assert.deepEqual([...new Set(te.map((p) => p.payload[0]))], [1, 5, 9], 'DTMF events at the UE');
  if (offeredTe && Number(offeredTe) !== TE_IMS) {
    assert.equal(sink.ofPt(Number(offeredTe)).length, 0, `events also sent with the offered payload type ${offeredTe}`);
  }

  await hangupAndCheck(client, callId);
});

part1('browser calls a UE that answers AMR-NB only: Opus<->AMR-NB, audio both ways', { timeout: 120000 }, async (t) => {
  const SINK = SINK_PORT + 30;
  const { uas, rtp: [sink], client, callId } = await callSetup(t, {
    name: 'ue-amrnb', scenario: 'ims-uas-voice.xml', keys: { media_sink: SINK, ...AMRNB }, sinks: [SINK],
  });
  const whyn = (s) => `${s}; see ${path.join(LOGDIR, 'sipp-ue-amrnb.msg')} and the other logs in ${LOGDIR}`;
  const inv = sippReceived(uas.msg).find((m) => m.method === 'INVITE');
  assert.ok(inv, whyn('no INVITE at the SIPp UE'));
  const [ia] = sections(inv.body);
  const order = ia.line.split(' ').slice(3).map((p) => (ia.rtpmap[p] || '').split('/')[0]);
  t.diagnostic(`offered toward the IMS: ${order.join(' ')}`);
  assert.ok(order.indexOf('AMR-WB') === 0 && order.indexOf('AMR') === 1, whyn(`VoLTE order (AMR-WB, then AMR-NB) in the offer: ${ia.line}`));
  await client.waitStats((s) => s.dtlsState === 'connected' && s.outboundPackets > 25 && s.inboundPackets > 25,
    STEP, 'browser DTLS connected, audio both ways').catch((e) => { throw new Error(whyn(e.message)); });
  const reply = await ngUntil(callId, (r) => imsLeg(r) && browserLeg(r) && mediaPackets(imsLeg(r).media) > 0 && r,
    'rtpengine: the IMS leg receiving');
  t.diagnostic(`rtpengine: ${brief(reply)}`);
  assert.match(String(imsLeg(reply).media.codec), /^AMR\/8000/, whyn(`IMS leg codec: ${brief(reply)}`));
  assert.match(String(browserLeg(reply).media.codec), /^opus/i, whyn(`browser leg codec: ${brief(reply)}`));
  await poll(() => sink.ofPt(AMRNB.codec_pt).length >= 10, STEP, 'AMR-NB packets at the UE')
    .catch((e) => { throw new Error(whyn(`${e.message}: ${JSON.stringify(sink.summary())}`)); });
  assert.match(ia.rtpmap[String(AMRNB.codec_pt)] || '', /^AMR\/8000/, whyn(`payload type ${AMRNB.codec_pt} in the offer: ${ia.rtpmap[String(AMRNB.codec_pt)]}`));
  const other = sink.packets.filter((p) => p.pt !== AMRNB.codec_pt && p.pt !== 101);
  assert.equal(other.length, 0, whyn(`packets other than AMR-NB and telephone-event at the UE: ${JSON.stringify(sink.summary())}`));
  await hangupAndCheck(client, callId);
});

// the m= sections of an SDP: [{ type, line, rtpmap: { pt: name }, fmtp: { pt: params }, dir }]
function sections(sdp) {
  return sdp.replace(/\r/g, '').split(/\n(?=m=)/).slice(1).map((sec) => {
    const lines = sec.split('\n');
    const out = { type: lines[0].slice(2).split(' ')[0], line: lines[0], rtpmap: {}, fmtp: {}, dir: 'sendrecv' };
    for (const l of lines) {
      if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l)) out.dir = l.slice(2);
      let m = /^a=rtpmap:(\d+) (\S+)/.exec(l);
      if (m) out.rtpmap[m[1]] = m[2];
      m = /^a=fmtp:(\d+) (.*)$/.exec(l);
      if (m) out.fmtp[m[1]] = m[2];
    }
    return out;
  });
}

const h264Mode1 = (v, pt) => /^H264\//i.test(v.rtpmap[pt] || '') && /(^|;)\s*packetization-mode=1\s*(;|$)/i.test(v.fmtp[pt] || '');
const videoOf = (r, pred) => medias(r).find(({ media }) => media.type === 'video' && pred(media));

// the video call in the transport proto toward the IMS: RTP/AVP with the
// shipped profiles, RTP/AVPF in the suite's second part (test.sh: the
// -avpf profile pair, IWG_E2E_IMS_PART=avpf), where the browser must also
// decode the H.264 coming back
const videoProto = AVPF ? 'RTP/AVPF' : 'RTP/AVP';
test(`browser audio + H.264 video call to a ViLTE UE: only H.264 packetization-mode=1 offered toward the IMS as ${videoProto}, video passed through${AVPF ? ', frames decoded in Chromium' : ''}`, { timeout: 120000 }, async (t) => {
  const VSINK = SINK_PORT + 12;
  const { uas, rtp: [asink, vsink], client, callId } = await callSetup(t, {
    name: AVPF ? 'ue-video-avpf' : 'ue-video', scenario: 'ims-uas-video.xml', video: true,
    // with AVPF the video's RTCP is echoed too (VSINK + 1): the browser's
    // PLI and FIR come back to it, so it sends keyframes again
    keys: { media_sink: SINK_PORT + 10, video_sink: VSINK, video_proto: videoProto },
    sinks: [SINK_PORT + 10, VSINK, ...(AVPF ? [VSINK + 1] : [])],
  });
  const whyv = (s) => `${s}; see ${path.join(LOGDIR, AVPF ? 'sipp-ue-video-avpf.msg' : 'sipp-ue-video.msg')} and the other logs in ${LOGDIR}`;

  // what the browser offered: VP8, VP9, H.264 of both modes, ...
  const local = (await client.events()).find((e) => e.type === 'sdp' && e.detail.originator === 'local' && e.detail.type === 'offer');
  const bv = sections(local.detail.sdp).find((s) => s.type === 'video');
  assert.ok(bv, 'the browser offered no video');
  const bnames = new Set(Object.values(bv.rtpmap).map((x) => x.split('/')[0].toUpperCase()));
  t.diagnostic(`browser video offer: ${[...bnames].join(' ')} (${Object.keys(bv.rtpmap).length} formats)`);
  assert.ok(bnames.has('VP8') && bnames.has('H264'), `browser video formats: ${[...bnames]}`);

  // at the IMS: audio AMR-WB first, video H.264 packetization-mode=1 only
  const inv = sippReceived(uas.msg).find((m) => m.method === 'INVITE');
  assert.ok(inv, whyv('no INVITE at the SIPp UE'));
  const [ia, iv] = sections(inv.body);
  assert.equal(ia && ia.type, 'audio', whyv('first section at the IMS'));
  assert.match(ia.rtpmap[ia.line.split(' ')[3]] || '', /^AMR-WB\//, whyv(`first audio codec at the IMS: ${ia.line}`));
  assert.equal(iv && iv.type, 'video', whyv('second section at the IMS'));
  const ipts = iv.line.split(' ').slice(3);
  assert.equal(iv.line.split(' ')[2], videoProto, whyv(`video transport at the IMS: ${iv.line}`));
  assert.equal(ia.line.split(' ')[2], 'RTP/AVP', whyv(`audio transport at the IMS: ${ia.line}`));
  t.diagnostic(`video at the IMS: ${iv.line} (${ipts.map((p) => `${p} ${iv.rtpmap[p]} ${iv.fmtp[p]}`).join(' | ')})`);
  assert.ok(ipts.length > 0 && ipts.every((p) => h264Mode1(iv, p)), whyv(`video formats at the IMS: ${iv.line}`));
  assert.ok(Object.keys(iv.rtpmap).every((p) => ipts.includes(p)), whyv('a=rtpmap of a format not on the m= line'));
  assert.doesNotMatch(inv.body, /VP8|VP9|AV1|rtx\/|red\/|ulpfec|flexfec/i, whyv('removed formats still in the INVITE'));

  // rtpengine: video H.264 on both legs, packets received on both
  const reply = await ngUntil(callId, (r) => {
    const b = videoOf(r, (m) => m.protocol === 'UDP/TLS/RTP/SAVPF');
    const i = videoOf(r, (m) => m.protocol === videoProto && m.codec);
    return b && i && mediaPackets(b.media) > 0 && mediaPackets(i.media) > 0 && { r, b, i };
  }, 'rtpengine: video received on both legs');
  t.diagnostic(`rtpengine: ${brief(reply.r)}`);
  assert.match(String(reply.b.media.codec), /^H264/i, whyv(`browser leg video codec: ${brief(reply.r)}`));
  assert.match(String(reply.i.media.codec), /^H264/i, whyv(`IMS leg video codec: ${brief(reply.r)}`));
  // audio is still transcoded
  assert.match(String(imsLeg(reply.r).media.codec), /^AMR-WB/, whyv(`IMS leg audio: ${brief(reply.r)}`));

  // H.264 on the wire toward the UE, at the payload type it answered
  const vpt = Number(ipts[0]);
  await poll(() => vsink.ofPt(vpt).length >= 10 && asink.ofPt(96).length >= 10, STEP, `H.264 (${vpt}) and AMR-WB at the UE`)
    .catch((e) => { throw new Error(whyv(`${e.message}: video ${JSON.stringify(vsink.summary())}, audio ${JSON.stringify(asink.summary())}`)); });
  const st = await client.stats();
  t.diagnostic(`browser: sends ${st.videoCodec} (${st.videoOutboundPackets} packets), receives ${st.videoInboundCodec} (${st.videoInboundPackets} packets)`);
  assert.match(String(st.videoCodec), /H264/i, `browser sends video as ${st.videoCodec}`);
  if (AVPF) {
    // the UE's H.264 (the sink echoes it) through rtpengine to Chromium's decoder
    const dec = await client.waitStats((x) => x.videoFramesDecoded >= 10, STEP, 'H.264 frames decoded in Chromium')
      .catch((e) => { throw new Error(whyv(e.message)); });
    t.diagnostic(`browser: ${dec.videoFramesDecoded} frames decoded (${dec.videoInboundCodec})`);
    assert.match(String(dec.videoInboundCodec), /H264/i, whyv(`browser receives video as ${dec.videoInboundCodec}`));
  }

  await hangupAndCheck(client, callId);
});

// the direction of each m= section of a SIP message's SDP
const directions = (msg) => sections(msg.body).map((x) => x.dir);

// resolves once the sink's packet count has not moved for quietMs; returns it
function stalled(sink, quietMs, what) {
  let n = -1;
  let since = Date.now();
  return poll(() => {
    if (sink.packets.length !== n) { n = sink.packets.length; since = Date.now(); return false; }
    return Date.now() - since >= quietMs ? { n } : false;
  }, STEP, what);
}

part1('browser holds and resumes a VoLTE call: re-INVITEs sendonly then sendrecv at the IMS, media toward the IMS stops and comes back', { timeout: 120000 }, async (t) => {
  const SINK = SINK_PORT + 20;
  const { uas, rtp: [sink], client, callId } = await callSetup(t, {
    name: 'ue-hold', scenario: 'ims-uas-voice.xml', keys: { media_sink: SINK, ...AMRWB }, sinks: [SINK],
  });
  const whyh = (s) => `${s}; see ${path.join(LOGDIR, 'sipp-ue-hold.msg')} and the other logs in ${LOGDIR}`;
  const flowing = (from, what) => poll(() => sink.packets.length >= from + 10, STEP, what)
    .catch((e) => { throw new Error(whyh(`${e.message}: ${sink.packets.length} packets at the UE, ${JSON.stringify(sink.summary())}`)); });
  const reinvites = () => sippReceived(uas.msg).filter((m) => m.method === 'INVITE').slice(1);
  await flowing(0, 'RTP at the UE before the hold');

  const h = await client.page.evaluate(() => window.iwg.hold({ stopMedia: true }));
  assert.ok(h.ok, whyh(`hold: ${h.why}`));
  assert.deepEqual((await client.state()).held, { local: true, remote: false }, 'JsSIP hold state');
  const [r1] = reinvites();
  assert.ok(r1, whyh('no re-INVITE at the UE for the hold'));
  assert.deepEqual(directions(r1), ['sendonly'], whyh('direction in the hold re-INVITE at the IMS'));
  const quiet = await stalled(sink, 1000, 'RTP toward the UE to stop while held').catch((e) => {
    throw new Error(whyh(`${e.message}: ${sink.packets.length} packets at the UE`));
  });
  t.diagnostic(`held: ${quiet.n} packets at the UE, then none for 1 s`);

  const u = await client.page.evaluate(() => window.iwg.unhold());
  assert.ok(u.ok, whyh(`unhold: ${u.why}`));
  const [, r2] = reinvites();
  assert.ok(r2, whyh('no re-INVITE at the UE for the resume'));
  assert.deepEqual(directions(r2), ['sendrecv'], whyh('direction in the resume re-INVITE at the IMS'));
  await flowing(quiet.n, 'RTP at the UE again after the resume');
  const reply = await ngUntil(callId, (r) => imsLeg(r) && r, 'rtpengine IMS leg');
  assert.match(String(imsLeg(reply).media.codec), /^AMR-WB/, whyh(`IMS leg codec after the resume: ${brief(reply)}`));
  t.diagnostic(`resumed: ${sink.packets.length - quiet.n} packets at the UE since`);

  await hangupAndCheck(client, callId);
});
