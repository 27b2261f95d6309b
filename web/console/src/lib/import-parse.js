// Identity import files, read in the browser before anything is sent:
// CSV (RFC 4180, a header row naming the columns) or JSON lines, the
// formats iwg-idctl imports and exports (docs/identity.md). Pure: text in,
// { format, records: [{ line, record }], errors: [{ line, field, message }] }
// out, with the input line of each record and error. A record is the body
// of POST /api/v1/identities; iwg-admind checks the field contents again.
// SPDX-License-Identifier: GPL-2.0-or-later

export const FIELDS = ['ns', 'key', 'sip_uri', 'display_name', 'impi', 'tenant', 'agent_id', 'queue', 'language',
  'priority', 'did', 'ha1', 'enabled', 'not_after'];

const BOOLS = { 1: true, true: true, yes: true, 0: false, false: false, no: false };

// "1"/"yes"/true -> true ...; undefined when not a boolean
export function parseBool(v) {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  return BOOLS[String(v).trim().toLowerCase()];
}

// unix seconds or an RFC 3339 time ("2026-01-31T23:59:59Z") -> seconds;
// undefined when neither
export function parseTime(v) {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const s = String(v).trim();
  if (/^\d{1,12}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const ms = Date.parse(s.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

// the reverse index's comparison: scheme and host in lower case, URI
// parameters and headers dropped, a <...> wrapper removed
export function normUri(uri) {
  let u = String(uri).trim().replace(/^<(.*)>$/, '$1');
  const colon = u.indexOf(':');
  if (colon < 0) return u;
  const scheme = u.slice(0, colon).toLowerCase();
  let rest = u.slice(colon + 1);
  const at = rest.lastIndexOf('@');
  let user = '';
  if (at >= 0) {
    user = rest.slice(0, at + 1);
    rest = rest.slice(at + 1);
  }
  if (at < 0) {
    // tel: and user-less URIs: parameters follow the first ';'
    rest = rest.split(/[;?]/)[0];
    return `${scheme}:${scheme === 'tel' ? rest : rest.toLowerCase()}`;
  }
  return `${scheme}:${user}${rest.split(/[;?]/)[0].toLowerCase()}`;
}

// RFC 4180 rows with the line each starts on; blank lines and lines
// starting with '#' between rows are skipped
export function csvRows(text, errors) {
  const rows = [];
  const s = String(text).replace(/^\uFEFF/, '');
  let i = 0;
  let line = 1;
  while (i < s.length) {
    // at the start of a row
    const eol = s.indexOf('\n', i);
    const end = eol < 0 ? s.length : eol;
    const raw = s.slice(i, end).replace(/\r$/, '');
    if (raw.trim() === '' || raw.startsWith('#')) {
      i = end + 1;
      line++;
      continue;
    }
    const start = line;
    const fields = [];
    let field = '';
    let quoted = false;
    let bad = null;
    for (;;) {
      const c = s[i];
      if (quoted) {
        if (c === undefined) {
          bad = 'a quoted field is not closed';
          break;
        }
        if (c === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
            const n = s[i];
            if (n !== ',' && n !== '\n' && n !== '\r' && n !== undefined) {
              bad = 'text after a closing quote';
              break;
            }
          }
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === undefined || c === '\n' || (c === '\r' && (s[i + 1] === '\n' || s[i + 1] === undefined))) {
        fields.push(field);
        i += c === '\r' ? 2 : 1;
        line++;
        break;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        i++;
        continue;
      }
      if (c === '"' && field === '') {
        quoted = true;
        i++;
        continue;
      }
      if (c === '"') {
        bad = 'a quote inside an unquoted field';
        break;
      }
      field += c;
      i++;
    }
    if (bad) {
      errors.push({ line: start, field: '', message: bad });
      // resume after the line where the problem is
      const next = s.indexOf('\n', i);
      if (next < 0) return rows;
      i = next + 1;
      line++;
      continue;
    }
    rows.push({ line: start, fields });
  }
  return rows;
}

// one field's value into the record (false: an error was recorded)
function setField(rec, name, value, line, errors) {
  if (value === null || value === undefined || value === '') return true;
  if (name === 'enabled') {
    const b = parseBool(value);
    if (b === undefined) {
      errors.push({ line, field: name, message: `enabled: "${value}" is not one of 1/0, true/false, yes/no` });
      return false;
    }
    rec.enabled = b;
    return true;
  }
  if (name === 'not_after') {
    const t = parseTime(value);
    if (t === undefined) {
      errors.push({ line, field: name, message: `not_after: "${value}" is neither unix seconds nor an RFC 3339 time` });
      return false;
    }
    rec.not_after = t;
    return true;
  }
  // a priority may be a JSON number, as iwg-idctl reads it
  if (name === 'priority' && typeof value === 'number') value = String(value);
  if (typeof value !== 'string') {
    errors.push({ line, field: name, message: `${name}: must be a string` });
    return false;
  }
  rec[name] = value;
  return true;
}

// the checks that need no server: required fields, duplicates in the file
function finish(entries, defaultNs, errors) {
  const keys = new Map();
  const uris = new Map();
  const dids = new Map(); // a DID belongs to one mapping in any namespace
  const records = [];
  for (const { line, record } of entries) {
    if (!record.ns && defaultNs) record.ns = defaultNs;
    let ok = true;
    for (const f of ['ns', 'key', 'sip_uri']) {
      if (!record[f]) {
        errors.push({ line, field: f, message: `${f}: required` });
        ok = false;
      }
    }
    if (!ok) continue;
    const k = `${record.ns}\n${record.key}`;
    const u = `${record.ns}\n${normUri(record.sip_uri)}`;
    if (keys.has(k)) {
      errors.push({ line, field: 'key', message: `key: duplicate of line ${keys.get(k)} (${record.key})` });
      continue;
    }
    if (uris.has(u)) {
      errors.push({ line, field: 'sip_uri', message: `sip_uri: duplicate of line ${uris.get(u)} (${record.sip_uri})` });
      continue;
    }
    if (record.did && dids.has(record.did)) {
      errors.push({ line, field: 'did', message: `did: duplicate of line ${dids.get(record.did)} (${record.did})` });
      continue;
    }
    keys.set(k, line);
    uris.set(u, line);
    if (record.did) dids.set(record.did, line);
    records.push({ line, record });
  }
  return records;
}

function parseCsv(text, errors) {
  const rows = csvRows(text, errors);
  if (!rows.length) return [];
  const [head, ...body] = rows;
  const cols = head.fields.map((c) => c.trim());
  let headOk = true;
  cols.forEach((c, n) => {
    if (!FIELDS.includes(c)) {
      errors.push({ line: head.line, field: c, message: `column ${n + 1}: unknown column "${c}" (known: ${FIELDS.join(', ')})` });
      headOk = false;
    } else if (cols.indexOf(c) !== n) {
      errors.push({ line: head.line, field: c, message: `column ${n + 1}: "${c}" named twice` });
      headOk = false;
    }
  });
  if (!headOk) return [];
  const entries = [];
  for (const row of body) {
    if (row.fields.length !== cols.length) {
      errors.push({ line: row.line, field: '', message: `${row.fields.length} field(s), the header names ${cols.length}` });
      continue;
    }
    const record = {};
    let ok = true;
    cols.forEach((c, n) => {
      ok = setField(record, c, row.fields[n], row.line, errors) && ok;
    });
    if (ok) entries.push({ line: row.line, record });
  }
  return entries;
}

function parseJsonLines(text, errors) {
  const entries = [];
  String(text).replace(/^\uFEFF/, '').split('\n').forEach((raw, n) => {
    const line = n + 1;
    const l = raw.replace(/\r$/, '');
    if (l.trim() === '' || l.trimStart().startsWith('#')) return;
    let o;
    try {
      o = JSON.parse(l);
    } catch (e) {
      errors.push({ line, field: '', message: `not JSON: ${e.message}` });
      return;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      errors.push({ line, field: '', message: 'not a JSON object' });
      return;
    }
    const record = {};
    let ok = true;
    for (const [name, value] of Object.entries(o)) {
      if (!FIELDS.includes(name)) {
        errors.push({ line, field: name, message: `unknown member "${name}"` });
        ok = false;
        continue;
      }
      ok = setField(record, name, value, line, errors) && ok;
    }
    if (ok) entries.push({ line, record });
  });
  return entries;
}

// format: 'csv', 'jsonl' or 'auto' (JSON lines when the first byte that is
// not blank is '{'); defaultNs fills records without ns
export function parseImport(text, { format = 'auto', defaultNs = '' } = {}) {
  const errors = [];
  const fmt = format === 'auto' ? (/^\s*\{/.test(String(text).replace(/^\uFEFF/, '')) ? 'jsonl' : 'csv') : format;
  const entries = fmt === 'jsonl' ? parseJsonLines(text, errors) : parseCsv(text, errors);
  const records = finish(entries, defaultNs, errors);
  errors.sort((a, b) => a.line - b.line);
  return { format: fmt, records, errors };
}
