// Media settings the gateway's media relay (rtpengine) needs, and the local
// microphone/camera of a call.
// SPDX-License-Identifier: GPL-2.0-or-later
import { IWGError } from './errors.js';

// rtcConfiguration(user): the RTCPeerConnection configuration of every call.
// rtpengine does not do BUNDLE: "max-bundle" would put audio and video on
// one transport it cannot demultiplex, so "balanced" is kept whatever the
// page asks; RTP and RTCP share one port ("require"), which the gateway
// answers. No ICE servers by default: the gateway is reachable directly and
// no third party is contacted.
export function rtcConfiguration(user = {}) {
  const cfg = { iceServers: [], ...user };
  if (cfg.bundlePolicy === 'max-bundle' || !cfg.bundlePolicy) cfg.bundlePolicy = 'balanced';
  cfg.rtcpMuxPolicy = 'require';
  return cfg;
}

// getLocalStream({ audio, video, stream }): the stream a call sends: the
// page's own when given (not stopped by the SDK), else the microphone (and
// camera with video) from getUserMedia. Resolves { stream, owned }.
export async function getLocalStream({ audio = true, video = false, stream = null } = {}) {
  if (stream) return { stream, owned: false };
  if (!globalThis.navigator || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new IWGError('media_error', 'this page cannot use the microphone (getUserMedia needs a secure context: https or localhost)');
  }
  try {
    const s = await navigator.mediaDevices.getUserMedia({ audio: audio === false ? false : audio, video: video || false });
    return { stream: s, owned: true };
  } catch (e) {
    throw new IWGError('media_error', `microphone${video ? ' or camera' : ''} not available: ${e.name || ''} ${e.message || e}`.trim());
  }
}

export function stopStream(stream) {
  if (stream) for (const t of stream.getTracks()) t.stop();
}

// true when an SDP offer or answer has a video m-line with a port
export function sdpHasVideo(sdp) {
  return /^m=video [1-9]/m.test(String(sdp || ''));
}

// detachSenders(pc): takes the tracks off the senders so that no RTP
// leaves the browser (muting a track still sends silence or black frames);
// returns the Map sender -> track for attachSenders
export async function detachSenders(pc) {
  const taken = new Map();
  if (!pc) return taken;
  for (const s of pc.getSenders()) {
    if (!s.track) continue;
    taken.set(s, s.track);
    await s.replaceTrack(null);
  }
  return taken;
}

export async function attachSenders(taken) {
  for (const [s, track] of taken) {
    if (track.readyState === 'live') await s.replaceTrack(track);
  }
  taken.clear();
}
