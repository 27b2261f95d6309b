// Minimal SIP peers for the IMS tests: a SIP-over-WebSocket client (the
// browser's signaling, hand-written messages so that bad input can be sent
// too) and a UDP SIP peer (requests from the IMS side). Real sockets, no
// mocks. Node 20: run with --experimental-websocket (global WebSocket).
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import fs from 'node:fs';

const rnd = (n = 8) => crypto.randomBytes(n).toString('hex');

// parses one SIP message: { first, status, method, headers: [[name, value]], body }
export function parse(text) {
  const sep = text.indexOf('\r\n\r\n');
  const head = sep < 0 ? text : text.slice(0, sep);
  const body = sep < 0 ? '' : text.slice(sep + 4);
  const lines = head.split('\r\n');
  const first = lines.shift();
  const headers = lines.filter((l) => l.includes(':')).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  const m = /^SIP\/2\.0 (\d{3})/.exec(first);
  return {
    first, body, headers,
    status: m ? Number(m[1]) : null,
    method: m ? null : first.split(' ')[0],
    // all values of a header (case-insensitive, compact forms not expanded)
    all: (name) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    get(name) { return this.all(name)[0]; },
    text,
  };
}

// builds a response to request msg (parsed), copying Via/From/To/Call-ID/CSeq
export function responseTo(msg, code, reason, extra = []) {
  const copy = ['Via', 'Record-Route', 'From', 'To', 'Call-ID', 'CSeq'];
  const h = [];
  for (const name of copy) {
    for (let v of msg.all(name)) {
      if (name === 'To' && !/;tag=/.test(v)) v += `;tag=${rnd(4)}`;
      h.push(`${name}: ${v}`);
    }
  }
  return [`SIP/2.0 ${code} ${reason}`, ...h, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}

// SIP-over-WebSocket connection of a client object c (url, onMessage):
// wsOpen resolves with c once open; wsClose resolves once closed
export function wsOpen(c) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(c.url, 'sip');
    c.ws = ws;
    c.closed = false;
    ws.onopen = () => resolve(c);
    ws.onerror = (e) => reject(new Error(`WebSocket ${c.url}: ${e.message || 'error'}`));
    ws.onclose = () => { c.closed = true; };
    ws.onmessage = (ev) => c.onMessage(String(ev.data));
  });
}

export function wsClose(c) {
  if (!c.ws || c.closed) return Promise.resolve();
  return new Promise((resolve) => {
    c.ws.onclose = () => { c.closed = true; resolve(); };
    c.ws.close();
  });
}

// a SIP-over-WebSocket client; log lines go to logFile
export class WsClient {
  constructor(url, { user, domain, logFile }) {
    this.url = url;
    this.user = user;
    this.domain = domain;
    this.logFile = logFile;
    this.host = `${rnd(4)}.invalid`;
    this.contactUser = rnd(4);
    this.contact = `sip:${this.contactUser}@${this.host};transport=ws`;
    this.instance = `<urn:uuid:${crypto.randomUUID()}>`;
    this.regCallId = `${rnd()}@iwg-test`;
    this.cseq = 0;
    this.pending = new Map(); // Call-ID+CSeq -> { resolve, timer }
    this.received = []; // requests received
    this.autoAnswer = 200;
  }

  log(dir, text) {
    if (this.logFile) fs.appendFileSync(this.logFile, `--- ${new Date().toISOString()} ${this.user} ${dir}\n${text}\n`);
  }

  open() { return wsOpen(this); }

  close() { return wsClose(this); }

  onMessage(text) {
    this.log('<<', text);
    const m = parse(text);
    if (m.status) {
      const key = `${m.get('Call-ID')} ${m.get('CSeq')}`;
      const p = this.pending.get(key);
      if (p && m.status >= 200) {
        this.pending.delete(key);
        clearTimeout(p.timer);
        p.resolve(m);
      }
      return;
    }
    this.received.push(m);
    if (m.method !== 'ACK') this.sendRaw(responseTo(m, this.autoAnswer, this.autoAnswer === 200 ? 'OK' : 'Busy Here'));
  }

