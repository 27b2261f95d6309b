// diagnose: which direction of a call carries no media, from two getStats
// snapshots (quality.js readStats) a short window apart.
// SPDX-License-Identifier: GPL-2.0-or-later

// verdict(a, b, { held, muted, ice }): { verdict, message, inbound,
// outbound, windowMs }. inbound: packets gateway -> this browser in the
// window; outbound: packets this browser -> gateway.
export function verdict(a, b, { held = false, ice = null } = {}) {
  const windowMs = b.t - a.t;
  const delta = (dir) => ({
    audio: Math.max(0, b[dir].audio.packets - a[dir].audio.packets),
    video: Math.max(0, b[dir].video.packets - a[dir].video.packets),
  });
  const inbound = delta('inbound');
  const outbound = delta('outbound');
  const inFlow = inbound.audio + inbound.video > 0;
  const outFlow = outbound.audio + outbound.video > 0;
  const secs = `${Math.round(windowMs / 100) / 10} s`;
  let v;
  let message;
  if (inFlow && outFlow) {
    v = 'ok';
    message = `media flowing both ways (${inbound.audio + inbound.video} packets in, ${outbound.audio + outbound.video} out in ${secs})`;
  } else if (held) {
    v = 'held';
    message = 'the call is on hold: no media is expected';
  } else if (!inFlow && outFlow) {
    v = 'no_inbound';
    message = `this browser sends media but has received nothing for ${secs}: the far end (SIP peer) sends no media to the gateway, or it is lost on the way (check the peer's media address, its firewall, and that it is not on hold)`;
  } else if (inFlow && !outFlow) {
    v = 'no_outbound';
    message = `media arrives but this browser has sent nothing for ${secs}: the microphone track ended or was removed`;
  } else {
    v = 'no_media';
    const conn = ice && ice !== 'connected' && ice !== 'completed' ? ` (ICE ${ice}: the browser cannot reach the gateway's media ports)` : '';
    message = `no media in either direction for ${secs}${conn}`;
  }
  return { verdict: v, message, inbound, outbound, windowMs, ice };
}
