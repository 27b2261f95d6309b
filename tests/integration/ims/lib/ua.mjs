// SIP user agents with dialogs for the IMS call tests: the browser side over
// WebSocket (WsUa) and the IMS side over UDP (UdpUa). Hand-written messages
// (no SIP stack), real sockets. Dialog state follows RFC 3261 12: route set
// from Record-Route, remote target from Contact, CSeq per direction.
// Node 20: run with --experimental-websocket (global WebSocket).
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parse, wsOpen, wsClose } from './sip.mjs';

export const rnd = (n = 8) => crypto.randomBytes(n).toString('hex');

// the URI inside a name-addr or bare URI ("<sip:x>;tag=y" -> "sip:x")
export function uriOf(v) {
  const m = /<([^>]*)>/.exec(v || '');
  return m ? m[1] : String(v || '').split(';')[0].trim();
}
const tagOf = (v) => (/;\s*tag=([^;>\s]+)/.exec(v || '') || [])[1] || null;
// every comma-separated entry of the headers called name, in order
function entries(msg, name) {
  const out = [];
  for (const v of msg.all(name)) for (const e of v.split(/,(?=\s*<)/)) out.push(e.trim());
  return out;
}

// a dialog (RFC 3261 12) seen from one UA
export class Dialog {
  constructor(ua, { callId, localTag, remoteTag, localUri, remoteUri, routeSet, remoteTarget, cseq }) {
    Object.assign(this, { ua, callId, localTag, remoteTag, localUri, remoteUri, routeSet, remoteTarget });
    this.cseq = cseq;
    this.received = []; // in-dialog requests received
  }

  // sends an in-dialog request; resolves with the final response (null: timeout)
  request(method, { body = '', contentType = 'application/sdp', headers = [], cseq } = {}) {
    const n = cseq || (method === 'ACK' ? this.cseq : ++this.cseq);
    return this.ua.send({
      method, ruri: this.remoteTarget, routes: this.routeSet, callId: this.callId,
      from: `<${this.localUri}>;tag=${this.localTag}`, to: `<${this.remoteUri}>;tag=${this.remoteTag}`,
      cseq: n, headers, body, contentType,
    });
  }

  ack(cseq) { return this.request('ACK', { cseq }); }
}

// a UA: builds requests, matches responses, answers requests through
// this.onRequest(msg) -> { status, reason, body, headers } (default 200)
class Ua {
  constructor({ name, logFile }) {
    this.name = name;
    this.logFile = logFile;
    this.pending = new Map(); // 'branch method' -> { resolve, onProvisional, timer, responses }
    this.received = []; // requests received
    this.dialogs = new Map(); // Call-ID -> Dialog (as UAS)
    this.onRequest = null;
  }

  log(dir, text) {
    if (this.logFile) fs.appendFileSync(this.logFile, `--- ${new Date().toISOString()} ${this.name} ${dir}\n${text}\n`);
  }

