// The portal's references as served by iwg-admind and rendered by Chromium
// cover their sources: every path+method of docs/api/openapi.yaml has its
// section (anchor, index link, summary, parameters, response codes), and
// every export of web/iwg-js/iwg.d.ts (read here with the TypeScript
// compiler, independently of the portal's build) has its section, with the
// members of its classes and the events of its *Events interfaces.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import YAML from 'yaml';
import { PORTAL_URL, launch, stackError, top } from './lib.mjs';

// the usual cause of a difference when the renderers are right
const STALE = 'if the source changed since the portal was built: make web';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
let chrome;
before(async () => { if (!stackError()) chrome = await launch(); });
after(async () => { if (chrome) await chrome.close(); });

// what the page shows for each operation / export, read in the browser
async function load(name, file, extract) {
  const page = await chrome.newPage(name);
  try {
    const res = await page.goto(PORTAL_URL + file);
    assert.equal(res.status(), 200, `GET ${PORTAL_URL}${file} answered ${res.status()} (is build/web/portal built? make web)`);
    return await page.evaluate(extract);
  } finally {
    await page.closeAll();
  }
}

test('the REST reference renders every route of openapi.yaml', { timeout: 60000 }, async (t) => {
  if (stackError()) assert.fail(stackError());
  const doc = YAML.parse(fs.readFileSync(path.join(top, 'docs/api/openapi.yaml'), 'utf8'));
  const deref = (o) => {
    while (o && o.$ref) o = o.$ref.slice(2).split('/').reduce((v, k) => v[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    return o;
  };
  const documented = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      if (!item[m]) continue;
      const params = [...(item.parameters || []), ...(item[m].parameters || [])].map((x) => deref(x).name);
      documented.push({ key: `${m.toUpperCase()} ${p}`, summary: item[m].summary || '', params: [...new Set(params)].sort(),
        statuses: Object.keys(item[m].responses || {}).sort() });
    }
  }
  const shown = await load('rest', 'rest.html', () => [...document.querySelectorAll('section.operation')].map((s) => ({
    key: `${s.dataset.method.toUpperCase()} ${s.dataset.path}`,
    id: s.id,
    indexed: !!document.querySelector(`nav.aside a[href="#${CSS.escape(s.id)}"]`),
    summary: (s.querySelector('.summary') || {}).textContent || '',
    params: [...s.querySelectorAll('table.params tbody th code')].map((c) => c.textContent).sort(),
    statuses: [...s.querySelectorAll('.responses > li > .status')].map((c) => c.textContent).sort(),
  })));
  t.diagnostic(`${documented.length} documented operations, ${shown.length} rendered`);
  const byKey = new Map(shown.map((s) => [s.key, s]));
  const missing = documented.filter((d) => !byKey.has(d.key)).map((d) => d.key);
  assert.deepEqual(missing, [], `routes of openapi.yaml missing from rest.html: ${missing.join(', ')} (${STALE})`);
  const extra = shown.filter((s) => !documented.some((d) => d.key === s.key)).map((s) => s.key);
  assert.deepEqual(extra, [], `rest.html shows routes openapi.yaml does not document: ${extra.join(', ')}`);
  const ids = shown.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, `operation anchors are not unique: ${ids.join(' ')}`);
  for (const d of documented) {
    const s = byKey.get(d.key);
    assert.ok(s.id, `${d.key}: its section has no id (anchor)`);
    assert.ok(s.indexed, `${d.key}: the index has no link to #${s.id}`);
    assert.equal(s.summary, d.summary, `${d.key}: summary shown differs from openapi.yaml`);
    assert.deepEqual(s.params, d.params, `${d.key}: parameters shown differ from openapi.yaml`);
    assert.deepEqual(s.statuses, d.statuses, `${d.key}: response codes shown differ from openapi.yaml`);
  }
});

// exports of iwg.d.ts: [{ name, members (classes), events (*Events interfaces) }]
function dtsExports(file) {
  const program = ts.createProgram([file], { noEmit: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file);
  const mod = checker.getSymbolAtLocation(sf);
  assert.ok(mod, `${file} is not a module (no export)`);
  return checker.getExportsOfModule(mod).map((s) => {
    const decl = (s.getDeclarations() || [])[0];
    const named = (m) => m.name && !ts.isPrivateIdentifier(m.name)
      && !(m.modifiers || []).some((x) => x.kind === ts.SyntaxKind.PrivateKeyword);
    const e = { name: s.getName(), members: [], events: [] };
    if (decl && ts.isClassDeclaration(decl)) {
      e.members = [...new Set(decl.members.filter(named).map((m) => m.name.getText(sf)))];
      if (decl.members.some(ts.isConstructorDeclaration)) e.members.push('constructor');
    }
    if (decl && ts.isInterfaceDeclaration(decl) && /Events$/.test(e.name)) {
      e.events = decl.members.filter(named).map((m) => (ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(sf)));
    }
    return e;
  });
}

test('the SDK reference lists every export of iwg.d.ts', { timeout: 60000 }, async (t) => {
  if (stackError()) assert.fail(stackError());
  const file = path.join(top, 'web/iwg-js/iwg.d.ts');
  assert.ok(fs.existsSync(file), `${file} missing`);
  const exported = dtsExports(file);
  const shown = await load('sdk', 'sdk.html', () => Object.fromEntries([...document.querySelectorAll('section.export')].map((s) => [
    s.dataset.export, {
      id: s.id,
      indexed: !!document.querySelector(`nav.aside a[href="#${CSS.escape(s.id)}"]`),
      members: [...s.querySelectorAll('li.member')].map((m) => [m.dataset.member, m.dataset.kind, m.id]),
    }])));
  t.diagnostic(`${exported.length} exports in iwg.d.ts, ${Object.keys(shown).length} in sdk.html`);
  const missing = exported.filter((e) => !shown[e.name]).map((e) => e.name);
  assert.deepEqual(missing, [], `exports of iwg.d.ts missing from sdk.html: ${missing.join(', ')} (${STALE})`);
  const extra = Object.keys(shown).filter((n) => !exported.some((e) => e.name === n));
  assert.deepEqual(extra, [], `sdk.html lists names iwg.d.ts does not export: ${extra.join(', ')}`);
  for (const e of exported) {
    const s = shown[e.name];
    assert.ok(s.id && s.indexed, `${e.name}: no anchor or no index link in sdk.html`);
    const names = new Set(s.members.map(([n]) => n));
    const absent = e.members.filter((m) => !names.has(m));
    assert.deepEqual(absent, [], `class ${e.name}: members missing from sdk.html: ${absent.join(', ')}`);
    const events = new Set(s.members.filter(([, k]) => k === 'event').map(([n]) => n));
    const noEvent = e.events.filter((n) => !events.has(n));
    assert.deepEqual(noEvent, [], `${e.name}: events missing from sdk.html: ${noEvent.join(', ')}`);
    for (const [n, , id] of s.members) assert.ok(id, `${e.name}.${n}: no anchor`);
  }
});
