// ha/02-edge-nodes: sends one SIP request from a chosen address and prints
// the status of its final answer ("none" when nothing came in 5 s), e.g.
// what a malicious peer gets for a forged KDMQ or hand-off. SRC_IP is an
// address (UDP) or "tcp:ADDRESS" (a TCP connection from that address).
//   node send.mjs SRC_IP HOST:PORT METHOD R-URI 'Header: value' TYPE BODY
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import net from 'node:net';
import crypto from 'node:crypto';
import { parse } from '../../ims/lib/sip.mjs';

const [src, target, method, ruri, header, type, body] = process.argv.slice(2);
const [host, port] = target.split(':');
const tcp = src.startsWith('tcp:');
const addr = tcp ? src.slice(4) : src;
const rnd = () => crypto.randomBytes(6).toString('hex');

function request(me) {
  return [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/${tcp ? 'TCP' : 'UDP'} ${me};branch=z9hG4bK${rnd()};rport`,
    'Max-Forwards: 70',
    `From: <sip:mallory@${me}>;tag=${rnd()}`,
    `To: <${ruri}>`,
    `Call-ID: ${rnd()}@mallory`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:mallory@${me}${tcp ? ';transport=tcp' : ''}>`,
    ...(header ? [header] : []),
    `Content-Type: ${type}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

let done = false;
let close = () => {};
const timer = setTimeout(() => { if (!done) { done = true; console.log('none'); close(); } }, 5000);
// the status of the first final response in text, or null
function finalStatus(text) {
  for (const part of text.split(/(?=SIP\/2\.0 \d{3} )/)) {
    const m = parse(part);
    if (m.status && m.status >= 200) return m.status;
  }
  return null;
}
function report(status) {
  if (done || status === null) return;
  done = true;
  clearTimeout(timer);
  console.log(String(status));
  close();
}

if (tcp) {
  let buf = '';
  const sock = net.connect({ host, port: Number(port), localAddress: addr }, () => {
    sock.write(request(`${addr}:${sock.localPort}`));
  });
  close = () => sock.destroy();
  sock.on('data', (d) => { buf += d.toString(); report(finalStatus(buf)); });
  sock.on('error', () => report('error'));
} else {
  const sock = dgram.createSocket('udp4');
  close = () => sock.close();
  sock.on('message', (b) => report(finalStatus(b.toString())));
  sock.bind(0, addr, () => sock.send(request(`${addr}:${sock.address().port}`), Number(port), host));
}