  // builds and sends a request; resolves with the final response. opts:
  // method ruri routes callId from to cseq headers body contentType branch
  // onProvisional(resp) noWait (resolve at once with null)
  send(o) {
    const branch = o.branch || `z9hG4bK${rnd()}`;
    const lines = [
      `${o.method} ${o.ruri} SIP/2.0`,
      `Via: ${this.via(branch)}`,
      'Max-Forwards: 70',
      ...(o.routes || []).map((r) => `Route: ${r}`),
      `From: ${o.from}`,
      `To: ${o.to}`,
      `Call-ID: ${o.callId}`,
      `CSeq: ${o.cseq} ${o.method}`,
    ];
    if (['INVITE', 'UPDATE', 'SUBSCRIBE', 'REFER'].includes(o.method)) lines.push(`Contact: <${this.contact}>`);
    lines.push(...(o.headers || []));
    if (o.body) lines.push(`Content-Type: ${o.contentType || 'application/sdp'}`);
    lines.push(`Content-Length: ${Buffer.byteLength(o.body || '')}`, '', o.body || '');
    const text = lines.join('\r\n');
    if (o.method === 'ACK' || o.noWait) {
      this.sendRaw(text);
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const key = `${branch} ${o.method}`;
      const timer = setTimeout(() => { this.pending.delete(key); resolve(null); }, o.timeoutMs || 8000);
      this.pending.set(key, { resolve, timer, onProvisional: o.onProvisional, responses: [] });
      this.sendRaw(text);
    });
  }

  onMessage(text) {
    this.log('<<', text);
    const m = parse(text);
    if (m.status) {
      const branch = (/branch=([^;,\s]+)/.exec(m.get('Via') || '') || [])[1];
      const key = `${branch} ${(m.get('CSeq') || '').split(/\s+/)[1]}`;
      const p = this.pending.get(key);
      if (!p) return;
      p.responses.push(m);
      if (m.status < 200) {
        if (p.onProvisional) p.onProvisional(m);
        return;
      }
      this.pending.delete(key);
      clearTimeout(p.timer);
      m.provisionals = p.responses.slice(0, -1);
      p.resolve(m);
      return;
    }
    this.received.push(m);
    const d = this.dialogs.get(m.get('Call-ID'));
    if (d) d.received.push(m);
    if (m.method === 'ACK') return;
    if (m.method === 'CANCEL') {
      this.sendRaw(this.response(m, 200, 'OK'));
      if (this.ringing && this.ringing.get('Call-ID') === m.get('Call-ID')) {
        this.sendRaw(this.response(this.ringing, 487, 'Request Terminated'));
        this.ringing = null;
      }
      return;
    }
    const a = (this.onRequest && this.onRequest(m)) || { status: 200 };
    if (a.status === 0) return; // the handler answers itself
    this.answer(m, a);
  }

  // answers request m: { status, reason, body, headers }; a 2xx/1xx to an
  // initial INVITE creates the UAS dialog
  answer(m, { status = 200, reason, body = '', headers = [] } = {}) {
    if (m.method === 'INVITE' && !tagOf(m.get('To')) && !this.dialogs.has(m.get('Call-ID'))) {
      this.dialogs.set(m.get('Call-ID'), new Dialog(this, {
        callId: m.get('Call-ID'), localTag: rnd(4), remoteTag: tagOf(m.get('From')),
        localUri: uriOf(m.get('To')), remoteUri: uriOf(m.get('From')),
        routeSet: entries(m, 'Record-Route'), remoteTarget: uriOf(m.get('Contact')), cseq: 1,
      }));
    }
    const d = this.dialogs.get(m.get('Call-ID'));
    if (d && m.get('Contact') && ['INVITE', 'UPDATE'].includes(m.method)) d.remoteTarget = uriOf(m.get('Contact'));
    this.sendRaw(this.response(m, status, reason, body, headers, d && d.localTag));
  }

  response(m, status, reason, body = '', headers = [], tag = null) {
    const h = [`SIP/2.0 ${status} ${reason || (status === 200 ? 'OK' : 'Reason')}`];
    for (const v of m.all('Via')) h.push(`Via: ${v}`);
    for (const v of m.all('Record-Route')) h.push(`Record-Route: ${v}`);
    h.push(`From: ${m.get('From')}`);
    const to = m.get('To');
    h.push(`To: ${tagOf(to) || status === 100 ? to : `${to};tag=${tag || rnd(4)}`}`);
    h.push(`Call-ID: ${m.get('Call-ID')}`, `CSeq: ${m.get('CSeq')}`);
    if (['INVITE', 'UPDATE'].includes(m.method) && status < 300 && status > 100) h.push(`Contact: <${this.contact}>`);
    h.push(...headers);
    if (body) h.push('Content-Type: application/sdp');
    h.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    return h.join('\r\n');
  }

  // sends an initial INVITE; resolves { resp, dialog } (dialog on 2xx)
  async invite(ruri, { body, headers = [], from, routes, onProvisional, timeoutMs } = {}) {
    const callId = `${rnd()}@${this.name}`;
    const localTag = rnd(4);
    const fromUri = from || this.aor;
    const branch = `z9hG4bK${rnd()}`;
    const inv = { method: 'INVITE', ruri, routes, callId, from: `<${fromUri}>;tag=${localTag}`, to: `<${ruri}>`, cseq: 1, headers, body, branch, onProvisional, timeoutMs };
    this.lastInvite = inv;
    const resp = await this.send(inv);
    let dialog = null;
    if (resp && resp.status >= 200 && resp.status < 300) {
      dialog = new Dialog(this, {
        callId, localTag, remoteTag: tagOf(resp.get('To')), localUri: fromUri, remoteUri: ruri,
        routeSet: entries(resp, 'Record-Route').reverse(), remoteTarget: uriOf(resp.get('Contact')), cseq: 1,
      });
      this.dialogs.set(callId, dialog);
      await dialog.ack(1);
    } else if (resp && resp.status >= 300) {
      // ACK for a non-2xx final response: same branch, hop by hop
      this.sendRaw([`ACK ${ruri} SIP/2.0`, `Via: ${this.via(branch)}`, 'Max-Forwards: 70',
        ...(routes || []).map((r) => `Route: ${r}`), `From: ${inv.from}`, `To: ${resp.get('To')}`,
        `Call-ID: ${callId}`, 'CSeq: 1 ACK', 'Content-Length: 0', '', ''].join('\r\n'));
    }
    return { resp, dialog, callId };
  }

  // CANCEL of the last INVITE (same branch, R-URI and Route)
  cancel() {
    const i = this.lastInvite;
    return this.send({ ...i, method: 'CANCEL', body: '', headers: [], onProvisional: null });
  }
}

