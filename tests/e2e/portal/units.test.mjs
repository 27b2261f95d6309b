// The portal's build-time renderers and the try-a-call page's pure logic,
// without a browser or stack: escaping, $ref resolution and cycles, roles,
// anchors, the TypeScript reader on a fixture, and a whole build.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { top } from './lib.mjs';

const portal = path.join(top, 'web/portal');
const { esc, prose, slug } = await import(path.join(portal, 'src/html.mjs'));
const { renderOpenapi, roles, operationAnchor } = await import(path.join(portal, 'src/openapi.mjs'));
const { readDts } = await import(path.join(portal, 'src/dts.mjs'));
const { renderSdkRef } = await import(path.join(portal, 'src/sdkref.mjs'));
const core = await import(path.join(portal, 'static/try-core.mjs'));
const { build } = await import(path.join(portal, 'build.mjs'));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-portal-units-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('esc and prose escape markup; prose makes code, lists and links only', () => {
  assert.equal(esc(`<a href="x" onclick='y'>&`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  const html = prose('Use `<b>` now.\n\n- one <i>\n- two {@link Gateway.connect the connect}');
  assert.doesNotMatch(html, /<b>|<i>/, html);
  assert.match(html, /<code>&lt;b&gt;<\/code>/);
  assert.match(html, /<ul><li>one &lt;i&gt;<\/li><li>two <code>the connect<\/code><\/li><\/ul>/);
  assert.match(prose('see {@link A.b}', (t) => `#x-${t}`), /<a href="#x-A.b"><code>A.b<\/code><\/a>/);
  assert.equal(slug('get', '/api/v1/calls/{call_id}'), 'get-api-v1-calls-call_id');
});

const evil = '<img src=x onerror=alert(1)>';
const doc = {
  openapi: '3.0.3',
  info: { title: `T ${evil}`, version: '1' },
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Node: { type: 'object', description: evil, properties: { child: { $ref: '#/components/schemas/Node' }, tags: { type: 'array', items: { type: 'string', enum: [evil] } } } },
    },
    parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^<x>$' } } },
  },
  paths: {
    '/a/{id}': {
      parameters: [{ $ref: '#/components/parameters/Id' }],
      get: { summary: `One (roles noc, admin). ${evil}`, responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } },
      delete: { summary: 'Gone (role admin; audit-logged).', 'x-roles': ['admin', 'idadmin'], responses: { 204: { description: 'gone' } } },
    },
    '/pub': { get: { summary: 'public', security: [], responses: { 200: { description: 'fine' } } } },
  },
};

