// iwg e2e page client: JsSIP over WS/WSS, exposed to the test as window.iwg.
// Bundled for the page by tests/e2e/lib/bundle.mjs (esbuild, IIFE).
// SPDX-License-Identifier: GPL-2.0-or-later
import JsSIP from 'jssip';

const state = {
  registered: false,
  regStatus: null, // status code of the last REGISTER response
  regCause: null, // JsSIP cause of the last registration failure
  callState: 'idle', // idle | incoming | progress | accepted | confirmed | ended | failed
  direction: null, // outgoing | incoming
  callId: null,
  endCause: null,
  incomingPending: false,
};
const events = [];
let ua = null;
let session = null;
let autoAnswer = false;

// The test adds its own SDP and PeerConnection options here; default
// bundlePolicy on purpose: rtpengine 10.5 has no BUNDLE (docs/architecture.md).
const pcConfig = { iceServers: [] };
const mediaConstraints = { audio: true, video: false };

function note(type, detail) {
  const e = { t: Date.now(), type, detail: detail === undefined ? null : detail };
  events.push(e);
  console.log(`iwg: ${type}${detail === undefined ? '' : ' ' + JSON.stringify(detail)}`);
}

function sessionUp(s, direction, callId) {
  session = s;
  state.direction = direction;
  state.callId = callId;
  state.endCause = null;
  state.callState = direction === 'incoming' ? 'incoming' : 'progress';
  s.on('progress', (e) => note('progress', { status: e.response ? e.response.status_code : null }));
  s.on('accepted', () => { state.callState = 'accepted'; note('accepted'); });
  s.on('confirmed', () => { state.callState = 'confirmed'; note('confirmed'); });
  s.on('ended', (e) => { state.callState = 'ended'; state.endCause = e.cause; note('ended', { originator: e.originator, cause: e.cause }); });
  s.on('failed', (e) => { state.callState = 'failed'; state.endCause = e.cause; note('failed', { originator: e.originator, cause: e.cause }); });
  s.on('peerconnection', (e) => {
    note('peerconnection');
    e.peerconnection.addEventListener('iceconnectionstatechange', () => note('ice', e.peerconnection.iceConnectionState));
  });
  s.on('sdp', (e) => note('sdp', { originator: e.originator, type: e.type, sdp: e.sdp }));
}

// registers uri over wsUrl with Digest password (null: none); extraHeaders
// (lines "Name: value") go on every REGISTER, e.g. a web token's
// "Authorization: Bearer <JWT>"
function register(wsUrl, uri, password, extraHeaders) {
  if (ua) throw new Error('already started');
  const socket = new JsSIP.WebSocketInterface(wsUrl);
  const cfg = {
    sockets: [socket],
    uri,
    register: false,
    session_timers: false,
    register_expires: 300,
    user_agent: 'iwg-e2e JsSIP',
  };
  if (password) cfg.password = password;
  ua = new JsSIP.UA(cfg);
  if (extraHeaders && extraHeaders.length) ua.registrator().setExtraHeaders(extraHeaders);
  ua.on('connected', () => note('ws-connected'));
  ua.on('disconnected', () => note('ws-disconnected'));
  ua.on('newRTCSession', (e) => {
    if (e.originator === 'local') {
      // fired from within ua.call(): the INVITE, with its Call-ID, exists now
      sessionUp(e.session, 'outgoing', e.request.call_id);
    } else {
      if (session && !session.isEnded()) {
        note('busy-reject');
        e.session.terminate({ status_code: 486 });
        return;
      }
      sessionUp(e.session, 'incoming', e.request.call_id);
      state.incomingPending = true;
      note('incoming', { callId: e.request.call_id, from: e.request.from.uri.toString() });
      if (autoAnswer) doAnswer();
    }
  });
  return new Promise((resolve) => {
    ua.on('registered', (e) => {
      state.registered = true;
      state.regStatus = e.response.status_code;
      const contacts = e.response.headers.Contact ? e.response.headers.Contact.length : 0;
      note('registered', { status: state.regStatus });
      resolve({ ok: true, status: state.regStatus, contacts });
    });
    ua.on('registrationFailed', (e) => {
      state.registered = false;
      state.regCause = e.cause;
      state.regStatus = e.response ? e.response.status_code : null;
      note('registrationFailed', { cause: e.cause, status: state.regStatus });
      resolve({ ok: false, status: state.regStatus, cause: e.cause });
    });
    ua.on('unregistered', () => { state.registered = false; note('unregistered'); });
    // registering before the WebSocket is open fails at once in JsSIP
    let first = true;
    ua.on('connected', () => { if (first) { first = false; ua.register(); } });
    ua.start();
  });
}

function call(target) {
  if (!ua) throw new Error('register first');
  state.callId = null;
  ua.call(target, { mediaConstraints, pcConfig });
  note('calling', { target, callId: state.callId });
  return state.callId;
}

function doAnswer() {
  autoAnswer = false;
  state.incomingPending = false;
  note('answering');
  session.answer({ mediaConstraints, pcConfig });
}

// answers the ringing call now, or the next one when it arrives
function answerNext() {
  if (session && state.incomingPending) doAnswer();
  else autoAnswer = true;
}