// browser side: SIP over WebSocket (Contact host *.invalid, like JsSIP)
export class WsUa extends Ua {
  constructor(url, { user, domain, logFile }) {
    super({ name: user, logFile });
    Object.assign(this, { url, user, domain });
    this.host = `${rnd(4)}.invalid`;
    this.contact = `sip:${rnd(4)}@${this.host};transport=ws`;
    this.aor = `sip:${user}@${domain}`;
    this.regCallId = `${rnd()}@${user}`;
    this.regCseq = 0;
  }

  via(branch) { return `SIP/2.0/WS ${this.host};branch=${branch}`; }

  open() { return wsOpen(this); }

  close() { return wsClose(this); }

  sendRaw(text) {
    this.log('>>', text);
    this.ws.send(text);
  }

  // REGISTER with a 401 round (extra: more header lines); resolves with the
  // final response
  async register(expires = 600, extra = []) {
    const headers = [`Contact: <${this.contact}>;+sip.instance="<urn:uuid:${crypto.randomUUID()}>";reg-id=1;expires=${expires}`,
      'Supported: path, outbound, gruu', ...extra];
    const reg = (extra = []) => this.send({ method: 'REGISTER', ruri: `sip:${this.domain}`, callId: this.regCallId,
      from: `<${this.aor}>;tag=${rnd(4)}`, to: `<${this.aor}>`, cseq: ++this.regCseq, headers: [...headers, ...extra] });
    let r = await reg();
    if (r && r.status === 401) {
      r = await reg([`Authorization: Digest username="${this.user}@${this.domain}", realm="${this.domain}", nonce="x", ` +
        `uri="sip:${this.domain}", response="00000000000000000000000000000000", algorithm=MD5`]);
    }
    return r;
  }
}

// IMS side: SIP over UDP on addr:port (addr 127.0.0.1 unless given)
export class UdpUa extends Ua {
  constructor(port, { name = `ims${port}`, logFile, target = '127.0.0.1:5060', aor = 'sip:bob@ims.test', addr = '127.0.0.1' } = {}) {
    super({ name, logFile });
    this.port = port;
    this.addr = addr;
    this.target = target;
    this.aor = aor;
    this.contact = `sip:${name}@${addr}:${port}`;
  }

