// iwg e2e Verto page: the unmodified @signalwire/js 1.5.0 `Verto` class,
// imported from the npm package and bundled by esbuild (sdklib.mjs), driven
// by the test through window.vt (calls made and calls received). Only the
// SDK's public API is used, plus call.peer.instance (the call's
// RTCPeerConnection) for getStats and client.connection._wsClient (the
// WebSocket) to drop the connection.
// SPDX-License-Identifier: GPL-2.0-or-later
import { Verto, VERSION } from '@signalwire/js';

const events = [];
let client = null;
let call = null;
let incoming = null; // the last call from SIP that rang (callUpdate ringing)
let cc = null; // @iwg/verto-cc's ContactCenter and its call (ccEnter)
let ccCall = null;
const pcs = new Map();

function note(type, detail) {
  events.push({ t: Date.now(), type, detail: detail === undefined ? null : detail });
  console.log(`vt: ${type}${detail === undefined ? '' : ' ' + JSON.stringify(detail)}`);
}

window.vt = {
  version: VERSION,
  events,
  // creates the client and connects; the test polls events for ready/error
  connect(host, login, passwd, userVariables) {
    client = new Verto({ host, login, passwd, userVariables });
    client.on('signalwire.socket.open', () => note('socket.open'));
    client.on('signalwire.socket.close', () => note('socket.close'));
    client.on('signalwire.ready', (s) => note('ready', { sessid: s.sessionid }));
    client.on('signalwire.error', (e) => note('error', e && (e.message || e)));
    client.on('signalwire.notification', (n) => {
      if (n.type === 'callUpdate') {
        const c = n.call;
        if (c.state === 'ringing') incoming = c;
        note('callUpdate', { id: c.id, state: c.state, prev: c.prevState, direction: c.direction,
          cause: c.cause, causeCode: c.causeCode, from: c.options.remoteCallerNumber });
      } else if (n.type === 'vertoClientReady') note('clientReady', { reattached: n.reattached_sessions });
      else note('notification', { type: n.type, callID: n.callID, msg: n.msg });
    });
    client.connect();
  },
  // places a call; returns its callID
  call(destinationNumber) {
    call = client.newCall({ destinationNumber, audio: true, video: false,
      callerName: 'Web User', callerNumber: '1008' });
    return call.id;
  },
  // the last call from SIP that rang: its callID, or null
  ringing: () => (incoming ? incoming.id : null),
  // answers it with call.answer(); it becomes the current call
  answer() {
    incoming.answer();
    call = incoming;
    return call.id;
  },
  // declines it while it rings (call.hangup() sends verto.bye)
  reject: () => incoming.hangup(),
  // the current call's state and the cause of its end as the SDK holds them
  info() {
    const c = window.vt.current();
    return c ? { id: c.id, state: c.state, cause: c.cause, causeCode: c.causeCode, direction: c.direction } : null;
  },
  // the call object now: a verto.attach replaces it under the same callID
  current() {
    if (call && client && client.calls[call.id]) call = client.calls[call.id];
    return call;
  },
  state: () => (window.vt.current() ? call.state : null),
  // the WebSocket dies under the SDK (as a network loss): it reconnects
  drop() {
    const ws = client.connection && client.connection._wsClient;
    if (ws) ws.close();
    return !!ws;
  },
  // audio RTP counters of the call's peer connection
  async stats() {
    const c = window.vt.current();
    const pc = c && c.peer && c.peer.instance;
    if (!pc) return null;
    if (!pcs.has(pc)) pcs.set(pc, pcs.size + 1);
    // pc: which peer connection of the page (1 the first, 2 after attach)
    const s = { ice: pc.iceConnectionState, sent: 0, received: 0, pc: pcs.get(pc) };
    (await pc.getStats()).forEach((r) => {
      if (r.kind !== 'audio') return;
      if (r.type === 'outbound-rtp') s.sent += r.packetsSent;
      if (r.type === 'inbound-rtp') s.received += r.packetsReceived;
    });
    return s;
  },
  dtmf: (digits) => call.dtmf(digits),
  hold: () => call.hold(),
  unhold: () => call.unhold(),
  transfer: (destination) => call.transfer(destination),
  hangup: () => call.hangup(),
  // call.message(to, body): verto.info toward the contact center
  message: (to, body) => window.vt.current().message(to, body),
  disconnect: () => client && client.disconnect(),
  // @iwg/verto-cc (the global IWGContactCenter) on this client: events
  // noted as cc.<type>; enters QUEUE with opts, the call becomes current
  ccEnter(queue, opts) {
    const { ContactCenter } = window.IWGContactCenter;
    cc = new ContactCenter(client, { destination: '5000' });
    for (const type of ['queue', 'agent', 'supervisor', 'ivr', 'dtmf', 'cc', 'result']) {
      cc.on(type, (e) => note(`cc.${type}`, { callID: e.callID, position: e.position, wait: e.wait,
        reason: e.reason, code: e.code, menu: e.menu, name: e.name, number: e.number, mode: e.mode,
        prompt: e.prompt, digits: e.digits, event: e.event }));
    }
    ccCall = cc.enterQueue(queue, opts);
    call = ccCall.sdkCall;
    return call.id;
  },
  ccPhase: () => (ccCall ? ccCall.phase : null),
  ccAgent: () => (ccCall ? ccCall.agent : null),
  // the IVR helper: DIGITS sent, resolved when the menu EXPECT is announced
  ccIvr: (digits, expectMenu) => ccCall.ivr.send(digits, { expectMenu, timeout: 8000 })
    .then(() => ccCall.ivr.menu, (e) => `error: ${e.code || e.message}`),
  ccCallback: (number) => ccCall.requestCallback(number, { when: 'asap' })
    .then((r) => r.code, (e) => `error: ${e.code || e.message}`),
};
note('loaded', { version: VERSION });
