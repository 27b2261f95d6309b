// Call: one call of the Gateway, outgoing or incoming, over a JsSIP
// RTCSession. Hides what the gateway needs (media settings, hold that stops
// RTP, DTMF mode, transfer) and turns SIP into events with plain reasons.
// SPDX-License-Identifier: GPL-2.0-or-later
import { Emitter } from './emitter.js';
import { IWGError } from './errors.js';
import { endReason } from './reasons.js';
import { getLocalStream, stopStream, sdpHasVideo, detachSenders, attachSenders } from './media.js';
import { readStats, quality } from './quality.js';
import { verdict } from './diagnose.js';

const TERMINAL = new Set(['ended']);

// the display name and URI of a JsSIP NameAddrHeader
function party(nameAddr) {
  if (!nameAddr) return { uri: null, name: null };
  return { uri: nameAddr.uri ? nameAddr.uri.toString() : null, name: nameAddr.display_name || null };
}

export class Call extends Emitter {
  // gateway: the Gateway; direction: 'outgoing' | 'incoming'; opts: the
  // options of Gateway.call (outgoing) or null
  constructor(gateway, direction, opts = {}) {
    super();
    this._gw = gateway;
    this._session = null;
    this._opts = opts;
    this._localOwned = false;
    this._detached = new Map();
    this._qualityTimer = null;
    this._lastStats = null;
    this._cancelled = false;
    this._ending = null;
    /** 'outgoing' | 'incoming' */
    this.direction = direction;
    /** 'connecting' | 'ringing' | 'early' | 'active' | 'ended' */
    this.state = direction === 'incoming' ? 'ringing' : 'connecting';
    this.id = null;
    this.remoteUri = null;
    this.remoteName = null;
    this.video = !!opts.video;
    this.remoteVideo = false;
    this.held = false;
    this.remoteHeld = false;
    this.muted = { audio: false, video: false };
    this.remoteStream = typeof MediaStream === 'function' ? new MediaStream() : null;
    this.localStream = null;
    this.startTime = null;
    this.answerTime = null;
    this.endTime = null;
    this.endReason = null;
    this.lastQuality = null;
  }

  // ---------------------------------------------------------- outgoing

