// Try-a-call page, the parts without DOM or network: defaults, input
// checks, the credential request and how answers and figures read.
// SPDX-License-Identifier: GPL-2.0-or-later

export const KEY_STORAGE = 'iwg.portal.apiKey';
export const USER_RE = /^[A-Za-z0-9._~+-]{1,64}$/;

// the gateway's usual WSS URL for a page served from location
export function defaultGatewayUrl(location) {
  return `wss://${location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname}:8443`;
}

// problems with the form's values, as [field, message] pairs (none: [])
export function checkInput({ key, user, url, target }) {
  const bad = [];
  if (!key) bad.push(['key', 'an API key of role app or admin is needed']);
  if (!USER_RE.test(user || '')) bad.push(['user', 'the user is 1 to 64 of A-Z a-z 0-9 . _ ~ + -']);
  if (!/^wss?:\/\/[^/\s]+/.test(url || '')) bad.push(['url', 'the gateway URL starts with wss:// (or ws://)']);
  if (!target) bad.push(['target', 'whom to call: a SIP URI or a user name']);
  return bad;
}

// fetch() arguments of POST /api/v1/credentials
export function credentialRequest(key, user) {
  return ['/api/v1/credentials', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
    credentials: 'omit',
    cache: 'no-store',
  }];
}

// one sentence for a failed credential request (status, parsed JSON body or null)
export function credentialError(status, body) {
  const why = body && (body.message || body.error) ? `${body.error || ''}${body.message ? `: ${body.message}` : ''}` : 'no JSON body';
  const hint = {
    401: 'the API key is not known',
    403: 'this key\'s role may not issue credentials (app or admin needed)',
    404: 'this user has no identity mapping in namespace web',
    409: 'iwg-admind issues no credentials (credential_kind off)',
    429: 'too many requests: wait and try again',
    503: 'Redis is unreachable',
  }[status];
  return `credential refused (${status}${hint ? `, ${hint}` : ''}): ${why}`;
}

// what the page may show of a credential: never the token or password
export function credentialSummary(c) {
  const exp = typeof c.expires === 'number' ? new Date(c.expires * 1000).toISOString() : 'unknown';
  return `${c.kind} credential for ${c.uri || c.user}, expires ${exp}`;
}

// the numeric figures of a quality event as [label, text] pairs, in a
// stable order: known figures first with units, then any other number
const KNOWN = [['mos', 'MOS', (v) => v.toFixed(2)], ['rFactor', 'R factor', (v) => v.toFixed(1)],
  ['lossPercent', 'loss', (v) => `${v.toFixed(1)} %`], ['remoteLossPercent', 'loss at the gateway', (v) => `${v.toFixed(1)} %`],
  ['packetsLost', 'packets lost', String], ['jitterMs', 'jitter', (v) => `${v.toFixed(1)} ms`],
  ['rttMs', 'round-trip time', (v) => `${v.toFixed(0)} ms`], ['bytesReceived', 'bytes received', String],
  ['bytesSent', 'bytes sent', String], ['packetsReceived', 'packets received', String], ['packetsSent', 'packets sent', String],
  ['intervalMs', 'interval', (v) => `${v} ms`]];
export function qualityFigures(q) {
  const out = [];
  const seen = new Set();
  for (const [k, label, fmt] of KNOWN) {
    seen.add(k);
    if (typeof q[k] === 'number' && Number.isFinite(q[k])) out.push([k, label, fmt(q[k])]);
    else if (k in q && q[k] === null) out.push([k, label, 'n/a']);
  }
  if (typeof q.codec === 'string' && q.codec) out.push(['codec', 'codec', q.codec]);
  seen.add('codec');
  for (const [k, v] of Object.entries(q)) {
    if (!seen.has(k) && typeof v === 'number' && Number.isFinite(v)) out.push([k, k, String(v)]);
  }
  return out;
}