  sendRaw(text) {
    this.log('>>', text);
    this.ws.send(text);
  }

  // sends a request; resolves with the final response (or null on timeout)
  request(method, ruri, { callId, cseq, headers = [], body = '', contentType } = {}) {
    callId = callId || `${rnd()}@iwg-test`;
    cseq = cseq || ++this.cseq;
    const lines = [
      `${method} ${ruri} SIP/2.0`,
      `Via: SIP/2.0/WS ${this.host};branch=z9hG4bK${rnd()}`,
      'Max-Forwards: 70',
      `From: <sip:${this.user}@${this.domain}>;tag=${rnd(4)}`,
      `To: <${method === 'REGISTER' ? `sip:${this.user}@${this.domain}` : ruri}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      ...headers,
    ];
    if (body) lines.push(`Content-Type: ${contentType || 'text/plain'}`);
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    const key = `${callId} ${cseq} ${method}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.pending.delete(key); resolve(null); }, 8000);
      this.pending.set(key, { resolve, timer });
      this.sendRaw(lines.join('\r\n'));
    });
  }

  // REGISTER with a 401 round; resolves with the final response
  async register({ contact, expires = 600 } = {}) {
    const ct = contact || `<${this.contact}>;+sip.instance="${this.instance}";reg-id=1;expires=${expires}`;
    const base = [`Contact: ${ct}`, 'Supported: path, outbound, gruu'];
    let r = await this.request('REGISTER', `sip:${this.domain}`, { callId: this.regCallId, headers: base });
    if (r && r.status === 401) {
      const auth = `Digest username="${this.user}@${this.domain}", realm="${this.domain}", nonce="x", uri="sip:${this.domain}", response="00000000000000000000000000000000", algorithm=MD5`;
      r = await this.request('REGISTER', `sip:${this.domain}`, { callId: this.regCallId, headers: [...base, `Authorization: ${auth}`] });
    }
    return r;
  }

  message(to, text, headers = []) {
    return this.request('MESSAGE', to, { headers, body: text });
  }
}

// a UDP SIP peer on 127.0.0.1:port: sends requests, resolves final responses
export class UdpPeer {
  constructor(port, logFile) {
    this.port = port;
    this.logFile = logFile;
    this.pending = new Map();
  }

  open() {
    this.sock = dgram.createSocket('udp4');
    this.sock.on('message', (buf) => {
      const text = buf.toString();
      if (this.logFile) fs.appendFileSync(this.logFile, `--- ${new Date().toISOString()} udp <<\n${text}\n`);
      const m = parse(text);
      if (!m.status || m.status < 200) return;
      const p = this.pending.get(m.get('Call-ID'));
      if (p) { this.pending.delete(m.get('Call-ID')); clearTimeout(p.timer); p.resolve(m); }
    });
    return new Promise((resolve) => this.sock.bind(this.port, '127.0.0.1', () => resolve(this)));
  }

  close() { this.sock.close(); }

  // sends a MESSAGE to target (host:port) with the given Route and R-URI
  message(target, ruri, route, extra = []) {
    const callId = `${rnd()}@ims-test`;
    const lines = [
      `MESSAGE ${ruri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${rnd()};rport`,
      'Max-Forwards: 70',
      ...(route ? [`Route: ${route}`] : []),
      `From: <sip:bob@ims.test>;tag=${rnd(4)}`,
      `To: <${ruri}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 MESSAGE',
      'P-Asserted-Identity: <sip:bob@ims.test>',
      ...extra,
      'Content-Type: text/plain',
      'Content-Length: 5',
      '',
      'hello',
    ];
    const text = lines.join('\r\n');
    if (this.logFile) fs.appendFileSync(this.logFile, `--- ${new Date().toISOString()} udp >>\n${text}\n`);
    const [host, port] = target.split(':');
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.pending.delete(callId); resolve(null); }, 8000);
      this.pending.set(callId, { resolve, timer });
      this.sock.send(text, Number(port), host);
    });
  }
}
