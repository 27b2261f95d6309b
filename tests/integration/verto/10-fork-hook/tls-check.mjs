// After a start under TLS bursts (10-fork-hook): Kamailio's TLS workers and
// the Verto wss listener answer. N SIP OPTIONS, each on its own TLS
// connection to SIP_TLS (any SIP reply counts: some TLS worker read,
// parsed and answered it), and one Verto login over wss (certificate
// verified with CA_FILE), each within 5 s. Exits 0, or 1 with the reason.
// Usage: node tls-check.mjs SIP_TLS(host:port) WSS_URL CA_FILE N
// SPDX-License-Identifier: GPL-2.0-or-later
import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { loginParams, wsConnect } from '../../../lib/wsload.mjs';

const [sipTls, wssUrl, caFile, nArg] = process.argv.slice(2);
const [host, port] = sipTls.split(':');
const ca = fs.readFileSync(caFile);

function options(i) {
  return new Promise((resolve) => {
    const s = tls.connect({ host, port: Number(port), ca, servername: 'iwg.test' });
    const timer = setTimeout(() => { s.destroy(); resolve(`OPTIONS ${i}: no reply within 5 s`); }, 5000);
    s.on('error', (e) => { clearTimeout(timer); resolve(`OPTIONS ${i}: ${e.message}`); });
    s.on('secureConnect', () => {
      const lp = s.localPort;
      const cid = crypto.randomBytes(8).toString('hex');
      s.write(`OPTIONS sip:${host}:${port};transport=tls SIP/2.0\r\n`
        + `Via: SIP/2.0/TLS 127.0.0.1:${lp};branch=z9hG4bK${cid}\r\n`
        + `From: <sip:forkhook@iwg.test>;tag=${cid}\r\nTo: <sip:${host}:${port}>\r\n`
        + `Call-ID: ${cid}@forkhook\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`);
    });
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (/^SIP\/2\.0 \d{3}/.test(got)) { clearTimeout(timer); s.destroy(); resolve(null); }
    });
  });
}

const n = Number(nArg || 8);
const problems = (await Promise.all(Array.from({ length: n }, (_, i) => options(i)))).filter(Boolean);
const c = await wsConnect({ url: wssUrl, ca, timeoutMs: 5000 });
let login = null;
if (c.upgraded) {
  login = await c.request('login', loginParams('1008@cc.example', '1234'), 5000);
  c.close();
}
if (!login?.result?.sessid) problems.push(`wss login: ${JSON.stringify(login || { status: c.status, error: c.error })}`);
if (problems.length) console.log(problems.join('; '));
process.exit(problems.length ? 1 : 0);
