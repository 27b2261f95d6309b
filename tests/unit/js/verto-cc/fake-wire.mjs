// The real @signalwire/js 1.5 `Verto` client in Node, without a browser:
// its ES module build bundled by esbuild (as tests/e2e/verto bundles it for
// the page), a fake WebSocket in which a scripted Verto server answers
// (the frames the client sends are recorded), and the SDK's own WebRTC
// overrides (RTCPeerConnection, getUserMedia, ...) given fakes that produce
// SDP with a candidate. So the notifications the tests see are the ones
// the SDK's VertoHandler and BaseCall build from real Verto messages.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const top = path.resolve(here, '../../../..');

const sdp = (type) => [
  'v=0', `o=- 4611731400430051336 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=sendrecv', 'a=rtpmap:111 opus/48000/2',
  `a=setup:${type === 'offer' ? 'actpass' : 'active'}`, 'a=candidate:1 1 udp 2113937151 127.0.0.1 40000 typ host',
  `m=video ${type === 'offer' ? 9 : 0} UDP/TLS/RTP/SAVPF 96`, 'c=IN IP4 0.0.0.0', 'a=mid:1', 'a=recvonly', 'a=rtpmap:96 VP8/90000', '',
].join('\r\n');
export const OFFER = sdp('offer');
export const ANSWER = sdp('answer');

// the WebSocket the SDK opens: the scripted server is `FakeWebSocket.server`
export class FakeWebSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    FakeWebSocket.server.connect(this);
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      if (this.onopen) this.onopen({ type: 'open' });
    }, 0);
  }

  send(text) {
    FakeWebSocket.server.frame(this, JSON.parse(text));
  }

  close(code = 1000) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.onclose && this.onclose({ type: 'close', code }), 0);
  }

  // a frame from the server
  deliver(obj) {
    if (this.readyState === 1) this.onmessage({ data: JSON.stringify(obj) });
  }
}

class FakeStream {
  constructor() {
    this.tracks = [{ kind: 'audio', enabled: true, readyState: 'live', stop() { this.readyState = 'ended'; } }];
  }

  getTracks() {
    return this.tracks;
  }

  getAudioTracks() {
    return this.tracks;
  }

  getVideoTracks() {
    return [];
  }
}

// enough of RTCPeerConnection for the SDK's Peer: negotiation needed after
// addTrack, an offer or answer with a candidate, end of ICE gathering
class FakePeerConnection {
  constructor(config) {
    this.config = config;
    this.signalingState = 'stable';
    this.localDescription = null;
    this.remoteDescription = null;
    this.onicecandidate = null;
    this.onnegotiationneeded = null;
    this.onsignalingstatechange = null;
  }

  addTrack() {
    setTimeout(() => this.onnegotiationneeded && this.onnegotiationneeded({}), 0);
    return {};
  }

  addEventListener() {}

  getSenders() {
    return [];
  }

  async createOffer() {
    return { type: 'offer', sdp: OFFER };
  }

  async createAnswer() {
    return { type: 'answer', sdp: ANSWER };
  }

  async setLocalDescription(d) {
    this.localDescription = d;
    setTimeout(() => this.onicecandidate && this.onicecandidate({ candidate: null }), 0);
  }

  async setRemoteDescription(d) {
    this.remoteDescription = d;
  }

  close() {
    this.signalingState = 'closed';
  }
}

// the Verto options that plug the fakes into the SDK
export const mediaOverrides = {
  RTCPeerConnection: (config) => new FakePeerConnection(config),
  getUserMedia: async () => new FakeStream(),
  getDisplayMedia: async () => new FakeStream(),
  attachMediaStream: () => {},
  streamIsValid: (s) => s instanceof FakeStream,
};

// A Verto server in a script: answers login, verto.invite, verto.info,
// verto.bye, verto.answer, verto.attach, verto.modify as iwg does (results
// only; what a test wants to happen next it pushes with send()). frames:
// every request the client sent, in order.
export class FakeServer {
  constructor() {
    this.frames = [];
    this.sockets = [];
    this.inviteReply = null; // (params) -> {result} or {error}; default CALL CREATED
    this._waiters = [];
    this._id = 100;
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  connect(ws) {
    this.sockets.push(ws);
  }

  frame(ws, msg) {
    if (!msg.method) return; // the client's acks of our requests
    this.frames.push(msg);
    const p = msg.params || {};
    const dp = p.dialogParams || {};
    let reply;
    if (msg.method === 'login') reply = p.login ? { result: { message: 'logged in', sessid: 'sess-1' } } : { error: { code: -32000, message: 'Authentication Required' } };
    else if (msg.method === 'verto.invite') reply = (this.inviteReply && this.inviteReply(p)) || { result: { message: 'CALL CREATED', callID: dp.callID, sessid: 'sess-1' } };
    else if (msg.method === 'verto.modify') reply = { result: { callID: dp.callID, action: p.action, holdState: p.action === 'hold' ? 'held' : 'active', sessid: 'sess-1' } };
    else if (msg.method === 'verto.info') reply = { result: { message: 'SENT', sessid: 'sess-1' } };
    else reply = { result: { sessid: 'sess-1' } };
    setTimeout(() => {
      ws.deliver({ jsonrpc: '2.0', id: msg.id, ...reply });
      for (const w of this._waiters.slice()) {
        if (w.match(msg)) {
          this._waiters.splice(this._waiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    }, 0);
  }

  // a request from the server to the client (verto.info, verto.media, ...)
  send(method, params) {
    this._id += 1;
    this.socket.deliver({ jsonrpc: '2.0', id: this._id, method, params });
  }

  // the next frame (already sent or to come, after its reply went out)
  // that match(frame) accepts; rejects after ms
  next(match, ms = 3000, from = 0) {
    const seen = this.frames.slice(from).find(match);
    if (seen) return new Promise((r) => setTimeout(() => r(seen), 0));
    return new Promise((resolve, reject) => {
      const w = { match, resolve: null, timer: null };
      w.resolve = (f) => {
        clearTimeout(w.timer);
        resolve(f);
      };
      w.timer = setTimeout(() => {
        const i = this._waiters.indexOf(w);
        if (i >= 0) this._waiters.splice(i, 1);
        reject(new Error(`no such frame from the client within ${ms} ms; frames: ${JSON.stringify(this.frames.map((f) => f.method))}`));
      }, ms);
      this._waiters.push(w);
    });
  }
}

// waits until cond() is true (polled every 5 ms), else rejects after ms
export async function until(cond, ms = 3000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// { Verto, VERSION, inputs }: the SDK's ES module build from node_modules,
// bundled for Node with the fake WebSocket as the global one
export async function loadSdk() {
  globalThis.WebSocket = FakeWebSocket;
  globalThis.MediaStream = FakeStream;
  const r = await esbuild.build({
    stdin: { contents: "export { Verto, VERSION } from '@signalwire/js';", resolveDir: top, loader: 'js' },
    bundle: true, platform: 'node', format: 'esm', mainFields: ['module', 'main'], write: false, metafile: true, logLevel: 'silent',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verto-cc-sdk-'));
  const file = path.join(dir, 'sdk.mjs');
  fs.writeFileSync(file, r.outputFiles[0].text);
  try {
    const m = await import(pathToFileURL(file).href);
    return { Verto: m.Verto, VERSION: m.VERSION, inputs: Object.keys(r.metafile.inputs) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