  // places the call (Gateway.call): local media, then the INVITE
  async _dial(target) {
    this.remoteUri = target;
    this.startTime = new Date();
    let media;
    try {
      media = await getLocalStream({ audio: this._opts.audio !== false, video: this.video, stream: this._opts.stream });
    } catch (e) {
      this._finish({ reason: 'media_error', status: null, message: e.message }, 'local');
      return;
    }
    if (this.state === 'ended') {
      if (media.owned) stopStream(media.stream);
      return;
    }
    this.localStream = media.stream;
    this._localOwned = media.owned;
    const ua = this._gw._ua;
    if (!ua || !ua.isConnected()) {
      this._finish({ reason: 'network_error', status: null, message: 'not connected to the gateway' }, 'system');
      return;
    }
    try {
      this._session = ua.call(target, {
        mediaStream: media.stream,
        pcConfig: this._gw._rtcConfig,
        rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: this.video },
        extraHeaders: [...this._gw._authHeaders(), ...(this._opts.extraHeaders || [])],
        eventHandlers: this._sessionHandlers(),
      });
    } catch (e) {
      this._finish({ reason: 'failed', status: null, message: `cannot call ${target}: ${e.message}` }, 'local');
    }
  }

  // ---------------------------------------------------------- incoming

  // binds an incoming JsSIP session (Gateway)
  _bindIncoming(session, request) {
    this._session = session;
    this.startTime = new Date();
    this.id = request.call_id;
    const p = party(session.remote_identity);
    this.remoteUri = p.uri;
    this.remoteName = p.name;
    this.remoteVideo = sdpHasVideo(request.body);
    const h = this._sessionHandlers();
    for (const ev of Object.keys(h)) session.on(ev, h[ev]);
  }

  // answer({ video, stream }): answers an incoming call. video: send the
  // camera (default: when the caller offered video)
  async answer(opts = {}) {
    if (this.direction !== 'incoming') throw new IWGError('invalid_state', 'only an incoming call can be answered');
    if (this.state !== 'ringing') throw new IWGError('invalid_state', `cannot answer a call that is ${this.state}`);
    this.video = opts.video === undefined ? this.remoteVideo : !!opts.video;
    const media = await getLocalStream({ audio: opts.audio !== false, video: this.video, stream: opts.stream });
    if (this.state === 'ended') {
      if (media.owned) stopStream(media.stream);
      throw new IWGError('invalid_state', 'the call ended before it was answered');
    }
    this.localStream = media.stream;
    this._localOwned = media.owned;
    this._session.answer({
      mediaStream: media.stream,
      pcConfig: this._gw._rtcConfig,
      rtcAnswerConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: this.remoteVideo },
      extraHeaders: opts.extraHeaders || [],
    });
  }

  // reject({ status }): refuses an incoming call (default 486 Busy Here;
  // 603 to decline)
  reject({ status = 486 } = {}) {
    if (this.direction !== 'incoming' || this.state !== 'ringing') throw new IWGError('invalid_state', 'only a ringing incoming call can be rejected');
    this._session.terminate({ status_code: status });
  }

  // ---------------------------------------------------------- JsSIP events

  _sessionHandlers() {
    return {
      sending: (e) => { this.id = e.request.call_id; },
      peerconnection: (e) => this._onPeerConnection(e.peerconnection),
      progress: (e) => {
        const r = e.response;
        if (!r || this.direction !== 'outgoing' || this.state === 'active' || this.state === 'ended') return;
        if (r.body && /^m=/m.test(r.body)) {
          if (this.state !== 'early') { this.state = 'early'; this._emit('early-media', { status: r.status_code }); }
        } else if (r.status_code === 180 || r.status_code === 183) {
          if (this.state === 'connecting') { this.state = 'ringing'; this._emit('ringing', { status: r.status_code }); }
        }
      },
      accepted: (e) => {
        if (e.response && e.response.body) this.remoteVideo = sdpHasVideo(e.response.body);
        if (this.direction === 'outgoing' && e.response) {
          const p = party(e.response.to || null);
          if (p.name) this.remoteName = p.name;
        }
      },
      confirmed: () => {
        this.state = 'active';
        this.answerTime = new Date();
        this._startQuality();
        this._emit('answered', { video: this.video, remoteVideo: this.remoteVideo });
      },
      hold: (e) => {
        if (e.originator === 'remote') { this.remoteHeld = true; this._emit('remote-hold', {}); }
      },
      unhold: (e) => {
        if (e.originator === 'remote') { this.remoteHeld = false; this._emit('remote-resume', {}); }
      },
      newDTMF: (e) => {
        if (e.originator === 'remote') this._emit('dtmf', { tone: e.dtmf.tone, duration: e.dtmf.duration, mode: 'info' });
      },
      ended: (e) => this._onEnd(e),
      failed: (e) => this._onEnd(e),
    };
  }

  _onPeerConnection(pc) {
    pc.addEventListener('track', (ev) => {
      if (!this.remoteStream) return;
      if (!this.remoteStream.getTracks().includes(ev.track)) {
        this.remoteStream.addTrack(ev.track);
        this._emit('track', { kind: ev.track.kind, track: ev.track, stream: this.remoteStream });
      }
    });
  }

  _onEnd(e) {
    const status = e.message && Number.isInteger(e.message.status_code) ? e.message.status_code : null;
    const info = this._ending || endReason({ status, cause: e.cause, originator: e.originator, cancelledLocally: this._cancelled });
    this._finish(info, e.originator);
  }

  _finish(info, originator) {
    if (TERMINAL.has(this.state)) return;
    this.state = 'ended';
    this.endTime = new Date();
    this.endReason = { ...info, originator: originator || null };
    if (this._qualityTimer) clearInterval(this._qualityTimer);
    this._qualityTimer = null;
    if (this._localOwned) stopStream(this.localStream);
    for (const t of this._detached.values()) if (this._localOwned) t.stop();
    this._detached.clear();
    this._gw._forget(this);
    this._emit('ended', this.endReason);
  }

  // ---------------------------------------------------------- control

  _live(what) {
    if (!this._session || this.state === 'ended') throw new IWGError('invalid_state', `cannot ${what}: the call is ${this.state}`);
  }

  _established(what) {
    this._live(what);
    if (this.state !== 'active') throw new IWGError('invalid_state', `cannot ${what} before the call is answered`);
  }

  // hangup(): ends the call in any state: CANCEL (outgoing, not answered:
  // reason cancelled), 480 (incoming, ringing: reason declined) or BYE
  hangup() {
    if (this.state === 'ended') return;
    if (!this._session) {
      this._cancelled = true;
      this._finish({ reason: 'cancelled', status: null, message: 'The call was cancelled' }, 'local');
      return;
    }
    // an outgoing call not answered yet is cancelled; an incoming one
    // ringing here is declined (JsSIP's "Rejected")
    if (this.state !== 'active' && this.direction === 'outgoing') this._cancelled = true;
    try {
      this._session.terminate();
    } catch (e) {
      this._finish({ reason: 'hangup', status: null, message: 'The call ended' }, 'local');
    }
  }

  // re-INVITE through JsSIP (hold or unhold); resolves when the far end
  // accepted it; a call ended meanwhile rejects
  _reinvite(hold) {
    return new Promise((resolve, reject) => {
      const s = this._session;
      const off = () => { this.off('ended', gone); };
      const gone = () => { off(); reject(new IWGError('invalid_state', 'the call ended')); };
      this.on('ended', gone);
      const done = () => { off(); resolve(); };
      const started = hold ? s.hold({}, done) : s.unhold({}, done);
      if (!started) { off(); reject(new IWGError('invalid_state', hold ? 'the call cannot be held now' : 'the call is not held')); }
    });
  }

  // hold(): re-INVITE with a=sendonly (a=inactive when the far end holds
  // us too) and no RTP sent: the tracks leave their senders until resume()
  async hold() {
    this._established('hold');
    if (this.held) return;
    await this._reinvite(true);
    this._detached = await detachSenders(this._session.connection);
    this.held = true;
    this._emit('hold', {});
  }

  // resume(): the tracks back, then a re-INVITE with a=sendrecv
  async resume() {
    this._established('resume');
    if (!this.held) return;
    await attachSenders(this._detached);
    await this._reinvite(false);
    this.held = false;
    this._emit('resume', {});
  }

  // mute(kind): stops sending audio, video or both (undefined); the call
  // stays up (silence / black frames are sent)
  mute(kind) {
    this._setMuted(kind, true);
  }

  unmute(kind) {
    this._setMuted(kind, false);
  }

  _setMuted(kind, on) {
    this._live(on ? 'mute' : 'unmute');
    if (kind !== undefined && kind !== 'audio' && kind !== 'video') {
      throw new TypeError(`${on ? 'mute' : 'unmute'}: kind is "audio", "video" or undefined, not ${kind}`);
    }
    const k = { audio: kind !== 'video', video: kind !== 'audio' };
    if (on) this._session.mute(k);
    else this._session.unmute(k);
    if (k.audio) this.muted.audio = on;
    if (k.video) this.muted.video = on;
    this._emit('mute', { ...this.muted });
  }

  // sendDTMF(tones, { mode, duration, interToneGap }): mode "rfc4733" (RTP
  // telephone-events, what the gateway relays), "info" (SIP INFO
  // application/dtmf-relay) or "auto" (default: RFC 4733 when the call
  // negotiated telephone-event, else INFO). Returns the mode used.
  sendDTMF(tones, { mode = 'auto', duration = 100, interToneGap = 70 } = {}) {
    this._established('send DTMF');
    tones = String(tones);
    if (!/^[0-9A-Da-d#*,]+$/.test(tones)) throw new TypeError(`invalid DTMF tones "${tones}" (0-9, A-D, #, *, comma for a pause)`);
    if (!['auto', 'rfc4733', 'info'].includes(mode)) throw new TypeError(`DTMF mode is "auto", "rfc4733" or "info", not ${mode}`);
    let used = mode;
    if (mode !== 'info') {
      const pc = this._session.connection;
      const sender = pc && pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
      const ok = !!(sender && sender.dtmf && sender.dtmf.canInsertDTMF !== false);
      if (!ok && mode === 'rfc4733') throw new IWGError('invalid_state', 'RFC 4733 DTMF is not possible on this call (no telephone-event negotiated, or the call is held)');
      used = ok ? 'rfc4733' : 'info';
    }
    this._session.sendDTMF(tones, { transportType: used === 'info' ? 'INFO' : 'RFC2833', duration, interToneGap });
    return used;
  }

  // transfer(target, { hangup, waitForResult, timeoutMs }): blind transfer
  // (REFER). Resolves { status: 202 } when the far end accepted the REFER,
  // or, with waitForResult, the status of the new call the far end reports
  // (NOTIFY with a final sipfrag). Then this call is hung up (hangup: false
  // keeps it). Rejects with IWGError transfer_failed (REFER refused, or the
  // new call failed) or transfer_timeout.
  transfer(target, opts = {}) {
    this._established('transfer');
    return this._refer(this._gw._target(target), {}, opts, []);
  }

  // attendedTransfer(other, opts): connects the far end of this call to the
  // far end of other (REFER with Replaces naming other's dialog); both calls
  // are hung up when it succeeded (hangup: false keeps them)
  attendedTransfer(other, opts = {}) {
    this._established('transfer');
    if (!(other instanceof Call) || other === this) throw new TypeError('attendedTransfer needs another Call of this Gateway');
    other._established('be the target of a transfer');
    return this._refer(other._session.remote_identity.uri.toString(), { replaces: other._session }, opts, [other]);
  }

  _refer(target, referOpts, { hangup = true, waitForResult = false, timeoutMs = 30000 } = {}, also) {
    return new Promise((resolve, reject) => {
      let timer = null;
      let settled = false;
      const progress = (phase, status) => this._emit('transfer-progress', { phase, status });
      const settle = (fn, v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.off('ended', gone);
        fn(v);
      };
      const done = (status) => {
        settle(resolve, { status });
        if (!hangup) return;
        const ending = { reason: 'transferred', status: null, message: 'The call was transferred' };
        for (const c of [this, ...also]) {
          c._ending = ending;
          c.hangup();
        }
      };
      const gone = () => settle(reject, new IWGError('invalid_state', 'the call ended before the transfer completed'));
      this.on('ended', gone);
      const fail = (why, status = null) => settle(reject, new IWGError('transfer_failed', `transfer to ${target} failed: ${why}`, status));
      timer = setTimeout(() => settle(reject, new IWGError('transfer_timeout', `no transfer result from the far end within ${timeoutMs} ms`)), timeoutMs);
      const line = (e) => (e && e.status_line ? e.status_line.status_code : null);
      const sub = this._session.refer(target, {
        ...referOpts,
        eventHandlers: {
          requestSucceeded: (e) => {
            progress('accepted', e.response.status_code);
            if (!waitForResult) done(e.response.status_code);
          },
          requestFailed: (e) => fail(`the far end refused it (${e.response ? e.response.status_code : e.cause})`, e.response ? e.response.status_code : null),
          trying: (e) => progress('trying', line(e)),
          progress: (e) => progress('progress', line(e)),
          accepted: (e) => {
            progress('completed', line(e) || 200);
            if (waitForResult) done(line(e) || 200);
          },
          failed: (e) => {
            progress('failed', line(e));
            if (waitForResult) fail(`the new call failed (${line(e) || 'no answer'})`, line(e));
          },
        },
      });
      if (!sub) fail('the call cannot send a REFER now');
    });
  }

  // ---------------------------------------------------------- statistics

  // getStats(): the RTCStatsReport of the call's peer connection
  async getStats() {
    const pc = this._session && this._session.connection;
    if (!pc) throw new IWGError('invalid_state', 'the call has no media yet');
    return pc.getStats();
  }

  _startQuality() {
    const every = this._gw._qualityInterval;
    if (!every) return;
    this._qualityTimer = setInterval(async () => {
      try {
        const cur = readStats(await this.getStats());
        const q = quality(this._lastStats, cur);
        this._lastStats = cur;
        this.lastQuality = q;
        if (this.state === 'active') this._emit('quality', q);
      } catch (e) {
        // the call ended meanwhile
      }
    }, every);
  }

  // diagnose({ windowMs }): which direction carries no media, from the
  // packet counters over windowMs (default 2000)
  async diagnose({ windowMs = 2000 } = {}) {
    this._established('diagnose');
    const pc = this._session.connection;
    const a = readStats(await pc.getStats());
    await new Promise((r) => setTimeout(r, windowMs));
    if (this.state === 'ended') throw new IWGError('invalid_state', 'the call ended during the diagnosis');
    const b = readStats(await pc.getStats());
    return verdict(a, b, { held: this.held || this.remoteHeld, ice: pc.iceConnectionState });
  }
}
