// A small WebSocket client on raw node:net / node:tls sockets, for load and
// abuse tests of the Verto endpoint (tests/integration/verto/06-flood,
// 07-login-abuse, 10-fork-hook, tests/bench/verto). Unlike Node's built-in
// WebSocket it can bind a source address (127.0.0.2 ...), send frames that
// never complete (a header announcing 64 KiB, then a trickle), and report
// what happened before the upgrade (refused: the server closed the TCP
// connection without a 101). Thousands of connections per process are fine
// (one socket and a few closures each); raise `ulimit -n` first.
//
//   const c = await wsConnect({ url, localAddress, ca, protocol, onText })
//     resolves once the upgrade is answered or the connection ends:
//     c.upgraded (101 received), c.refused (closed, reset or another status
//     before a 101; c.status holds the HTTP status if one came), c.error
//   c.send(obj|string)        a text frame (masked, FIN)
//   c.sendRaw(buffer)         bytes as they are (use frameHeader/maskBytes)
//   c.request(method, params, timeoutMs)  JSON-RPC: the reply with its id,
//                             or { timeout: true }
//   c.waitFor(pred, timeoutMs) the first message (parsed JSON) matching
//   c.closed                  promise of { code, reason, clean } once the
//                             TCP connection is gone (code 1006: no close
//                             frame came); c.closeInfo after that
//   c.close(code)             a close frame, then the socket ends
//   c.onCloseFrame = fn       called with { code, reason } when the server's
//                             close frame arrives (before c.closed settles)
//   c.reset()                 the TCP connection dropped with a RST (no
//                             WebSocket close, no FIN), as a crashed host's
//   protocol: 'sip'           asks for that subprotocol
//                             (Sec-WebSocket-Protocol; none by default)
//   onText(text, c)           every text message as it came, instead of
//                             the JSON-RPC handling below (SIP over
//                             WebSocket: integration/ha/03-churn)
// Pings are counted (c.pings) and answered with pongs, as a browser does
// (answerPings: false leaves them unanswered); server requests that
// carry an id and a callID are answered with a result (as the SDK does).
// SPDX-License-Identifier: GPL-2.0-or-later
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

// header of one client frame: FIN flag, opcode, payload length as announced,
// mask key (4 bytes) included
export function frameHeader(opcode, length, fin = true, mask = crypto.randomBytes(4)) {
  let h;
  if (length < 126) {
    h = Buffer.alloc(2);
    h[1] = 0x80 | length;
  } else if (length < 65536) {
    h = Buffer.alloc(4);
    h[1] = 0x80 | 126;
    h.writeUInt16BE(length, 2);
  } else {
    h = Buffer.alloc(10);
    h[1] = 0x80 | 127;
    h.writeBigUInt64BE(BigInt(length), 2);
  }
  h[0] = (fin ? 0x80 : 0) | opcode;
  return { header: Buffer.concat([h, mask]), mask };
}

// payload bytes masked with mask, starting at offset `from` of the payload
export function maskBytes(payload, mask, from = 0) {
  const out = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i] ^ mask[(from + i) & 3];
  return out;
}

function encode(opcode, payload, fin = true) {
  const { header, mask } = frameHeader(opcode, payload.length, fin);
  return Buffer.concat([header, maskBytes(payload, mask)]);
}