test('the REST renderer escapes every text, follows $ref, stops at cycles, anchors each operation', () => {
  const r = renderOpenapi(doc);
  assert.equal(r.count, 3);
  assert.ok(!r.body.includes('<img') && !r.index.includes('<img'), 'a description with markup is escaped');
  assert.match(r.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(r.body, /pattern <code>\^&lt;x&gt;\$<\/code>/, 'parameter from components with its pattern');
  for (const [m, p] of [['get', '/a/{id}'], ['delete', '/a/{id}'], ['get', '/pub']]) {
    const id = operationAnchor(m, p);
    assert.match(r.body, new RegExp(`<section class="operation" id="${id}" data-method="${m}" data-path="${p.replace(/[{}]/g, '\\$&')}"`));
    assert.match(r.index, new RegExp(`href="#${id}"`));
  }
  assert.match(r.body, /<a class="type" href="#schema-Node">Node<\/a>/, 'a $ref links to its schema');
  assert.match(r.body, /none: no API key needed/, 'a route with security [] is public');
  assert.throws(() => renderOpenapi({ ...doc, paths: { '/x': { get: { responses: { 200: { $ref: '#/components/responses/Nope' } } } } } }),
    /unresolved \$ref #\/components\/responses\/Nope/);
});

test('roles come from x-roles, else from the summary', () => {
  assert.deepEqual(roles({ summary: 'x (roles noc, idadmin, admin).' }), ['noc', 'idadmin', 'admin']);
  assert.deepEqual(roles({ summary: 'x (role admin; audit-logged).' }), ['admin']);
  assert.deepEqual(roles({ summary: 'x', 'x-roles': ['app'] }), ['app']);
  assert.deepEqual(roles({ summary: 'no roles here' }), []);
});

test('the TypeScript reader lists exports, members, overloads and events with their JSDoc', () => {
  const f = path.join(tmp, 'fixture.d.ts');
  fs.writeFileSync(f, `/** The fixture. <b>bold</b> @packageDocumentation */
/** Version. */
export declare const version: string;
export as namespace FX;
/** Events of {@link Thing}. */
export interface ThingEvents { /** it began */ start: { at: number }; 'go-on': null; }
/** Kind. */
export type Kind = 'a' | 'b';
/** A thing; see {@link Thing.run}. */
export declare class Thing {
  /** @param name its <name> */
  constructor(name: string);
  private secret: number;
  /** Runs once. */
  run(n: number): void;
  /** Runs twice. */
  run(s: string): void;
  on<K extends keyof ThingEvents>(e: K, f: (a: ThingEvents[K]) => void): this;
}
/** Makes one. @returns a Thing @example make('x') */
export declare function make(name: string): Thing;
`);
  const m = readDts(f);
  assert.equal(m.globalName, 'FX');
  assert.deepEqual(m.exports.map((e) => `${e.kind} ${e.name}`).sort(),
    ['class Thing', 'const version', 'function make', 'interface ThingEvents', 'type Kind']);
  const thing = m.exports.find((e) => e.name === 'Thing');
  assert.deepEqual(thing.members.map((x) => `${x.kind} ${x.name} ${x.signatures.length}`),
    ['constructor constructor 1', 'method run 2', 'method on 1'], 'private members left out, overloads grouped');
  const ev = m.exports.find((e) => e.name === 'ThingEvents');
  assert.deepEqual(ev.members.map((x) => `${x.kind} ${x.name}`), ['event start', 'event go-on']);
  const r = renderSdkRef(m);
  assert.equal(r.count, 5);
  assert.ok(!r.body.includes('<name>') && r.body.includes('its &lt;name&gt;'), 'JSDoc text escaped');
  assert.match(r.body, /<a href="#Thing.run"><code>Thing.run<\/code><\/a>/, '{@link} to a member');
  assert.match(r.body, /make\(name: string\): <a href="#Thing">Thing<\/a>/, 'types named in signatures link to them');
  assert.match(r.body, /id="ThingEvents.go-on" data-member="go-on" data-kind="event"/);
  assert.match(r.body, /Classic script: <code>FX.Thing<\/code>/);
  assert.match(r.body, /<pre class="code" tabindex="0"><code>make\(&#39;x&#39;\)<\/code><\/pre>/, '@example as code');
  assert.match(r.about, /The fixture. &lt;b&gt;bold&lt;\/b&gt;/);
  fs.writeFileSync(f, 'export declare class {');
  assert.throws(() => readDts(f), /fixture\.d\.ts:1:\d+: /, 'a syntax error names file:line:col');
});

test('try-a-call logic: gateway URL, input checks, errors, never the secret', () => {
  assert.equal(core.defaultGatewayUrl({ hostname: 'admin.example.net' }), 'wss://admin.example.net:8443');
  assert.equal(core.defaultGatewayUrl({ hostname: '::1' }), 'wss://[::1]:8443');
  assert.deepEqual(core.checkInput({ key: 'k', user: 'ann', url: 'wss://h:8443', target: 'bob' }), []);
  assert.deepEqual(core.checkInput({ key: '', user: 'a b', url: 'http://h', target: '' }).map(([f]) => f), ['key', 'user', 'url', 'target']);
  const [url, init] = core.credentialRequest('K', 'ann');
  assert.equal(url, '/api/v1/credentials');
  assert.equal(init.headers.authorization, 'Bearer K');
  assert.deepEqual(JSON.parse(init.body), { user: 'ann' });
  assert.match(core.credentialError(409, { error: 'credentials_off', message: 'off' }), /409, iwg-admind issues no credentials.*credentials_off: off/);
  assert.match(core.credentialError(500, null), /\(500\): no JSON body/);
  const s = core.credentialSummary({ kind: 'ephemeral', user: 'ann', username: '1:ann', password: 'SECRETPW', uri: 'sip:ann@x', expires: 0 });
  assert.equal(s, 'ephemeral credential for sip:ann@x, expires 1970-01-01T00:00:00.000Z');
  assert.doesNotMatch(core.credentialSummary({ kind: 'token', user: 'ann', token: 'eyJTOKEN' }), /eyJ/);
});

test('build writes every page, the example code verbatim in its code block', () => {
  const out = path.join(tmp, 'out');
  const pages = build(out);
  assert.deepEqual(pages, ['index.html', 'getting-started.html', 'sdk.html', 'rest.html', 'try.html']);
  for (const f of [...pages, 'portal.css', 'try.mjs', 'try-core.mjs', 'openapi.yaml', 'favicon.svg']) {
    assert.ok(fs.statSync(path.join(out, f)).size > 0, `${f} written`);
  }
  const gs = fs.readFileSync(path.join(out, 'getting-started.html'), 'utf8');
  for (const [id, f] of [['code-page', 'index.html'], ['code-server', 'server.mjs']]) {
    const code = fs.readFileSync(path.join(portal, 'examples', f), 'utf8');
    assert.ok(gs.includes(`id="${id}"`) && gs.includes(`<code>${esc(code)}</code>`), `${f} verbatim in #${id}`);
  }
  for (const f of pages) {
    const html = fs.readFileSync(path.join(out, f), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i, `${f}: no inline script, style or handler (CSP)`);
  }
});
