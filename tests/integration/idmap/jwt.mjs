// Signed web tokens (JWT, RFC 7519) for the idmap integration tests, made
// with Node's crypto: HS256 (HMAC-SHA256) and ES256 (ECDSA P-256, the
// signature in the JOSE r||s form, RFC 7518 3.4). Also unsigned "none".
// SPDX-License-Identifier: GPL-2.0-or-later
import crypto from 'node:crypto';

const b64u = (b) => Buffer.from(b).toString('base64url');

// claims whose value is "+N" / "-N" become now + N seconds
function resolveTimes(claims) {
  const now = Math.floor(Date.now() / 1000);
  const out = {};
  for (const [k, v] of Object.entries(claims)) {
    out[k] = typeof v === 'string' && /^[+-]\d+$/.test(v) ? now + Number(v) : v;
  }
  return out;
}

// jwt(alg, kid, claims, key): alg 'HS256' (key: secret Buffer), 'ES256'
// (key: PEM private key), or 'none' (no signature); kid null = no kid
export function jwt(alg, kid, claims, key) {
  const head = { alg, typ: 'JWT', ...(kid ? { kid } : {}) };
  const input = `${b64u(JSON.stringify(head))}.${b64u(JSON.stringify(resolveTimes(claims)))}`;
  let sig = Buffer.alloc(0);
  if (alg === 'HS256') sig = crypto.createHmac('sha256', key).update(input).digest();
  else if (alg === 'ES256') sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(sig)}`;
}