  via(branch) { return `SIP/2.0/UDP ${this.addr}:${this.port};branch=${branch};rport`; }

  open() {
    this.sock = dgram.createSocket('udp4');
    this.sock.on('message', (buf) => this.onMessage(buf.toString()));
    return new Promise((resolve) => this.sock.bind(this.port, this.addr, () => resolve(this)));
  }

  close() { this.sock.close(); }

  // everything goes to the gateway (the outbound proxy of the IMS side)
  sendRaw(text) {
    this.log('>>', text);
    const [host, port] = this.target.split(':');
    this.sock.send(text, Number(port), host);
  }
}

// the network side over TCP or TLS (tls: { key, cert } PEM): listens on
// addr:port for the gateway's connections and sends its own requests on the
// last connection used, or on one it opens to target. Messages are framed
// by Content-Length (RFC 3261 18.3).
export class StreamUa extends Ua {
  constructor(port, { name = `tcp${port}`, logFile, target = '127.0.0.1:5060', addr = '127.0.0.1', tls: creds = null } = {}) {
    super({ name, logFile });
    Object.assign(this, { port, addr, target, creds });
    this.proto = creds ? 'TLS' : 'TCP';
    this.contact = `sip:${name}@${addr}:${port};transport=${this.proto.toLowerCase()}`;
    this.sock = null;
    this.conns = new Set();
  }

  via(branch) { return `SIP/2.0/${this.proto} ${this.addr}:${this.port};branch=${branch};rport`; }

  attach(sock) {
    let buf = Buffer.alloc(0);
    this.conns.add(sock);
    this.sock = sock;
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        const len = Number((/^content-length:\s*(\d+)/im.exec(head) || [])[1] || 0);
        if (buf.length < end + 4 + len) return;
        const text = buf.subarray(0, end + 4 + len).toString();
        buf = buf.subarray(end + 4 + len);
        this.sock = sock;
        this.onMessage(text);
      }
    });
    sock.on('close', () => { this.conns.delete(sock); if (this.sock === sock) this.sock = null; });
    sock.on('error', () => {});
  }

  open() {
    const onConn = (sock) => this.attach(sock);
    this.server = this.creds ? tls.createServer({ ...this.creds }, onConn) : net.createServer(onConn);
    return new Promise((resolve) => this.server.listen(this.port, this.addr, () => resolve(this)));
  }

  close() {
    for (const c of this.conns) c.destroy();
    this.server.close();
  }

  sendRaw(text) {
    this.log('>>', text);
    if (!this.sock) {
      const [host, port] = this.target.split(':');
      const o = { host, port: Number(port), localAddress: this.addr };
      this.attach(this.creds ? tls.connect({ ...o, rejectUnauthorized: false }) : net.connect(o));
    }
    this.sock.write(text);
  }
}

// --- SDP -------------------------------------------------------------------

// a browser-like offer/answer (ICE, DTLS-SRTP, rtcp-mux, Opus, msid/ssrc)
export function webrtcSdp({ port = 9, dir = 'sendrecv', setup = 'actpass' } = {}) {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) & 255).toString(16).padStart(2, '0').toUpperCase()).join(':');
  return ['v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0',
    'a=msid-semantic: WMS iwgstream', 'a=extmap-allow-mixed',
    `m=audio ${port} UDP/TLS/RTP/SAVPF 111 110 126`, 'c=IN IP4 127.0.0.1',
    `a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host generation 0`,
    'a=ice-ufrag:iwgT', 'a=ice-pwd:iwgtestpasswordpasswordxx', `a=fingerprint:sha-256 ${fp}`,
    `a=setup:${setup}`, 'a=mid:0', `a=${dir}`, 'a=msid:iwgstream iwgtrack', 'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:110 telephone-event/48000', 'a=rtpmap:126 telephone-event/8000',
    'a=ssrc:12345678 cname:iwgcname', 'a=ssrc:12345678 msid:iwgstream iwgtrack', ''].join('\r\n');
}

