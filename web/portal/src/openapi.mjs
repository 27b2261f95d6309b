// The REST reference: an OpenAPI 3 document (already parsed) rendered as
// HTML at build time. Every path+method becomes a <section> whose id is its
// anchor and whose data-method / data-path name the route; an index links to
// each. Schemas are shown with their $ref resolved (inline, with a link to
// the named schema; a schema that refers to itself is shown as a link).
// SPDX-License-Identifier: GPL-2.0-or-later
import { esc, prose, selfLink, slug } from './html.mjs';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_DEPTH = 8;

// the anchor of an operation: method and path, so that links to it stay
// valid when an operationId is added or renamed
export function operationAnchor(method, path) {
  return `op-${slug(method, path)}`;
}

const schemaAnchor = (name) => `schema-${slug(name)}`;

// every operation of doc: [{ method, path, op, params }], in document order
export function operations(doc) {
  const list = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      if (item && item[method]) list.push({ method, path, op: item[method], shared: item.parameters || [] });
    }
  }
  return list;
}

// "#/components/schemas/Error" -> the object it names (throws when absent)
function deref(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let v = doc;
  for (const raw of ref.slice(2).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v == null || !(k in v)) throw new Error(`unresolved $ref ${ref}`);
    v = v[k];
  }
  return v;
}

// o with its $ref (if any) followed, repeatedly
function resolve(doc, o) {
  let seen = 0;
  while (o && o.$ref) {
    if (++seen > 20) throw new Error(`$ref loop at ${o.$ref}`);
    o = deref(doc, o.$ref);
  }
  return o;
}

const refName = (ref) => ref.split('/').pop();

// roles of an operation: x-roles / x-iwg-roles, else "(role a)" or
// "(roles a, b; ...)" in its summary; [] for a public route
export function roles(op) {
  const x = op['x-roles'] || op['x-iwg-roles'];
  if (Array.isArray(x)) return x.map(String);
  const m = /\(roles? ([a-z, ]+?)[;)]/.exec(op.summary || '');
  return m ? m[1].split(/,\s*/).filter(Boolean) : [];
}

// one-line type of a schema as HTML: "string", "integer (int64)", "array of
// <a>Call</a>"; a named schema links to its definition
function typeHtml(s) {
  if (!s) return '<span class="type">any</span>';
  if (s.$ref) return `<a class="type" href="#${schemaAnchor(refName(s.$ref))}">${esc(refName(s.$ref))}</a>`;
  let t = s.type || (s.properties ? 'object' : s.oneOf ? 'one of' : s.anyOf ? 'any of' : s.allOf ? 'all of' : 'any');
  t = t === 'array' ? `array of ${typeHtml(s.items)}` : esc(t);
  if (s.format) t += ` (${esc(s.format)})`;
  if (s.nullable) t += ', nullable';
  return `<span class="type">${t}</span>`;
}

// facts of a schema besides its type: enum, default, bounds, pattern, example
function constraints(s) {
  const c = [];
  if (s.enum) c.push(`one of ${s.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(', ')}`);
  if (s.default !== undefined) c.push(`default <code>${esc(JSON.stringify(s.default))}</code>`);
  for (const [k, label] of [['minimum', 'min'], ['maximum', 'max'], ['minLength', 'min length'],
    ['maxLength', 'max length'], ['minItems', 'min items'], ['maxItems', 'max items']]) {
    if (s[k] !== undefined) c.push(`${label} ${esc(s[k])}`);
  }
  if (s.pattern) c.push(`pattern <code>${esc(s.pattern)}</code>`);
  if (s.readOnly) c.push('read-only');
  if (s.writeOnly) c.push('write-only');
  if (s.deprecated) c.push('deprecated');
  if (s.example !== undefined) c.push(`example <code>${esc(JSON.stringify(s.example))}</code>`);
  return c.length ? `<span class="facts">${c.join('; ')}</span>` : '';
}

