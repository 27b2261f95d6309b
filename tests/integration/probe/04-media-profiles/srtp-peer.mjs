// An SDES-SRTP SIP peer for probe/04-media-profiles: a UDP UAS that answers
// one INVITE with RTP/SAVP and a key of its own (RFC 4568), decrypts the
// SRTP that rtpengine sends with the key of the offer's a=crypto line
// (RFC 3711: AES-CM key derivation, AES-128 counter mode,
// HMAC-SHA1-80 authentication, rollover counter) and echoes each packet
// that authenticates, protected with its own key. Only packets whose tag
// checks are counted and echoed: plain RTP or a wrong key shows up as
// auth_failed and the probe hears nothing.
//
//   node srtp-peer.mjs SIP_PORT MEDIA_PORT OUT.json
//
// OUT.json is written when the call ends (BYE) or on SIGTERM: the offer
// (proto, crypto lines), srtp_ok, auth_failed, echoed, bye.
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import fs from 'node:fs';

const [sipPort, mediaPort, outFile] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const st = { offer_proto: null, offer_crypto: [], answered: false, srtp_ok: 0, auth_failed: 0, echoed: 0, bye: false };

// --- SRTP (RFC 3711) --------------------------------------------------------

// AES-CM PRF (4.3.3): the session key of label from the master key and salt
function derive(mkey, msalt, label, len) {
  const iv = Buffer.alloc(16);
  msalt.copy(iv, 0);
  iv[7] ^= label; // key_id = label || r (r = 0: no key derivation rate)
  const c = crypto.createCipheriv('aes-128-ctr', mkey, iv);
  return c.update(Buffer.alloc(len));
}

function context(inline) {
  const km = Buffer.from(inline, 'base64');
  if (km.length !== 30) throw new Error(`key of ${km.length} bytes`);
  const [mkey, msalt] = [km.subarray(0, 16), km.subarray(16, 30)];
  return { key: derive(mkey, msalt, 0, 16), auth: derive(mkey, msalt, 1, 20), salt: derive(mkey, msalt, 2, 14), roc: 0, sl: -1 };
}

// the RTP header length (CSRCs and extension), or -1
function headerLen(p) {
  if (p.length < 12 || (p[0] >> 6) !== 2) return -1;
  let n = 12 + 4 * (p[0] & 15);
  if (p[0] & 16) {
    if (p.length < n + 4) return -1;
    n += 4 + 4 * p.readUInt16BE(n + 2);
  }
  return n <= p.length ? n : -1;
}

function ctr(ctx, ssrc, index, data) {
  const iv = Buffer.alloc(16);
  ctx.salt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt16BE(iv.readUInt16BE(8) ^ Math.floor(index / 2 ** 32), 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ (index % 2 ** 32)) >>> 0, 10);
  return crypto.createCipheriv('aes-128-ctr', ctx.key, iv).update(data);
}

const tag = (ctx, authed, roc) => {
  const r = Buffer.alloc(4);
  r.writeUInt32BE(roc);
  return crypto.createHmac('sha1', ctx.auth).update(authed).update(r).digest().subarray(0, 10);
};

// RFC 3711 3.3.1: the rollover counter guessed for seq
function guessRoc(ctx, seq) {
  if (ctx.sl < 0) return ctx.roc;
  if (ctx.sl < 32768) return seq - ctx.sl > 32768 ? ctx.roc - 1 : ctx.roc;
  return ctx.sl - 32768 > seq ? ctx.roc + 1 : ctx.roc;
}

// the RTP packet, or null when the tag does not check
function unprotect(ctx, p) {
  const h = headerLen(p);
  if (h < 0 || p.length < h + 10) return null;
  const seq = p.readUInt16BE(2);
  const roc = guessRoc(ctx, seq);
  const authed = p.subarray(0, p.length - 10);
  if (roc < 0 || !crypto.timingSafeEqual(tag(ctx, authed, roc), p.subarray(p.length - 10))) return null;
  if (roc > ctx.roc || (roc === ctx.roc && seq > ctx.sl)) [ctx.roc, ctx.sl] = [roc, seq];
  const index = roc * 65536 + seq;
  return { rtp: Buffer.concat([p.subarray(0, h), ctr(ctx, p.readUInt32BE(8), index, authed.subarray(h))]), roc, index };
}