// media of the next call or answer: { video: true } adds Chromium's fake
// camera (--use-fake-device-for-media-stream) to the microphone
function media(opts) {
  mediaConstraints.video = !!(opts && opts.video);
  note('media', { ...mediaConstraints });
  return { ...mediaConstraints };
}

// local hold / resume through JsSIP (re-INVITE with a=sendonly, then
// a=sendrecv); resolves { ok } once the re-INVITE succeeded, or { ok: false,
// why } when JsSIP refused it or the call ended first
function holdOrResume(hold) {
  if (!session || session.isEnded()) return Promise.resolve({ ok: false, why: 'no call' });
  return new Promise((resolve) => {
    const off = () => { session.removeListener('ended', gone); session.removeListener('failed', gone); };
    const gone = () => { off(); resolve({ ok: false, why: 'call ended' }); };
    session.on('ended', gone);
    session.on('failed', gone);
    const done = () => { off(); note(hold ? 'held' : 'resumed'); resolve({ ok: true }); };
    const started = hold ? session.hold({}, done) : session.unhold({}, done);
    if (!started) { off(); resolve({ ok: false, why: `JsSIP refused ${hold ? 'hold' : 'unhold'}` }); }
  });
}

// outgoing tracks taken off their senders while held (sender -> track)
const detached = new Map();

// hold(opts): JsSIP only mutes the outgoing tracks (Chromium then keeps
// sending silence and black frames, which sendonly allows); with
// opts.stopMedia the tracks are also taken off their senders
// (replaceTrack(null)) so that no RTP leaves the browser until unhold()
async function hold(opts) {
  const r = await holdOrResume(true);
  if (r.ok && opts && opts.stopMedia && session.connection) {
    for (const s of session.connection.getSenders()) {
      if (!s.track) continue;
      detached.set(s, s.track);
      await s.replaceTrack(null);
    }
    note('media-stopped', { senders: detached.size });
  }
  return r;
}

// unhold(): puts back tracks hold() took off, then resumes through JsSIP
async function unhold() {
  for (const [s, track] of detached) await s.replaceTrack(track);
  detached.clear();
  return holdOrResume(false);
}

// DTMF through JsSIP's sendDTMF: RFC 4733 events in the audio RTP stream
// (transportType RFC2833) unless opts.transportType says INFO
function dtmf(tones, opts) {
  if (!session || session.isEnded()) return { ok: false, why: 'no call' };
  session.sendDTMF(tones, { transportType: 'RFC2833', ...(opts || {}) });
  note('dtmf', { tones });
  return { ok: true };
}

function hangup() {
  if (session && !session.isEnded()) session.terminate();
}

async function stats() {
  const out = {
    dtlsState: null, iceState: null, outboundPackets: 0, inboundPackets: 0,
    audioCodec: null, signalingState: null,
    videoOutboundPackets: 0, videoInboundPackets: 0, videoCodec: null, videoInboundCodec: null,
    videoFramesDecoded: 0,
  };
  const pc = session ? session.connection : null;
  if (!pc) return out;
  out.iceState = pc.iceConnectionState;
  out.signalingState = pc.signalingState;
  const report = await pc.getStats();
  const byId = new Map();
  report.forEach((r) => byId.set(r.id, r));
  report.forEach((r) => {
    if (r.type === 'transport' && r.dtlsState) out.dtlsState = r.dtlsState;
    if (r.type === 'outbound-rtp' && r.kind === 'audio') {
      out.outboundPackets += r.packetsSent || 0;
      const c = byId.get(r.codecId);
      if (c && !out.audioCodec) out.audioCodec = c.mimeType;
    }
    if (r.type === 'outbound-rtp' && r.kind === 'video') {
      out.videoOutboundPackets += r.packetsSent || 0;
      const c = byId.get(r.codecId);
      if (c && !out.videoCodec) out.videoCodec = c.mimeType;
    }
    if (r.type === 'inbound-rtp' && r.kind === 'video') {
      out.videoInboundPackets += r.packetsReceived || 0;
      out.videoFramesDecoded += r.framesDecoded || 0;
      const c = byId.get(r.codecId);
      if (c) out.videoInboundCodec = c.mimeType;
    }
    if (r.type === 'inbound-rtp' && r.kind === 'audio') {
      out.inboundPackets += r.packetsReceived || 0;
      const c = byId.get(r.codecId);
      if (c) out.inboundCodec = c.mimeType;
    }
  });
  return out;
}

// unregisters and closes the WebSocket; resolves once disconnected (or after 3 s)
function stop() {
  if (!ua) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 3000);
    ua.on('disconnected', () => { clearTimeout(t); resolve(); });
    hangup();
    ua.stop();
  });
}

function snapshot() {
  const held = session && !session.isEnded() ? session.isOnHold() : { local: false, remote: false };
  return { ...state, held };
}

window.iwg = {
  register, call, answerNext, hangup, stats, stop, state: snapshot, events,
  media, hold, unhold, dtmf,
};
if (new URLSearchParams(location.search).has('debug')) JsSIP.debug.enable('JsSIP:*');
note('ready', { jssip: JsSIP.version });
