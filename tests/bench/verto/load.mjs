// make bench, verto: Verto call load for iwg_verto. WORKERS WebSocket
// connections (Node's built-in WebSocket, --experimental-websocket), each
// logged in as LOGIN, place CALLS calls in all, one after the other per
// connection: verto.invite with a canned browser offer (audio sendrecv +
// video recvonly, ICE and DTLS-SRTP attributes, as Chromium makes it;
// rtpengine only needs a valid offer, no media flows), wait for
// verto.answer, hold HOLD_MS, verto.bye, wait for its result.
// Usage: node --experimental-websocket load.mjs URL LOGIN PASSWD CALLS WORKERS HOLD_MS
// Prints one JSON line: {"calls","ok","failed","wall_s","first_error"}.
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomUUID } from 'node:crypto';

const [url, login, passwd, callsArg, workersArg, holdArg] = process.argv.slice(2);
const calls = Number(callsArg || 100);
const workers = Math.max(1, Math.min(Number(workersArg || 8), calls));
const holdMs = Number(holdArg || 200);
const TIMEOUT_MS = 10000;

// a Chromium-like offer; port and ICE credentials vary per call
function offer(n) {
  const port = 20000 + (n % 20000);
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 7 + 11) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');
  return ['v=0', `o=- ${1000000 + n} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0',
    'a=group:BUNDLE 0 1', 'a=msid-semantic: WMS bench',
    `m=audio ${port} UDP/TLS/RTP/SAVPF 111 0 8 126`, 'c=IN IP4 127.0.0.1',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host generation 0`,
    `a=ice-ufrag:b${(n % 10000).toString().padStart(4, '0')}`, 'a=ice-pwd:benchbenchbenchbenchbenchb',
    'a=ice-options:trickle', `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass', 'a=mid:0',
    'a=sendrecv', 'a=msid:bench audio0', 'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${100000 + n} cname:bench`,
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:b${(n % 10000).toString().padStart(4, '0')}`, 'a=ice-pwd:benchbenchbenchbenchbenchb',
    `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass', 'a=mid:1', 'a=recvonly', 'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000', ''].join('\r\n');
}

// one connection: JSON-RPC requests with promised results, and waiters
// for server requests (verto.media, verto.answer, verto.bye) by method+callID
function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const pending = new Map();
    const waiters = [];
    let id = 0;
    const c = {
      request(method, params) {
        const rid = ++id;
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: rid, method, params }));
        return within(new Promise((res) => pending.set(rid, res)), `${method} result`);
      },
      waitFor(method, callID) {
        return within(new Promise((res) => waiters.push({ method, callID, res })), method);
      },
      close: () => ws.close(),
    };
    ws.onopen = () => resolve(c);
    ws.onerror = () => reject(new Error(`WebSocket ${url} failed`));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.method) {
        if (m.id !== undefined && m.params?.callID)
          ws.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { method: m.method } }));
        const i = waiters.findIndex((w) => w.method === m.method && w.callID === m.params?.callID);
        if (i >= 0) waiters.splice(i, 1)[0].res(m);
        return;
      }
      const p = pending.get(m.id);
      if (p) { pending.delete(m.id); p(m); }
    };
  });
}

function within(p, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), TIMEOUT_MS); })])
    .finally(() => clearTimeout(t));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let next = 0;
let ok = 0;
let firstError = null;
async function worker() {
  const c = await connect();
  const r = await c.request('login', { login, passwd, loginParams: {}, userVariables: {} });
  const sessid = r?.result?.sessid;
  if (!sessid) throw new Error(`login failed: ${JSON.stringify(r)}`);
  while (next < calls) {
    const n = next++;
    const callID = randomUUID();
    const dialogParams = { callID, destination_number: '5000', caller_id_name: 'Bench',
      caller_id_number: login, audio: true, video: false, useStereo: false, screenShare: false };
    try {
      const answered = c.waitFor('verto.answer', callID);
      const inv = await c.request('verto.invite', { sessid, sdp: offer(n), dialogParams });
      if (!inv.result) throw new Error(`verto.invite: ${JSON.stringify(inv.error)}`);
      await answered;
      await sleep(holdMs);
      const bye = await c.request('verto.bye', { sessid, dialogParams });
      if (!bye.result) throw new Error(`verto.bye: ${JSON.stringify(bye.error)}`);
      ok += 1;
    } catch (e) {
      firstError = firstError || `call ${n}: ${e.message}`;
    }
  }
  c.close();
}

const t0 = Date.now();
try {
  await Promise.all(Array.from({ length: workers }, worker));
} catch (e) {
  firstError = firstError || e.message;
}
console.log(JSON.stringify({ calls, ok, failed: calls - ok, wall_s: (Date.now() - t0) / 1000, first_error: firstError }));
process.exit(ok === calls ? 0 : 1);