function protect(ctx, rtp, roc, index) {
  const h = headerLen(rtp);
  const authed = Buffer.concat([rtp.subarray(0, h), ctr(ctx, rtp.readUInt32BE(8), index, rtp.subarray(h))]);
  return Buffer.concat([authed, tag(ctx, authed, roc)]);
}

// --- SIP --------------------------------------------------------------------

const sip = dgram.createSocket('udp4');
const media = dgram.createSocket('udp4');
const localKey = crypto.randomBytes(30).toString('base64');
const tx = context(localKey);
let rx = null;
let answer = null;

function finish() {
  fs.writeFileSync(outFile, `${JSON.stringify(st)}\n`);
  sip.close();
  media.close();
}

function headers(text, name) {
  const re = new RegExp(`^${name}:\\s*(.*)$`, 'gim');
  return [...text.matchAll(re)].map((m) => m[1].trim());
}

function reply(req, rinfo, status, body = '') {
  const [head] = req.split('\r\n\r\n');
  const lines = [`SIP/2.0 ${status}`, ...headers(head, 'Via').map((v) => `Via: ${v}`),
    ...headers(head, 'Record-Route').map((v) => `Record-Route: ${v}`),
    `From: ${headers(head, 'From')[0]}`,
    `To: ${headers(head, 'To')[0]}${/;tag=/.test(headers(head, 'To')[0]) ? '' : ';tag=srtppeer'}`,
    `Call-ID: ${headers(head, 'Call-ID')[0]}`, `CSeq: ${headers(head, 'CSeq')[0]}`,
    `Contact: <sip:srtp@127.0.0.1:${sipPort}>`];
  if (body) lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  sip.send(lines.join('\r\n'), rinfo.port, rinfo.address);
}

function onInvite(msg, rinfo) {
  if (!answer) {
    const sdp = msg.split('\r\n\r\n')[1] || '';
    const m = /^m=audio \d+ (\S+) (.*)$/m.exec(sdp);
    st.offer_proto = m ? m[1] : null;
    st.offer_crypto = [...sdp.matchAll(/^a=crypto:(.*?)\s*$/gm)].map((x) => x[1]);
    const line = st.offer_crypto.map((c) => /^(\d+) (\S+) inline:([A-Za-z0-9+/=]+)/.exec(c)).find((c) => c && c[2] === SUITE);
    if (!m || !line || !/(^| )8( |$)/.test(m[2])) {
      reply(msg, rinfo, '488 Not Acceptable Here');
      return;
    }
    rx = context(line[3]);
    answer = ['v=0', 'o=srtp 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      `m=audio ${mediaPort} RTP/SAVP 8`, 'a=rtpmap:8 PCMA/8000', `a=crypto:${line[1]} ${SUITE} inline:${localKey}`,
      'a=sendrecv', ''].join('\r\n');
    st.answered = true;
  }
  reply(msg, rinfo, '200 OK', answer);
}

sip.on('message', (buf, rinfo) => {
  const msg = buf.toString();
  if (msg.startsWith('INVITE ')) onInvite(msg, rinfo);
  else if (msg.startsWith('BYE ')) {
    reply(msg, rinfo, '200 OK');
    st.bye = true;
    setTimeout(finish, 100);
  }
});

media.on('message', (p, rinfo) => {
  if (!rx) return;
  const r = unprotect(rx, p);
  if (!r) {
    st.auth_failed++;
    return;
  }
  st.srtp_ok++;
  media.send(protect(tx, r.rtp, r.roc, r.index), rinfo.port, rinfo.address);
  st.echoed++;
});

process.on('SIGTERM', finish);
media.bind(mediaPort, '127.0.0.1', () => sip.bind(sipPort, '127.0.0.1'));
