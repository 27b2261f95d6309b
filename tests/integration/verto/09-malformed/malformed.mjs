// Sends every message of the RFC 4475 corpus toward the PaaS user
// sip:1008@cc.example from 127.0.0.1 (a contact-center peer): the
// request line and the To header name the user, the top Via names our
// socket (so the replies come back here), each send has its own Via
// branch and Call-ID; every request also goes once more as an INVITE
// (method and CSeq). Prints TAP: no reply is 5xx, the gateway still
// answers OPTIONS after each message, and the checks that prove the replies
// were seen (at least one 400 naming a bad Contact).
// Usage: node malformed.mjs FIRST_TAP_NUMBER LOGDIR CORPUS_DIR SIP_PORT
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';

const [, , firstArg, logdir, corpus, sipPortArg] = process.argv;
let n = Number(firstArg);
const sipPort = Number(sipPortArg || 5060);
const USER = 'sip:1008@cc.example';
const log = fs.createWriteStream(path.join(logdir, 'malformed-replies.log'));
let failed = 0;
const ok = (cond, name, diag) => {
  n += 1;
  if (cond) console.log(`ok ${n} - ${name}`);
  else {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    if (diag) console.log(`# ${String(diag).split('\n').join('\n# ')}`);
  }
};

const sock = dgram.createSocket('udp4');
await new Promise((r) => sock.bind(0, '127.0.0.1', r));
const myPort = sock.address().port;
const replies = []; // {callid, code, reason, text}
const waiters = [];
sock.on('message', (buf) => {
  const text = buf.toString('latin1');
  const m = /^SIP\/2\.0 (\d{3}) ?([^\r\n]*)/.exec(text);
  if (!m) return;
  const cid = /^(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]*)/im.exec(text);
  const r = { callid: cid ? cid[1].trim() : '', code: Number(m[1]), reason: m[2], text };
  replies.push(r);
  log.write(`<<< ${r.code} ${r.reason} (Call-ID ${r.callid})\n`);
  for (const w of waiters.slice()) w(r);
});

// the first final reply whose Call-ID is callid, or null after ms
const finalFor = (callid, ms) => new Promise((resolve) => {
  const have = replies.find((r) => r.callid === callid && r.code >= 200);
  if (have) return resolve(have);
  const w = (r) => {
    if (r.callid === callid && r.code >= 200) { done(r); }
  };
  const done = (r) => {
    clearTimeout(t);
    waiters.splice(waiters.indexOf(w), 1);
    resolve(r);
  };
  const t = setTimeout(() => done(null), ms);
  waiters.push(w);
});

const send = (text) => new Promise((resolve) => {
  const b = Buffer.from(text, 'latin1');
  sock.send(b, 0, b.length, sipPort, '127.0.0.1', () => resolve());
});

let seq = 0;
// OPTIONS without user part: the edge answers "200 Keepalive" itself
const alive = async () => {
  seq += 1;
  const cid = `alive-${seq}-${process.pid}`;
  await send(`OPTIONS sip:127.0.0.1:${sipPort} SIP/2.0\r\n`
    + `Via: SIP/2.0/UDP 127.0.0.1:${myPort};branch=z9hG4bK-alive-${seq}\r\n`
    + 'Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p1\r\n'
    + `To: <sip:127.0.0.1:${sipPort}>\r\nCall-ID: ${cid}\r\nCSeq: 1 OPTIONS\r\n`
    + 'Content-Length: 0\r\n\r\n');
  const r = await finalFor(cid, 5000);
  return r && r.code === 200;
};

// one message adapted toward the PaaS user; asInvite: method INVITE
const adapt = (raw, tag, asInvite) => {
  const sep = raw.indexOf('\r\n') >= 0 ? '\r\n' : '\n';
  const lines = raw.split(sep);
  const rl = /^([^ \t]+)[ \t]+.*[ \t]+(SIP\/[^ \t]+)[ \t]*$/.exec(lines[0]);
  if (!rl) return null; // not a request line we can aim
  const method = asInvite ? 'INVITE' : rl[1];
  lines[0] = `${method} ${USER} ${rl[2]}`;
  let via = false;
  let cid = null;
  for (let i = 1; i < lines.length && lines[i] !== ''; i++) {
    const l = lines[i];
    if (!via && /^(via|v)[ \t]*:/i.test(l)) {
      via = true;
      lines[i] = l.replace(/(SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*UDP[ \t]+)[^;, \t]+/i,
        `$1127.0.0.1:${myPort}`).replace(/branch=z9hG4bK/i, `branch=z9hG4bK${tag}-`);
    } else if (/^(to|t)[ \t]*:/i.test(l)) {
      lines[i] = `To: <${USER}>`;
    } else if (/^(call-id|i)[ \t]*:/i.test(l)) {
      cid = `${tag}-${l.replace(/^[^:]*:[ \t]*/, '').trim()}`;
      lines[i] = `Call-ID: ${cid}`;
    } else if (asInvite && /^cseq[ \t]*:/i.test(l)) {
      lines[i] = l.replace(/^(cseq[ \t]*:[ \t]*\d+[ \t]+)[A-Za-z]+/i, '$1INVITE');
    }
  }
  if (!via || !cid) return null;
  return { text: lines.join(sep), cid, method };
};

