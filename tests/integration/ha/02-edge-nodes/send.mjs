// ha/02-edge-nodes: sends one SIP request over UDP from a chosen address
// and prints the status of its final answer ("none" when nothing came in
// 5 s), e.g. what a malicious peer gets for a forged KDMQ or hand-off.
//   node send.mjs SRC_IP HOST:PORT METHOD R-URI 'Header: value' TYPE BODY
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import { parse } from '../../ims/lib/sip.mjs';

const [src, target, method, ruri, header, type, body] = process.argv.slice(2);
const [host, port] = target.split(':');
const sock = dgram.createSocket('udp4');
const rnd = () => crypto.randomBytes(6).toString('hex');

sock.bind(0, src, () => {
  const me = `${src}:${sock.address().port}`;
  const text = [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${me};branch=z9hG4bK${rnd()};rport`,
    'Max-Forwards: 70',
    `From: <sip:mallory@${me}>;tag=${rnd()}`,
    `To: <${ruri}>`,
    `Call-ID: ${rnd()}@mallory`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:mallory@${me}>`,
    ...(header ? [header] : []),
    `Content-Type: ${type}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const timer = setTimeout(() => { console.log('none'); sock.close(); }, 5000);
  sock.on('message', (buf) => {
    const m = parse(buf.toString());
    if (!m.status || m.status < 200) return;
    clearTimeout(timer);
    console.log(String(m.status));
    sock.close();
  });
  sock.send(text, Number(port), host);
});
