// The package as a page gets it: web/verto-cc/build.mjs writes the ES
// module, the classic script (one global, IWGContactCenter) and the
// declarations; the SDK is not inside; verto-cc.d.ts type-checks with
// tsc --strict as a module and as the global, and the real @signalwire/js
// 1.5 declarations fit its VertoClient/VertoCall.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(top, 'web/verto-cc/package.json'), 'utf8'));
let out;

before(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'verto-cc-build-'));
  execFileSync(process.execPath, [path.join(top, 'web/verto-cc/build.mjs'), out], { cwd: top, stdio: 'pipe' });
});

after(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

test('build.mjs writes verto-cc.mjs, verto-cc.js, their source maps and verto-cc.d.ts; package.json names them', () => {
  for (const f of ['verto-cc.js', 'verto-cc.js.map', 'verto-cc.mjs', 'verto-cc.mjs.map', 'verto-cc.d.ts']) {
    assert.ok(fs.statSync(path.join(out, f)).size > 0, f);
  }
  assert.equal(pkg.name, '@iwg/verto-cc');
  assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  assert.deepEqual(Object.keys(pkg.peerDependencies), ['@signalwire/js'], 'the SDK is a peer dependency');
  assert.equal(pkg.dependencies, undefined, 'nothing bundled from npm');
  assert.deepEqual([pkg.exports['.'].import, pkg.exports['.'].default, pkg.exports['.'].types],
    ['./dist/verto-cc.mjs', './dist/verto-cc.js', './dist/verto-cc.d.ts']);
});

test('the SDK is not in the bundles (only web/verto-cc/src goes in: build.mjs checks esbuild\'s inputs)', () => {
  for (const f of ['verto-cc.js', 'verto-cc.mjs']) {
    const text = fs.readFileSync(path.join(out, f), 'utf8');
    assert.ok(text.length < 40000, `${f} is ${text.length} bytes: small, no SDK inside`);
    for (const sdkText of ['Verto.newCall() error', 'verto.invite', 'RTCPeerConnection', 'loglevel']) {
      assert.ok(!text.includes(sdkText), `${f} holds ${sdkText}`);
    }
    const map = JSON.parse(fs.readFileSync(path.join(out, `${f}.map`), 'utf8'));
    const foreign = map.sources.filter((s) => !/(^|\/)web\/verto-cc\/src\/[a-z-]+\.js$/.test(s));
    assert.deepEqual(foreign, [], `${f}.map sources`);
  }
  // and build.mjs refuses a source that pulls in a file from outside src/
  // (inside the tree, so that build.mjs finds esbuild in node_modules)
  const scratch = path.join(process.env.IWG_BUILD || path.join(top, 'build'), 'tmp');
  fs.mkdirSync(scratch, { recursive: true });
  const bad = fs.mkdtempSync(path.join(scratch, 'verto-cc-bad-'));
  let failed = false;
  try {
    fs.cpSync(path.join(top, 'web/verto-cc'), bad, { recursive: true });
    fs.writeFileSync(path.join(bad, 'outside.js'), 'export const outside = 1;\n');
    fs.appendFileSync(path.join(bad, 'src/index.js'), "\nexport { outside } from '../outside.js';\n");
    execFileSync(process.execPath, [path.join(bad, 'build.mjs'), path.join(bad, 'out')], { cwd: top, stdio: 'pipe' });
  } catch (e) {
    failed = /build failed: files from outside web\/verto-cc\/src in the bundle: .*outside\.js/.test(String(e.stderr)) || String(e.stderr);
  } finally {
    fs.rmSync(bad, { recursive: true, force: true });
  }
  assert.equal(failed, true, 'build.mjs fails when a source pulls in a file from outside src/');
});

test('the classic script defines one global, IWGContactCenter; the ES module exports the same names; the version is package.json\'s', async () => {
  const ctx = vm.createContext({ console, TextEncoder, setTimeout, clearTimeout, queueMicrotask });
  const before = Object.getOwnPropertyNames(ctx);
  vm.runInContext(fs.readFileSync(path.join(out, 'verto-cc.js'), 'utf8'), ctx, { filename: 'verto-cc.js' });
  const added = Object.getOwnPropertyNames(ctx).filter((k) => !before.includes(k));
  assert.deepEqual(added, ['IWGContactCenter']);
  const G = ctx.IWGContactCenter;
  const esm = await import(pathToFileURL(path.join(out, 'verto-cc.mjs')).href);
  assert.deepEqual(Object.keys(esm).sort(), Object.keys(G).sort());
  assert.deepEqual(Object.keys(esm).sort(), ['CCCall', 'CCError', 'ContactCenter', 'IVR', 'parseNotification', 'version']);
  assert.equal(G.version, pkg.version);
  assert.equal(esm.version, pkg.version);
  // the bundle works: a client with on/newCall, a verto.info as the SDK passes it on
  const listeners = [];
  const client = { on: (e, fn) => listeners.push([e, fn]), off() {}, newCall: () => ({ id: 'c1', state: 'new', dtmf() {}, message() {}, hangup() {} }), calls: {} };
  const cc = new G.ContactCenter(client, { destination: '5000' });
  assert.deepEqual(listeners.map(([e]) => e), ['signalwire.notification']);
  const call = cc.enterQueue('billing');
  let position = null;
  call.on('queue', (e) => { position = e.position; });
  listeners[0][1]({ callID: 'c1', msg: { iwg: 'queue', code: 182, position: 2 }, type: 'event', call: call.sdkCall });
  assert.equal(position, 2);
  assert.throws(() => cc.enterQueue(''), (e) => e instanceof G.CCError && e.code === 'invalid_argument');
});

function tsc(files, extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verto-cc-tsc-'));
  const tsconfig = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2020', module: 'es2020', moduleResolution: 'bundler',
      lib: ['es2020', 'dom'], types: [], baseUrl: top, ...extra },
    files,
  }));
  try {
    execFileSync(path.join(top, 'node_modules/.bin/tsc'), ['-p', tsconfig], { encoding: 'utf8', stdio: 'pipe', cwd: top });
    return '';
  } catch (e) {
    return `${e.stdout}${e.stderr}` || String(e);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('verto-cc.d.ts type-checks with tsc --strict, used as a module (usage.ts) and as the global IWGContactCenter (usage-global.ts)', { timeout: 120000 }, () => {
  const errors = tsc([path.join(here, 'usage.ts'), path.join(here, 'usage-global.ts'), path.join(out, 'verto-cc.d.ts')]);
  assert.equal(errors, '', 'tsc reports errors');
});

test('the real @signalwire/js 1.5 Verto client and calls fit ContactCenter and track() (tsc with the SDK\'s declarations)', { timeout: 120000 }, () => {
  // skipLibCheck: the SDK's own .d.ts files are not ours to check
  const errors = tsc([path.join(here, 'sdk-types.ts')], { skipLibCheck: true });
  assert.equal(errors, '', 'tsc reports errors');
});

test('tsc is not fooled: a wrong use of the declarations fails', { timeout: 120000 }, () => {
  const bad = path.join(os.tmpdir(), `verto-cc-bad-${process.pid}.ts`);
  fs.writeFileSync(bad, `import { ContactCenter } from '${path.join(top, 'web/verto-cc/verto-cc')}';\n`
    + "declare const c: ContactCenter;\nconst n: number = c.enterQueue('q').ivr.menu;\nc.on('queue', (e) => e.agent);\nexport { n };\n");
  try {
    const errors = tsc([bad]);
    assert.match(errors, /TS2322/, 'string | null is not a number');
    assert.match(errors, /TS2339/, 'a queue event has no agent');
  } finally {
    fs.rmSync(bad, { force: true });
  }
});
