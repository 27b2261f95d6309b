// The calls view's reading of GET /api/v1/calls items and of
// /api/v1/calls/{id}/diagnosis (pure; field names: docs/api/openapi.yaml).
// SPDX-License-Identifier: GPL-2.0-or-later

// WebRTC media (DTLS-SRTP, with or without feedback) is the browser's leg;
// anything else faces the SIP network
export function sideOf(protocol) {
  return /^UDP\/TLS\/RTP\/SAVPF?$/.test(String(protocol || '')) ? 'browser' : 'sip_peer';
}

export const SIDE_NAMES = { browser: 'Browser', sip_peer: 'SIP peer' };

// one row per leg and media: what the console shows of each stream
export function mediaRows(call) {
  const rows = [];
  for (const leg of (call && call.legs) || []) {
    for (const m of leg.media || []) {
      const q = m.quality || {};
      const rtp = m.rtp || {};
      rows.push({
        tag: leg.tag,
        label: leg.label || '',
        side: sideOf(m.protocol),
        type: m.type || '',
        protocol: m.protocol || '',
        codec: m.codec ?? null,
        packets: rtp.packets ?? null,
        bytes: rtp.bytes ?? null,
        errors: rtp.errors ?? null,
        rtcpPackets: m.rtcp ? m.rtcp.packets ?? null : null,
        remote: rtp.remote ?? null,
        lossPct: q.packet_loss_pct ?? null,
        jitterMs: q.jitter_ms ?? null,
        mos: q.mos ?? null,
        rttMs: q.rtt_us === null || q.rtt_us === undefined ? null : q.rtt_us / 1000,
        dtls: m.dtls || null,
        ice: m.ice || null,
      });
    }
  }
  // the browser's leg first, then the SIP side
  return rows.sort((a, b) => (a.side === b.side ? 0 : a.side === 'browser' ? -1 : 1));
}

// "opus/48000 ↔ PCMA/8000": the codecs of the call's audio, browser first
export function codecSummary(call) {
  const seen = [];
  for (const r of mediaRows(call)) if (r.codec && !seen.includes(r.codec)) seen.push(r.codec);
  return seen.join(' ↔ ');
}

export function totalPackets(call) {
  return mediaRows(call).reduce((n, r) => n + (r.packets || 0), 0);
}

// who is on the call, as the dialog (when Kamailio keeps one) says
export function parties(call) {
  const d = call && call.dialog;
  if (!d) return null;
  return { from: d.from_uri || '', to: d.to_uri || '', state: d.state || '' };
}

export const VERDICTS = {
  ok: { title: 'Media flows both ways', tone: 'ok' },
  one_way: { title: 'One-way audio', tone: 'bad' },
  no_media: { title: 'No media', tone: 'bad' },
  starting: { title: 'Call starting', tone: 'info' },
  unknown: { title: 'Unknown', tone: 'info' },
};

export function verdictInfo(v) {
  return VERDICTS[v] || VERDICTS.unknown;
}

// DTLS state of a media in words
export function dtlsText(d) {
  if (!d || !d.enabled) return 'off';
  const parts = [d.role || 'role ?', d.fingerprint_verified ? 'fingerprint verified' : 'fingerprint not verified'];
  if (d.crypto_suite) parts.push(d.crypto_suite);
  return parts.join(', ');
}

// ICE state of a media in words
export function iceText(i) {
  if (!i || !i.enabled) return 'off';
  const parts = [i.controlling ? 'controlling' : 'controlled', i.peer_confirmed ? 'peer confirmed' : 'peer not confirmed'];
  if (i.lite_peer) parts.push('lite peer');
  if (i.trickle) parts.push('trickle');
  return parts.join(', ');
}
