// Helpers of the PSTN tests: a carrier's Identity header signed with a
// test key and the check of iwg's with its public key (STIR/SHAKEN, RFC
// 8224, 8225, 8588); the requests a SIPp carrier received, from its
// message log; SIPp runs of one call each.
// SPDX-License-Identifier: GPL-2.0-or-later
import crypto from 'node:crypto';
import fs from 'node:fs';
import { sipp as sippRun } from '../../e2e/verto/sdklib.mjs';

const b64u = (b) => Buffer.from(b).toString('base64url');
// a SHAKEN PASSporT (RFC 8225, 8588) as an Identity header value
export function identity(keyFile, orig, dest) {
  const hdr = { alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u: 'https://cert.carrier.test/c.pem' };
  const pl = { attest: 'A', dest: { tn: [dest] }, iat: Math.floor(Date.now() / 1000), orig: { tn: orig },
    origid: crypto.randomUUID() };
  const input = `${b64u(JSON.stringify(hdr))}.${b64u(JSON.stringify(pl))}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: fs.readFileSync(keyFile), dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(sig)};info=<https://cert.carrier.test/c.pem>;alg=ES256;ppt=shaken`;
}
// checks an Identity header value with a public key; its claims or null
export function verify(value, pubFile) {
  const jwt = (value || '').split(';')[0];
  const [h, p, s] = jwt.split('.');
  if (!s) return null;
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${p}`),
    { key: fs.readFileSync(pubFile), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  return ok ? { header: JSON.parse(Buffer.from(h, 'base64url')), claims: JSON.parse(Buffer.from(p, 'base64url')) } : null;
}

// the received requests of a SIPp message log, first line and headers
export const received = (text) => text.split(/-+ [0-9-]+ [0-9:.]+\n/).filter((b) => /^UDP message received/.test(b))
  .map((b) => b.replace(/^UDP message received \[\d+\] bytes :\n\n/, ''));
export const header = (msg, name) => (msg.match(new RegExp(`^${name}:\\s*(.*)$`, 'mi')) || [])[1];

// sipp(name, args): one SIPp run of one call on 127.0.0.1 (its own control
// and media ports, the scenario's RTP port 41100); resolves with its exit
// code. log(name): its message log.
export function sippRunner(logDir) {
  let cp = 8910;
  const sipp = (name, args) => {
    cp += 1;
    return sippRun(logDir, name, [...args, '-i', '127.0.0.1', '-mi', '127.0.0.1',
      '-mp', String(41000 + (cp - 8910) * 10), '-key', 'rtp_port', '41100', '-m', '1', '-cp', String(cp)]).done;
  };
  const log = (name) => { try { return fs.readFileSync(`${logDir}/sipp-${name}-messages.log`, 'utf8'); } catch { return ''; } };
  return { sipp, log };
}
