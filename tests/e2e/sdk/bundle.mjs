// The package as a web developer gets it: the declarations type-check with
// TypeScript (as a module and as the global IWG), the classic bundle adds
// one global, the ES module exports the same API, the version is the
// package's, and the page talked to nothing but its own origin and the
// gateway.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { page, here, top, SDK_DIR, LOGDIR, WS_URL, WSS_URL } from './lib.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(top, 'web/iwg-js/package.json'), 'utf8'));

test('iwg.d.ts type-checks with TypeScript (tsc --noEmit --strict), used as a module and as the global IWG', { timeout: 60000 }, () => {
  const tsconfig = path.join(LOGDIR, 'tsconfig-sdk.json');
  fs.writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2020', module: 'es2020', moduleResolution: 'bundler', lib: ['es2020', 'dom'], types: [] },
    files: [path.join(here, 'usage.ts'), path.join(here, 'usage-global.ts'), path.join(SDK_DIR, 'iwg.d.ts')],
  }));
  try {
    execFileSync(path.join(top, 'node_modules/.bin/tsc'), ['-p', tsconfig], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc reports errors in iwg.d.ts or its use:\n${e.stdout}${e.stderr}`);
  }
});

test('the classic bundle defines one global, IWG, with the version of package.json; the ES module exports the same API', { timeout: 30000 }, async () => {
  const pg = await page();
  const added = await pg.evaluate(() => Object.getOwnPropertyNames(window).filter((k) => !window.globalsBefore.includes(k)));
  assert.deepEqual(added.filter((k) => k !== 't' && k !== 'globalsBefore').sort(), ['IWG'], `globals the page's scripts added besides the harness's (t, globalsBefore)`);
  assert.equal(await pg.t('version'), pkg.version);
  assert.match(pkg.version, /^\d+\.\d+\.\d+$/, 'semantic version');
  const esm = await pg.evaluate(async () => {
    const m = await import('/sdk/iwg.mjs');
    return { names: Object.keys(m).sort(), version: m.version, gateway: typeof m.Gateway };
  });
  assert.deepEqual(esm.names, Object.keys(await pg.evaluate(() => ({ ...window.IWG }))).sort(), 'ES module exports = IWG');
  assert.equal(esm.version, pkg.version);
  assert.equal(esm.gateway, 'function');
  for (const f of ['iwg.js', 'iwg.js.map', 'iwg.mjs', 'iwg.mjs.map', 'iwg.d.ts']) {
    assert.ok(fs.statSync(path.join(SDK_DIR, f)).size > 0, `build/web/sdk/${f}`);
  }
});

// run last (sdk.test.mjs): what the page reached during the whole suite
export function noThirdParty() {
  test('the SDK made no network requests but to the page\'s origin and the gateway\'s WebSocket', async () => {
    const pg = await page();
    const origin = new URL(pg.url()).origin;
    const other = pg.requests.filter((u) => !u.startsWith(`${origin}/`));
    assert.deepEqual(other, [], 'HTTP requests to other hosts');
    const gateways = [WS_URL, WSS_URL].map((u) => new URL(u).host);
    const sockets = pg.websockets.filter((u) => !gateways.includes(new URL(u).host));
    assert.deepEqual(sockets, [], 'WebSockets to other hosts');
    assert.ok(pg.websockets.length > 0, 'the suite opened WebSockets to the gateway');
    assert.deepEqual(pg.errors, [], 'uncaught errors in the page');
  });
}
