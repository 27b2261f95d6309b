// Identity mappings as the forms edit them (pure). Fields and rules:
// docs/identity.md; the server checks them again (lib/idstore).
// SPDX-License-Identifier: GPL-2.0-or-later
import { parseTime } from './import-parse.js';

// text fields of the form: [name, label, hint]
export const TEXT_FIELDS = [
  ['sip_uri', 'SIP URI', 'sip:, sips: or tel: URI, e.g. sip:alice@example.net'],
  ['display_name', 'Display name', 'shown in P-Asserted-Identity'],
  ['impi', 'IMS private identity', 'IMPI, for IMS deployments'],
  ['tenant', 'Tenant', 'contact-center routing'],
  ['agent_id', 'Agent id', 'contact-center routing'],
  ['queue', 'Queue', 'contact-center routing'],
  ['language', 'Language', 'contact-center routing: a language tag such as fr or en-GB'],
  ['priority', 'Priority', 'contact-center routing: 0 to 9'],
  ['did', 'DID (public number)', 'E.164, e.g. +33123456789: inbound calls to it reach this user; one mapping per number'],
];

// the rules lib/idstore applies to the routing attributes, with its words
const RULES = {
  language: [/^[A-Za-z0-9-]{1,16}$/, "must be 1 to 16 letters, digits or '-' (a language tag like fr or en-GB)"],
  priority: [/^[0-9]$/, 'must be an integer from 0 to 9'],
  did: [/^\+[0-9]{6,15}$/, "must be an E.164 number: '+' then 6 to 15 digits"],
};

// the mapping as a PUT body: what the server shows of it (ha1 is
// write-only, so it is not there: the server keeps the stored one)
export function fieldsOf(m) {
  const body = {};
  for (const [f] of TEXT_FIELDS) if (m[f]) body[f] = m[f];
  body.enabled = m.enabled !== false;
  body.not_after = m.not_after || 0;
  return body;
}

// form state -> { body } or { error: { field, message } }
export function bodyOf(form, { create }) {
  const body = {};
  if (create) {
    for (const f of ['ns', 'key']) {
      if (!form[f] || !form[f].trim()) return { error: { field: f, message: `${f}: required` } };
      body[f] = form[f].trim();
    }
  }
  for (const [f] of TEXT_FIELDS) {
    const v = String(form[f] ?? '').trim();
    if (!v) continue;
    if (RULES[f] && !RULES[f][0].test(v)) return { error: { field: f, message: `${f}: ${RULES[f][1]}` } };
    body[f] = v;
  }
  if (!body.sip_uri) return { error: { field: 'sip_uri', message: 'sip_uri: required' } };
  const ha1 = (form.ha1 || '').trim();
  if (ha1) body.ha1 = ha1;
  body.enabled = form.enabled !== false;
  const na = String(form.not_after || '').trim();
  if (na) {
    const t = parseTime(na);
    if (t === undefined) return { error: { field: 'not_after', message: 'not_after: unix seconds or a time like 2026-01-31T23:59:59Z' } };
    body.not_after = t;
  } else {
    body.not_after = 0;
  }
  return { body };
}

// a mapping from the server -> form state
export function formOf(m) {
  const f = { ns: m.ns, key: m.key, ha1: '', enabled: m.enabled !== false };
  for (const [name] of TEXT_FIELDS) f[name] = m[name] || '';
  f.not_after = m.not_after ? new Date(m.not_after * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : '';
  return f;
}
