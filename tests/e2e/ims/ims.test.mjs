// IMS gateway with a real browser: headless Chromium with JsSIP registers
// through kamcfg/ims at the S-CSCF (SIPp), calls a VoLTE UE (SIPp) that
// answers AMR-WB with the VoLTE fmtp and telephone-event at 101 where
// rtpengine offered another number; the UE's media endpoint is a Node UDP
// receiver. Checks: the INVITE at the S-CSCF, rtpengine's NG query (AMR-WB
// toward the IMS, Opus and verified DTLS toward the browser), the AMR-WB
// payload format on the wire, RFC 4733 DTMF from the browser arriving with
// the IMS's payload type, BYE releasing the rtpengine call.
// Run by test.sh inside the stack.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchClient } from '../lib/browser.mjs';
import { query, medias, mediaPackets, mediaFlags } from '../lib/ng.mjs';
import { see, startSipp, poll, udpBound, sippReceived } from '../../integration/ims/lib/harness.mjs';
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
const LOGS = ['browser-ims.log', 'sipp-ue.msg', 'sipp-scscf.msg', 'kamailio.log', 'rtpengine.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;

// the IMS leg: the RTP/AVP media with a codec (an offer leaves an untagged
// placeholder monologue without one)
const imsLeg = (r) => medias(r).find(({ media }) => media.protocol === 'RTP/AVP' && media.codec);
const browserLeg = (r) => medias(r).find(({ media }) => media.protocol === 'UDP/TLS/RTP/SAVPF');
const brief = (r) => medias(r).map(({ tag, media }) => `[${tag} ${media.protocol} ${media.codec} packets=${mediaPackets(media)}]`).join(' ');

// keeps every RTCPeerConnection the page makes in window.__iwgPcs (for DTMF)
async function trackPeerConnections(page) {
  await page.evaluate(() => {
    const Orig = window.RTCPeerConnection;
    window.__iwgPcs = [];
    function Tracked(...a) {
      const pc = new Orig(...a);
      window.__iwgPcs.push(pc);
      return pc;
    }
    Tracked.prototype = Orig.prototype;
    Object.setPrototypeOf(Tracked, Orig);
    window.RTCPeerConnection = Tracked;
  });
}

// RFC 4733 DTMF from the browser: what JsSIP's sendDTMF does with
// transportType RFC2833 (RTCDTMFSender on the audio sender)
function sendDtmf(page, tones) {
  return page.evaluate((t) => {
    const pc = window.__iwgPcs[window.__iwgPcs.length - 1];
    const s = pc.getSenders().find((x) => x.track && x.track.kind === 'audio');
    s.dtmf.insertDTMF(t, 120, 80);
    return s.dtmf.canInsertDTMF;
  }, tones);
}

test('browser calls a VoLTE UE through the IMS gateway: Opus<->AMR-WB, DTLS-SRTP, RFC 4733 DTMF with the IMS payload type', { timeout: 120000 }, async (t) => {
  const registrar = startSipp('scscf', 'scscf-register.xml', ['-i', '127.0.0.1', '-p', '6060', '-cp', '8896', '-key', 'orig_port', String(UE_PORT)]);
  const ue = startSipp('ue', path.join(here, 'sipp/ims-uas-amrwb.xml'), ['-i', '127.0.0.1', '-p', String(UE_PORT), '-cp', '8897', '-m', '1', '-key', 'media_sink', String(SINK_PORT)]);
  t.after(() => { registrar.proc.kill('SIGTERM'); ue.proc.kill('SIGTERM'); });
  const sink = await new RtpSink(SINK_PORT).open();
  t.after(() => sink.close());
  await poll(() => udpBound(6060) && udpBound(UE_PORT), 10000, 'SIPp on 6060 and 6062');

  const client = await launchClient({ logDir: LOGDIR, name: 'ims' });
  t.after(() => client.close());
  const reg = await client.register(WSS_URL, 'sip:caller@ims.test', 'secret');
  assert.ok(reg.ok && reg.status === 200, why(`REGISTER through the IMS gateway: ${reg.status} ${reg.cause || ''}`));
  await trackPeerConnections(client.page);

  const callId = await client.call('sip:ue@ims.test');
  assert.ok(callId, why('no Call-ID for the INVITE'));
  await client.waitState((s) => s.callState === 'confirmed', STEP, 'call confirmed').catch(async (e) => {
    const s = await client.state();
    throw new Error(why(`${e.message}: call state ${s.callState}, cause ${s.endCause}`));
  });

  // the INVITE as the S-CSCF got it
  const inv = sippReceived(ue.msg).find((m) => m.method === 'INVITE');
  assert.ok(inv, why('no INVITE at the SIPp UE'));
  assert.match(inv.get('Route') || '', new RegExp(`^<sip:orig@127\\.0\\.0\\.1:${UE_PORT};lr>$`), `Route: ${inv.get('Route')}`);
  assert.deepEqual(inv.all('P-Asserted-Identity'), ['<sip:caller@ims.test>'], 'P-Asserted-Identity');
  assert.equal(inv.all('Record-Route').join(',').split(',').length, 2, `Record-Route: ${inv.all('Record-Route')}`);
  const offeredTe = (/^a=rtpmap:(\d+) telephone-event\/16000/m.exec(inv.body) || [])[1];
  t.diagnostic(`telephone-event/16000 offered toward the IMS at ${offeredTe}, answered at ${TE_IMS}`);

  // media flowing: browser DTLS connected, rtpengine AMR-WB toward the IMS
  const stats = await client.waitStats((s) => s.dtlsState === 'connected' && s.outboundPackets > 0 && s.inboundPackets > 0,
    STEP, 'browser DTLS connected, RTP both ways').catch((e) => { throw new Error(why(e.message)); });
  let last = null;
  const reply = await poll(async () => {
    last = await query(callId);
    const r = last.reply;
    if (last.code !== 0 || !imsLeg(r) || !browserLeg(r)) return false;
    return mediaPackets(imsLeg(r).media) > 0 && mediaPackets(browserLeg(r).media) > 0
      && mediaFlags(browserLeg(r).media).has('DTLS fingerprint verified') ? r : false;
  }, STEP, 'rtpengine: both legs receiving, DTLS verified')
    .catch((e) => { throw new Error(why(`${e.message}; last query: ${brief(last && last.reply)}`)); });
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

  // DTMF: the browser sends RFC 4733 events; the UE must get them at 101
  const before = sink.packets.length;
  assert.ok(await sendDtmf(client.page, '159'), 'browser cannot insert DTMF');
  const te = await poll(() => {
    const ev = sink.packets.slice(before).filter((p) => p.pt === TE_IMS);
    return new Set(ev.map((p) => p.payload[0])).size >= 3 ? ev : false;
  }, STEP, `telephone-event at payload type ${TE_IMS} for 1, 5, 9`).catch((e) => {
    throw new Error(why(`${e.message}: payload types at the UE after the DTMF ${JSON.stringify(sink.summary())}`));
  });
  assert.deepEqual([...new Set(te.map((p) => p.payload[0]))], [1, 5, 9], 'DTMF events at the UE');
  if (offeredTe && Number(offeredTe) !== TE_IMS) {
    assert.equal(sink.ofPt(Number(offeredTe)).length, 0, `events also sent with the offered payload type ${offeredTe}`);
  }

  await client.hangup();
  await client.waitState((s) => s.callState === 'ended', STEP, 'call ended').catch((e) => { throw new Error(why(e.message)); });
  await poll(async () => (await query(callId)).code === 1, STEP, 'rtpengine to delete the call after BYE')
    .catch((e) => { throw new Error(why(e.message)); });
});