// the inside of a schema (its type line is typeHtml's) as nested HTML, $ref
// followed; stack holds the $refs being expanded (a cycle stops there)
export function renderSchema(doc, s, stack = []) {
  if (!s) return '';
  if (s.$ref) {
    if (stack.includes(s.$ref) || stack.length >= MAX_DEPTH) return '';
    return renderSchema(doc, deref(doc, s.$ref), [...stack, s.$ref]);
  }
  const parts = [];
  if (s.description) parts.push(`<div class="desc">${prose(s.description)}</div>`);
  const facts = constraints(s);
  if (facts) parts.push(`<div>${facts}</div>`);
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    if (!Array.isArray(s[k])) continue;
    const label = { allOf: 'all of', oneOf: 'one of', anyOf: 'any of' }[k];
    parts.push(`<div class="combo"><span class="label">${label}:</span><ol>${s[k].map((x) =>
      `<li>${typeHtml(x)}${renderSchema(doc, x, stack)}</li>`).join('')}</ol></div>`);
  }
  if (s.properties || (s.additionalProperties && typeof s.additionalProperties === 'object')) {
    const req = new Set(s.required || []);
    const rows = Object.entries(s.properties || {}).map(([name, p]) =>
      `<tr><th scope="row"><code>${esc(name)}</code>${req.has(name) ? ' <span class="req">required</span>' : ''}</th>`
      + `<td>${typeHtml(p)}${renderSchema(doc, p, stack)}</td></tr>`);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      rows.push(`<tr><th scope="row"><em>any other name</em></th><td>${typeHtml(s.additionalProperties)}`
        + `${renderSchema(doc, s.additionalProperties, stack)}</td></tr>`);
    }
    parts.push(`<table class="props"><thead><tr><th scope="col">member</th><th scope="col">type and meaning</th></tr></thead>`
      + `<tbody>${rows.join('')}</tbody></table>`);
  }
  if (s.type === 'array' && s.items) {
    const inner = renderSchema(doc, s.items, stack);
    if (inner) parts.push(`<div class="items"><span class="label">each item:</span> ${inner}</div>`);
  }
  return parts.length ? `<div class="schema">${parts.join('')}</div>` : '';
}