const index = fs.readFileSync(path.join(corpus, 'INDEX.tsv'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
ok(await alive(), 'kamailio answers OPTIONS before the corpus');
let sent = 0;
let unanswered = 0;
const fiveXX = [];
let still = true;
for (const [section, file] of index) {
  const raw = fs.readFileSync(path.join(corpus, file)).toString('latin1');
  for (const asInvite of [false, true]) {
    if (asInvite && /^INVITE[ \t]/.test(raw)) continue;
    const tag = `m${sent}`;
    const m = adapt(raw, tag, asInvite);
    if (!m) continue;
    sent += 1;
    log.write(`>>> ${file} (RFC 4475 ${section}) as ${m.method}, Call-ID ${m.cid}\n`);
    await send(m.text);
    const r = await finalFor(m.cid, 1500);
    if (!r) unanswered += 1;
    if (!(await alive())) {
      still = false;
      ok(false, `kamailio alive after ${file} as ${m.method}`, 'no 200 to OPTIONS');
      break;
    }
  }
  if (!still) break;
}
// INVITEs with SDP whose dialog parts are malformed: 400 naming the part
const SDP = 'v=0\r\no=cc 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n'
  + 't=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const crafted = [
  ['Contact: "Agent\x07Smith" <sip:2001@127.0.0.1:5090>', /contact/i],
  ['Contact: "Agent\x01" <sip:2001@127.0.0.1:5090>', /contact/i],
  ['Contact: <sip:2001@127.0.0.1:5090', /contact/i],
  ['Contact: "Agent Smith <sip:2001@127.0.0.1:5090>', /contact/i],
  ['Contact: <sip:2001@127.0.0.1:5090>>', /contact/i],
  ['Contact: *', /contact/i],
  ['Contact: <>', /contact/i],
  ['Contact: <sip:@:;>', /contact/i],
  ['Record-Route: <sip:p@127.0.0.1;lr', /record-route/i],
  ['FROM-NO-TAG', /from/i],
  ['CSEQ-BAD', /./],
];
const craftedBad = [];
for (const [i, [hdr, want]] of crafted.entries()) {
  const cid = `crafted-${i}-${process.pid}`;
  const from = hdr === 'FROM-NO-TAG' ? 'From: "Agent" <sip:2001@127.0.0.1:5090>'
    : 'From: "Agent" <sip:2001@127.0.0.1:5090>;tag=c' + i;
  const cseq = hdr === 'CSEQ-BAD' ? 'CSeq: 1x INVITE' : 'CSeq: 1 INVITE';
  const extra = hdr.startsWith('Contact') ? hdr
    : `Contact: <sip:2001@127.0.0.1:${myPort}>${hdr.startsWith('Record') ? `\r\n${hdr}` : ''}`;
  const text = `INVITE ${USER} SIP/2.0\r\n`
    + `Via: SIP/2.0/UDP 127.0.0.1:${myPort};branch=z9hG4bK-crafted-${i}\r\n`
    + `Max-Forwards: 70\r\n${from}\r\nTo: <${USER}>\r\nCall-ID: ${cid}\r\n`
    + `${cseq}\r\n${extra}\r\nContent-Type: application/sdp\r\n`
    + `Content-Length: ${SDP.length}\r\n\r\n${SDP}`;
  log.write(`>>> crafted: ${hdr}\n`);
  await send(text);
  const r = await finalFor(cid, 5000);
  if (r) sent += 1;
  if (!r || r.code !== 400 || !want.test(r.reason)) {
    craftedBad.push(`${hdr}: ${r ? `${r.code} ${r.reason}` : 'no final reply'}`);
  }
}
ok(craftedBad.length === 0,
  'INVITEs with a malformed Contact, Record-Route, From tag or CSeq get 400 naming the problem',
  craftedBad.join('\n'));
ok(await alive(), 'kamailio answers OPTIONS after the crafted INVITEs');

// every reply seen, provisional and retransmissions included
for (const r of replies) {
  if (r.callid.startsWith('alive-')) continue;
  if (r.code >= 500) fiveXX.push(`${r.code} ${r.reason} (Call-ID ${r.callid})`);
}
ok(still, `kamailio answered OPTIONS after each of the ${sent} messages`);
ok(sent >= 70, `the corpus was sent (${sent} messages adapted toward ${USER})`);
ok(replies.length - seq > sent / 2,
  `replies came back for most messages (${sent - unanswered} of ${sent} answered; the others were dropped)`);
ok(fiveXX.length === 0, 'no message toward the PaaS user got a 5xx reply',
  fiveXX.slice(0, 20).join('\n'));
sock.close();
log.end();
process.exitCode = failed ? 1 : 0;