export function wsConnect({ url, localAddress, ca, timeoutMs = 10000, onMessage = null, answerPings = true,
  protocol = null, onText = null }) {
  const u = new URL(url);
  const secure = u.protocol === 'wss:';
  const port = Number(u.port || (secure ? 443 : 80));
  const key = crypto.randomBytes(16).toString('base64');
  const c = Object.assign(Object.create(proto), {
    upgraded: false, refused: false, error: null, status: null, closeInfo: null,
    messages: [], waiters: [], pending: new Map(), nextId: 1, sock: null,
  });
  let resolveClosed;
  c.closed = new Promise((r) => { resolveClosed = r; });
  let closeFrame = null;
  let buf = Buffer.alloc(0);
  let frag = [];
  let done = false;

  const deliver = (text) => {
    if (onText) { onText(text, c); return; }
    let m;
    try { m = JSON.parse(text); } catch { m = { unparsed: text }; }
    c.messages.push(m);
    if (m.method && m.id !== undefined && m.params?.callID)
      c.send({ jsonrpc: '2.0', id: m.id, result: { method: m.method } });
    if (!m.method && m.id !== undefined && c.pending.has(m.id)) {
      const p = c.pending.get(m.id);
      c.pending.delete(m.id);
      p(m);
    }
    for (let i = 0; i < c.waiters.length; i++) {
      if (c.waiters[i].pred(m)) { c.waiters.splice(i, 1)[0].res(m); i--; }
    }
    if (onMessage) onMessage(m, c);
    // keep memory flat with thousands of connections
    if (c.messages.length > 64) c.messages.splice(0, c.messages.length - 64);
  };

  const parseFrames = () => {
    for (;;) {
      if (buf.length < 2) return;
      const fin = (buf[0] & 0x80) !== 0;
      const op = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf[1] & 0x80) off += 4; // a masked server frame: not expected, skipped over
      if (buf.length < off + len) return;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      if (op === 0x9) {
        c.pings = (c.pings || 0) + 1;
        if (answerPings && !c.sock.destroyed) c.sock.write(encode(0xa, payload));
      } else if (op === 0x8) {
        closeFrame = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005,
          reason: payload.subarray(2).toString('utf8') };
        if (c.onCloseFrame) c.onCloseFrame(closeFrame);
        if (!c.sentClose && !c.sock.destroyed) { c.sentClose = true; c.sock.write(encode(0x8, payload.subarray(0, 2))); }
        c.sock.end();
      } else if (op === 0x1 || op === 0x2 || op === 0x0) {
        frag.push(Buffer.from(payload));
        if (fin) { const all = Buffer.concat(frag); frag = []; deliver(all.toString('utf8')); }
      }
    }
  };

  return new Promise((resolve) => {
    const opts = { host: u.hostname, port, localAddress };
    const sock = secure
      ? tls.connect({ ...opts, servername: u.hostname === '127.0.0.1' ? undefined : u.hostname, ca, rejectUnauthorized: !!ca })
      : net.connect(opts);
    c.sock = sock;
    sock.setNoDelay(true);
    const timer = setTimeout(() => { if (!done) { c.error = 'timeout before the upgrade'; sock.destroy(); } }, timeoutMs);
    const settle = () => { if (!done) { done = true; clearTimeout(timer); resolve(c); } };
    let head = Buffer.alloc(0);
    let gotHead = false;
    sock.on(secure ? 'secureConnect' : 'connect', () => {
      sock.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n`
        + `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`
        + (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '')
        + 'Origin: http://127.0.0.1\r\n\r\n');
    });
    sock.on('data', (d) => {
      if (!gotHead) {
        head = Buffer.concat([head, d]);
        const i = head.indexOf('\r\n\r\n');
        if (i < 0) return;
        gotHead = true;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.subarray(0, i).toString('latin1'))?.[1] || 0);
        c.status = status;
        if (status !== 101) { c.refused = true; sock.destroy(); settle(); return; }
        c.upgraded = true;
        buf = head.subarray(i + 4);
        settle();
        parseFrames();
        return;
      }
      buf = Buffer.concat([buf, d]);
      parseFrames();
    });
    sock.on('error', (e) => { c.error = c.error || e.code || e.message; });
    sock.on('close', () => {
      if (!c.upgraded && !c.error) c.refused = true;
      if (!c.upgraded && c.error && /ECONNRESET|EPIPE/.test(c.error)) c.refused = true;
      c.closeInfo = closeFrame ? { ...closeFrame, clean: true } : { code: 1006, reason: '', clean: false };
      for (const p of c.pending.values()) p({ closed: c.closeInfo });
      c.pending.clear();
      for (const w of c.waiters) w.res(null);
      c.waiters = [];
      settle();
      resolveClosed(c.closeInfo);
    });
  });
}

// the methods of a connection (its prototype)
const proto = {
  send(obj) {
    if (this.sock.destroyed) return false;
    this.sock.write(encode(0x1, Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj))));
    return true;
  },
  sendRaw(b) {
    if (this.sock.destroyed) return false;
    this.sock.write(b);
    return true;
  },
  request(method, params, timeoutMs = 10000) {
    const id = this.nextId++;
    return new Promise((res) => {
      const t = setTimeout(() => { this.pending.delete(id); res({ timeout: true }); }, timeoutMs);
      this.pending.set(id, (m) => { clearTimeout(t); res(m); });
      if (!this.send({ jsonrpc: '2.0', id, method, params })) {
        clearTimeout(t);
        this.pending.delete(id);
        res({ closed: this.closeInfo || { code: 1006 } });
      }
    });
  },
  waitFor(pred, timeoutMs = 10000) {
    const m = this.messages.find(pred);
    if (m) return Promise.resolve(m);
    return new Promise((res) => {
      const w = { pred, res: (x) => { clearTimeout(t); res(x); } };
      const t = setTimeout(() => { const i = this.waiters.indexOf(w); if (i >= 0) this.waiters.splice(i, 1); res(null); }, timeoutMs);
      this.waiters.push(w);
    });
  },
  close(code = 1000) {
    if (this.sock.destroyed) return;
    if (!this.sentClose && this.upgraded) {
      this.sentClose = true;
      const p = Buffer.alloc(2);
      p.writeUInt16BE(code, 0);
      this.sock.write(encode(0x8, p));
    }
    this.sock.end();
  },
  destroy() { this.sock.destroy(); },
  reset() { this.sock.resetAndDestroy(); },
};

// a Verto login frame's params
export const loginParams = (login, passwd) => ({ login, passwd, userVariables: {}, loginParams: {} });

// runs fn over items with at most `limit` at once; resolves with results
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

// percentile p (0..100) of an array of numbers
export function percentile(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

// Kamailio JSON-RPC over HTTP (127.0.0.1:5065, X-IWG-RPC-Key from
// IWG_RPC_KEY): the result, or { fault } / { failed }
export async function kamRpc(method, params = []) {
  try {
    const r = await fetch('http://127.0.0.1:5065/RPC', { method: 'POST',
      headers: { 'content-type': 'application/json', 'x-iwg-rpc-key': process.env.IWG_RPC_KEY || '' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const j = await r.json();
    return j.error ? { fault: j.error } : j.result;
  } catch (e) {
    return { failed: e.message };
  }
}

// kamRpc(method) polled every 200 ms until pred(result) holds, at most ms
// (the RPC listings are snapshots up to a second old): the last result
export async function rpcUntil(method, pred, ms = 5000) {
  const t0 = Date.now();
  let r;
  do {
    r = await kamRpc(method);
    if (pred(r)) return r;
    await new Promise((res) => setTimeout(res, 200));
  } while (Date.now() - t0 < ms);
  return r;
}

// the verto statistics as { name: number } (stats.get_statistics verto:)
export async function vertoStats() {
  const r = await kamRpc('stats.get_statistics', ['verto:']);
  const out = {};
  for (const m of JSON.stringify(r || '').matchAll(/verto:([a-z_]+) = ([0-9]+)/g)) out[m[1]] = Number(m[2]);
  return out;
}