function renderParams(doc, params) {
  if (!params.length) return '';
  const rows = params.map((p0) => {
    const p = resolve(doc, p0);
    return `<tr><th scope="row"><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</th>`
      + `<td>${esc(p.in)}</td><td>${typeHtml(p.schema)}`
      + `${prose(p.description)}${renderSchema(doc, p.schema)}</td></tr>`;
  });
  return `<h4>Parameters</h4><table class="params"><thead><tr><th scope="col">name</th><th scope="col">in</th>`
    + `<th scope="col">type and meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// bodies of content; a named schema already expanded in this operation
// (seen: its $refs) is only linked, e.g. the Error of every 4xx
function renderContent(doc, content, seen = new Set()) {
  const expand = (schema) => {
    if (schema.$ref && seen.has(schema.$ref)) return ' <span class="facts">(as above)</span>';
    if (schema.$ref) seen.add(schema.$ref);
    return renderSchema(doc, schema);
  };
  return Object.entries(content || {}).map(([type, media]) =>
    `<div class="media"><span class="label">${esc(type)}</span> `
    + `${media.schema ? `${typeHtml(media.schema)}${expand(media.schema)}` : ''}`
    + `${media.example !== undefined ? `<pre class="code example" tabindex="0"><code>${esc(JSON.stringify(media.example, null, 2))}</code></pre>` : ''}</div>`).join('');
}

function renderBody(doc, body0) {
  if (!body0) return '';
  const body = resolve(doc, body0);
  return `<h4>Request body${body.required ? ' <span class="req">required</span>' : ''}</h4>`
    + `${prose(body.description)}${renderContent(doc, body.content)}`;
}

function renderResponses(doc, responses) {
  const seen = new Set();
  const items = Object.entries(responses || {}).map(([status, r0]) => {
    const r = resolve(doc, r0);
    const headers = Object.entries(r.headers || {}).map(([h, v0]) => {
      const v = resolve(doc, v0);
      return `<li><code>${esc(h)}</code>: ${typeHtml(v.schema)} ${esc(v.description || '')}</li>`;
    });
    return `<li class="response"><span class="status s${esc(String(status)[0])}">${esc(status)}</span> `
      + `${prose(r.description)}${headers.length ? `<p>Headers:</p><ul>${headers.join('')}</ul>` : ''}${renderContent(doc, r.content, seen)}</li>`;
  });
  return items.length ? `<h4>Responses</h4><ul class="responses">${items.join('')}</ul>` : '';
}

// the security an operation asks for, in words
const PUBLIC = 'none (public)';
function security(doc, op) {
  const sec = op.security !== undefined ? op.security : doc.security;
  if (!sec || !sec.length || sec.every((s) => !Object.keys(s).length)) return PUBLIC;
  const schemes = doc.components?.securitySchemes || {};
  return sec.map((s) => Object.keys(s).map((k) => {
    const d = schemes[k] || {};
    if (d.type === 'http') return `<code>Authorization: ${esc(d.scheme === 'bearer' ? 'Bearer' : d.scheme)} KEY</code>`;
    if (d.type === 'apiKey') return `<code>${esc(d.name)}: KEY</code> (${esc(d.in)})`;
    return esc(k);
  }).join(' and ')).join(' or ');
}

function rolesHtml(list, auth) {
  if (list.length) return list.map((x) => `<span class="role">${esc(x)}</span>`).join(' ');
  return auth === PUBLIC ? 'none: no API key needed' : 'every role';
}

function renderOperation(doc, { method, path, op, shared }) {
  const id = operationAnchor(method, path, op);
  const r = roles(op);
  const auth = security(doc, op);
  // an operation's own parameter replaces the path's of the same name+in
  const key = (p) => { const x = resolve(doc, p); return `${x.in}:${x.name}`; };
  const own = new Set((op.parameters || []).map(key));
  const merged = [...shared.filter((p) => !own.has(key(p))), ...(op.parameters || [])];
  return `<section class="operation" id="${esc(id)}" data-method="${esc(method)}" data-path="${esc(path)}" aria-labelledby="${esc(id)}-h">
<h3 id="${esc(id)}-h"><span class="method m-${esc(method)}">${esc(method.toUpperCase())}</span> <code class="path">${esc(path)}</code> ${selfLink(id)}</h3>
${op.summary ? `<p class="summary">${esc(op.summary)}</p>` : ''}
<dl class="meta"><dt>Roles</dt><dd>${rolesHtml(r, auth)}</dd>
<dt>Authentication</dt><dd>${auth}</dd>${op.deprecated ? '<dt>Status</dt><dd>deprecated</dd>' : ''}</dl>
${prose(op.description)}
${renderParams(doc, merged)}
${renderBody(doc, op.requestBody)}
${renderResponses(doc, op.responses)}
</section>`;
}

// { index, body, count }: the HTML of the whole reference
export function renderOpenapi(doc) {
  const ops = operations(doc);
  const groups = new Map();
  for (const o of ops) {
    const tag = (o.op.tags && o.op.tags[0]) || groupOf(o.path);
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(o);
  }
  const index = [...groups].map(([g, list]) => `<li>${esc(g)}<ul>${list.map((o) =>
    `<li><a href="#${esc(operationAnchor(o.method, o.path, o.op))}"><span class="method m-${esc(o.method)}">${esc(o.method.toUpperCase())}</span> `
    + `<code>${esc(o.path)}</code></a></li>`).join('')}</ul></li>`).join('');
  const schemas = Object.entries(doc.components?.schemas || {}).map(([name, s]) =>
    `<section class="schema-def" id="${schemaAnchor(name)}" aria-labelledby="${schemaAnchor(name)}-h"><h3 id="${schemaAnchor(name)}-h"><span class="kind">schema</span> <code>${esc(name)}</code></h3>`
    + `<p>${typeHtml(s.$ref ? s : { ...s })}</p>${renderSchema(doc, s, [`#/components/schemas/${name}`])}</section>`).join('\n');
  const info = doc.info || {};
  const body = `<section class="intro" aria-labelledby="rest-about"><h2 id="rest-about">${esc(info.title || 'API')} ${esc(info.version || '')}</h2>
${prose(info.description)}
${(doc.servers || []).length ? `<p>Default server: ${doc.servers.map((s) => `<code>${esc(s.url)}</code>`).join(', ')}</p>` : ''}</section>
<section aria-labelledby="rest-routes"><h2 id="rest-routes">Routes</h2>
${[...groups].map(([g, list]) => `<section class="group" aria-labelledby="${esc(slug('group', g))}"><h2 id="${esc(slug('group', g))}" class="group-title"><span class="vh">Routes: </span>${esc(g)}</h2>
${list.map((o) => renderOperation(doc, o)).join('\n')}</section>`).join('\n')}</section>
<section aria-labelledby="rest-schemas"><h2 id="rest-schemas">Schemas</h2>
${schemas}</section>`;
  const schemaIndex = Object.keys(doc.components?.schemas || {}).map((n) =>
    `<li><a href="#${schemaAnchor(n)}"><code>${esc(n)}</code></a></li>`).join('');
  return { index: `<ul class="index">${index}<li><a href="#rest-schemas">Schemas</a><ul>${schemaIndex}</ul></li></ul>`, body, count: ops.length };
}

// "/api/v1/identities/{ns}/{key}" -> "identities"; "/healthz" -> "health and metrics"
function groupOf(path) {
  const m = /^\/api\/v\d+\/([^/]+)/.exec(path);
  return m ? m[1] : 'health and metrics';
}