// a VoLTE-like answer/offer: AMR-WB (bandwidth-efficient), telephone-event
// at pt te, preconditions and RTCP bandwidth lines
export function imsSdp({ port = 40000, dir = 'sendrecv', amrPt = 96, te = 101, host = '127.0.0.1' } = {}) {
  return ['v=0', `o=ims 1 ${Date.now() % 100000} IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0',
    `m=audio ${port} RTP/AVP ${amrPt} ${te}`, 'b=AS:49', 'b=RS:0', 'b=RR:0',
    `a=rtpmap:${amrPt} AMR-WB/16000/1`, `a=fmtp:${amrPt} mode-change-capability=2;max-red=0`,
    `a=rtpmap:${te} telephone-event/16000`, `a=fmtp:${te} 0-15`, 'a=ptime:20', 'a=maxptime:240',
    'a=curr:qos local none', 'a=curr:qos remote none', 'a=des:qos optional local sendrecv',
    'a=des:qos optional remote sendrecv', `a=${dir}`, ''].join('\r\n');
}

// the direction attribute of the first m= section
export function sdpDir(sdp) {
  return (/^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp || '') || [])[1] || 'sendrecv';
}

// a browser-like offer/answer with audio (webrtcSdp) and a video section:
// H.264 at payload type h264 with the feedback browsers offer (goog-remb,
// transport-cc, ccm fir, nack, nack pli), then VP8 unless vp8 is false (an
// answer to an H.264-only offer)
export function webrtcVideoSdp({ port = 9, dir = 'sendrecv', setup = 'actpass', h264 = 102, vp8 = true } = {}) {
  const audio = webrtcSdp({ port, dir, setup });
  const head = audio.slice(audio.indexOf('a=ice-ufrag'), audio.indexOf('a=mid:0'));
  return [audio.trimEnd(), `m=video ${port} UDP/TLS/RTP/SAVPF ${h264}${vp8 ? ' 96' : ''}`, 'c=IN IP4 127.0.0.1',
    `a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host generation 0`,
    head.trimEnd(), 'a=mid:1', `a=${dir}`, 'a=rtcp-mux', 'a=rtcp-rsize',
    `a=rtpmap:${h264} H264/90000`, `a=fmtp:${h264} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f`,
    ...['goog-remb', 'transport-cc', 'ccm fir', 'nack', 'nack pli'].map((f) => `a=rtcp-fb:${h264} ${f}`),
    ...(vp8 ? ['a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack'] : []), ''].join('\r\n');
}

// a ViLTE-like SDP (GSMA IR.92/IR.94): AMR-NB only (bandwidth-efficient)
// with telephone-event/8000 in RTP/AVP, H.264 in videoProto with nack,
// nack pli and ccm fir
export function imsVideoSdp({ port = 40000, dir = 'sendrecv', videoProto = 'RTP/AVPF', host = '127.0.0.1' } = {}) {
  return ['v=0', `o=ims 1 ${Date.now() % 100000} IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0',
    `m=audio ${port} RTP/AVP 97 101`, 'a=rtpmap:97 AMR/8000/1', 'a=fmtp:97 mode-change-capability=2;max-red=0',
    'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', `a=${dir}`,
    `m=video ${port + 2} ${videoProto} 99`, 'a=rtpmap:99 H264/90000',
    'a=fmtp:99 packetization-mode=1;profile-level-id=42c00c',
    ...['nack', 'nack pli', 'ccm fir'].map((f) => `a=rtcp-fb:99 ${f}`), `a=${dir}`, ''].join('\r\n');
}

// the m= section of sdp for media ("audio", "video"): { proto, fmts, lines }
export function sdpSection(sdp, media) {
  const parts = (sdp || '').split(/\r?\n(?=m=)/);
  const s = parts.find((p) => p.startsWith(`m=${media} `));
  if (!s) return null;
  const [m, ...lines] = s.split(/\r?\n/).filter((l) => l);
  const f = m.split(' ');
  return { proto: f[2], fmts: f.slice(3), port: Number(f[1]), lines };
}
