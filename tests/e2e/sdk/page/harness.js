// Glue between the e2e tests and iwg.js in the page (window.t): keeps the
// gateways and calls the test makes under names and records every event
// they emit, so that the test (tests/e2e/sdk) can drive and poll them with
// page.evaluate. Uses only the SDK's public API.
// SPDX-License-Identifier: GPL-2.0-or-later
(function () {
  'use strict';
  const gateways = {};
  const calls = {};
  const events = {}; // name -> [{ t, type, detail }]
  const pendingIncoming = {}; // gateway name -> { name, answer }

  // JSON-safe copy of an event argument (Call objects become their id)
  function plain(v) {
    if (v instanceof IWG.Call) return { call: v.id };
    if (v instanceof Error) return { code: v.code, status: v.status, message: v.message };
    if (!v || typeof v !== 'object') return v === undefined ? null : v;
    const o = {};
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (typeof MediaStream !== 'undefined' && x instanceof MediaStream) o[k] = 'MediaStream';
      else if (typeof MediaStreamTrack !== 'undefined' && x instanceof MediaStreamTrack) o[k] = x.kind;
      else o[k] = x;
    }
    return o;
  }

  function record(name, type, detail) {
    (events[name] = events[name] || []).push({ t: Date.now(), type, detail: plain(detail) });
    console.log(`t: ${name} ${type} ${JSON.stringify(plain(detail))}`);
  }

  const GW_EVENTS = ['connecting', 'registered', 'unregistered', 'reconnecting', 'reconnected', 'disconnected', 'credential', 'error'];
  const CALL_EVENTS = ['ringing', 'early-media', 'answered', 'track', 'hold', 'resume', 'remote-hold', 'remote-resume',
    'mute', 'dtmf', 'quality', 'transfer-progress', 'ended'];

  function watchCall(name, call) {
    calls[name] = call;
    for (const ev of CALL_EVENTS) call.on(ev, (a) => record(name, ev, a));
    call.on('answered', () => { document.getElementById('remote').srcObject = call.remoteStream; });
  }

  function fail(e) {
    return { ok: false, code: e && e.code ? e.code : (e && e.name) || 'Error', status: e && e.status !== undefined ? e.status : null, message: String(e && e.message ? e.message : e) };
  }

  window.t = {
    version: () => IWG.version,
    globals: () => Object.keys(window).filter((k) => /^(IWG|JsSIP|jssip|debug|Gateway|Call)$/i.test(k)),

    gateway(name, options) {
      const gw = new IWG.Gateway(options);
      gateways[name] = gw;
      for (const ev of GW_EVENTS) gw.on(ev, (a) => record(name, ev, a));
      gw.on('incoming', (call) => {
        const p = pendingIncoming[name];
        const cname = p ? p.name : `${name}-incoming-${Date.now()}`;
        record(name, 'incoming', { call: cname, from: call.remoteUri, remoteVideo: call.remoteVideo });
        watchCall(cname, call);
        if (p && p.answer) call.answer(p.answer).catch((e) => record(cname, 'answer-failed', fail(e)));
        delete pendingIncoming[name];
      });
      return true;
    },

    async connect(name, credential) {
      try {
        await gateways[name].connect(credential);
        return { ok: true, state: gateways[name].state, uri: gateways[name].uri };
      } catch (e) {
        return fail(e);
      }
    },

    // connect() with a credential provider handing out list in turn (the
    // last one again when used up); the provider's calls are recorded as
    // "provider" events of name
    async connectProvider(name, list) {
      let i = 0;
      const provider = async () => {
        const c = list[Math.min(i, list.length - 1)];
        record(name, 'provider', { call: i++ });
        return c;
      };
      try {
        await gateways[name].connect(provider);
        return { ok: true, state: gateways[name].state, uri: gateways[name].uri };
      } catch (e) {
        return fail(e);
      }
    },

    async disconnect(name) {
      await gateways[name].disconnect();
      return gateways[name].state;
    },

    state: (name) => (gateways[name] ? gateways[name].state : calls[name] ? calls[name].state : null),

    // places a call named callName from gateway gwName
    call(gwName, callName, target, options) {
      try {
        watchCall(callName, gateways[gwName].call(target, options || {}));
        return { ok: true };
      } catch (e) {
        return fail(e);
      }
    },

    // the next incoming call of gwName gets callName (answered with answer
    // options when given)
    expectIncoming(gwName, callName, answer) {
      pendingIncoming[gwName] = { name: callName, answer: answer || null };
      return true;
    },

    // calls method of call name with args: { ok, value } or { ok: false, code, message }
    async invoke(name, method, args) {
      try {
        const a = (args || []).map((x) => (x && x.$call ? calls[x.$call] : x));
        const value = await calls[name][method](...a);
        return { ok: true, value: value === undefined ? null : plain(value) };
      } catch (e) {
        return fail(e);
      }
    },

    prop: (name, p) => plain({ v: calls[name][p] }).v,

    // packet counters of a call now: audio in/out, video in/out
    async packets(name) {
      const out = { audioIn: 0, audioOut: 0, videoIn: 0, videoOut: 0, dtmfSender: null };
      const report = await calls[name].getStats();
      report.forEach((r) => {
        const kind = r.kind || r.mediaType;
        if (r.type === 'inbound-rtp') out[kind === 'video' ? 'videoIn' : 'audioIn'] += r.packetsReceived || 0;
        if (r.type === 'outbound-rtp') out[kind === 'video' ? 'videoOut' : 'audioOut'] += r.packetsSent || 0;
      });
      const s = calls[name].remoteStream;
      out.remoteTracks = s ? s.getTracks().map((x) => x.kind) : [];
      return out;
    },

    events: (name) => events[name] || [],
  };
})();
