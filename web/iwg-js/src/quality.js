// Call quality from WebRTC statistics (RTCPeerConnection.getStats) and an
// estimated MOS from a simplified ITU-T G.107 E-model.
//
// The estimate (what the person in this browser hears, audio):
//   d   = rtt/2 + 2 * jitter + 20 ms     one-way delay: network, jitter
//                                        buffer, packetisation
//   Id  = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)   H(x) = 1 if x > 0, else 0
//   Ie  = 0 + (95 - 0) * Ppl / (Ppl + 25.1)   Ppl: packet loss in % over the
//                                        interval; 25.1 is G.113's Bpl of
//                                        G.711 with loss concealment, taken
//                                        for Opus as well (conservative)
//   R   = 93.2 - Id - Ie                 (clamped to 0..100)
//   MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)   (1 for R = 0, 4.5 at 100)
// A clean call on a short path (d = 20 ms) scores 4.40; 1 % loss 4.32,
// 5 % 3.90. rtt is the RTCP's (remote-inbound-rtp) or else the ICE
// candidate pair's; when neither is known it counts as 0.
// SPDX-License-Identifier: GPL-2.0-or-later

// estimateMos({ rttMs, jitterMs, lossPercent }): { r, mos } (mos with two
// decimals)
export function estimateMos({ rttMs = 0, jitterMs = 0, lossPercent = 0 } = {}) {
  const d = (Number(rttMs) || 0) / 2 + 2 * (Number(jitterMs) || 0) + 20;
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ppl = Math.max(0, Number(lossPercent) || 0);
  const ie = (95 * ppl) / (ppl + 25.1);
  const r = Math.min(100, Math.max(0, 93.2 - id - ie));
  let mos = r <= 0 ? 1 : r >= 100 ? 4.5 : 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  mos = Math.min(4.5, Math.max(1, mos));
  return { r: Math.round(r * 10) / 10, mos: Math.round(mos * 100) / 100 };
}

// readStats(report): the counters of one getStats() report, summed per
// direction: { t, inbound: {audio, video}, outbound: {audio, video}, rttMs,
// remoteLossPercent, codec, ice, dtls }. Each direction entry: { packets,
// bytes, lost, jitterMs } (lost and jitter inbound only).
export function readStats(report, now = Date.now()) {
  const zero = () => ({ packets: 0, bytes: 0, lost: 0, jitterMs: null });
  const s = {
    t: now,
    inbound: { audio: zero(), video: zero() },
    outbound: { audio: zero(), video: zero() },
    rttMs: null,
    remoteLossPercent: null,
    codec: null,
    ice: null,
    dtls: null,
  };
  const byId = new Map();
  report.forEach((r) => byId.set(r.id, r));
  let pairRtt = null;
  let rtcpRtt = null;
  report.forEach((r) => {
    const kind = r.kind || r.mediaType;
    if (r.type === 'inbound-rtp' && (kind === 'audio' || kind === 'video')) {
      const e = s.inbound[kind];
      e.packets += r.packetsReceived || 0;
      e.bytes += r.bytesReceived || 0;
      e.lost += Math.max(0, r.packetsLost || 0);
      if (typeof r.jitter === 'number') e.jitterMs = Math.max(e.jitterMs || 0, r.jitter * 1000);
      const c = byId.get(r.codecId);
      if (kind === 'audio' && c && c.mimeType) s.codec = c.mimeType.replace(/^audio\//i, '');
    } else if (r.type === 'outbound-rtp' && (kind === 'audio' || kind === 'video')) {
      const e = s.outbound[kind];
      e.packets += r.packetsSent || 0;
      e.bytes += r.bytesSent || 0;
    } else if (r.type === 'remote-inbound-rtp' && kind === 'audio') {
      if (typeof r.roundTripTime === 'number') rtcpRtt = r.roundTripTime * 1000;
      if (typeof r.fractionLost === 'number') s.remoteLossPercent = Math.round(r.fractionLost * 1000) / 10;
    } else if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
      if (typeof r.currentRoundTripTime === 'number') pairRtt = r.currentRoundTripTime * 1000;
    } else if (r.type === 'transport') {
      if (r.dtlsState) s.dtls = r.dtlsState;
      if (r.iceState) s.ice = r.iceState;
    }
  });
  s.rttMs = rtcpRtt !== null ? rtcpRtt : pairRtt;
  return s;
}

// quality(prev, cur): the "quality" event of the interval between two
// readStats snapshots (prev may be null: counted from the call's start)
export function quality(prev, cur) {
  const a = cur.inbound.audio;
  const p = prev ? prev.inbound.audio : { packets: 0, lost: 0, bytes: 0 };
  const received = Math.max(0, a.packets - p.packets);
  const lost = Math.max(0, a.lost - p.lost);
  const lossPercent = received + lost > 0 ? Math.round((1000 * lost) / (received + lost)) / 10 : 0;
  const jitterMs = a.jitterMs === null ? null : Math.round(a.jitterMs * 10) / 10;
  const rttMs = cur.rttMs === null ? null : Math.round(cur.rttMs * 10) / 10;
  const { r, mos } = estimateMos({ rttMs: rttMs || 0, jitterMs: jitterMs || 0, lossPercent });
  return {
    intervalMs: prev ? cur.t - prev.t : null,
    packetsReceived: a.packets,
    packetsLost: a.lost,
    lossPercent,
    jitterMs,
    rttMs,
    remoteLossPercent: cur.remoteLossPercent,
    mos: received + lost > 0 ? mos : null,
    rFactor: received + lost > 0 ? r : null,
    bytesReceived: a.bytes + cur.inbound.video.bytes,
    bytesSent: cur.outbound.audio.bytes + cur.outbound.video.bytes,
    packetsSent: cur.outbound.audio.packets,
    codec: cur.codec,
    video: cur.inbound.video.packets + cur.outbound.video.packets > 0
      ? { packetsReceived: cur.inbound.video.packets, packetsSent: cur.outbound.video.packets, packetsLost: cur.inbound.video.lost }
      : null,
  };
}
