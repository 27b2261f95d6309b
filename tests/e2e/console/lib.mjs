// Helpers of the console suite: the console in headless Chromium (console
// errors, CSP violations and response headers recorded), login, the REST
// API and Redis from Node, axe-core.
// SPDX-License-Identifier: GPL-2.0-or-later
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, poll } from '../lib/browser.mjs';

export { poll };
export const ADMIND = process.env.IWG_ADMIND_URL || 'http://127.0.0.1:8088';
export const CONSOLE = `${ADMIND}/console/`;
export const LOGDIR = process.env.IWG_LOGDIR || fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-console-'));
export const STEP_MS = 15000;

// "see <logdir>/a, ..." for failure messages
export const see = (...names) => `see ${names.map((n) => path.join(LOGDIR, n)).join(', ')}`;

// the stack's API keys (tests/lib/stack.sh: run/admind/keys, "ROLE KEY")
export function keys() {
  const f = path.join(process.env.IWG_RUN || '', 'admind', 'keys');
  const k = {};
  for (const l of fs.readFileSync(f, 'utf8').split('\n')) {
    const [role, key] = l.trim().split(/\s+/);
    if (role && key) k[role] = key;
  }
  return k;
}

// REST from Node: { status, body, headers }
export async function rest(key, method, p, body) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${ADMIND}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  let b = null;
  try {
    b = t ? JSON.parse(t) : null;
  } catch {
    b = t;
  }
  return { status: r.status, body: b, headers: r.headers };
}

// redis-cli against the stack's Redis; returns stdout
export function redis(...args) {
  const [host, port] = (process.env.IWG_REDIS_ADDR || '127.0.0.1:6390').split(':');
  return execFileSync('redis-cli', ['-h', host, '-p', port, ...args], { encoding: 'utf8' });
}

// HGETALL as an object
export function redisHash(key) {
  const lines = redis('HGETALL', key).split('\n');
  const o = {};
  for (let i = 0; i + 1 < lines.length; i += 2) if (lines[i]) o[lines[i]] = lines[i + 1];
  return o;
}

// the newest audit stream entries as objects (the stream admind writes)
export function auditEntries(count = 200) {
  const out = redis('--json', 'XREVRANGE', process.env.IWG_AUDIT_STREAM || 'iwg:audit', '+', '-', 'COUNT', String(count));
  return JSON.parse(out).map(([id, fields]) => {
    const o = { id };
    for (let i = 0; i + 1 < fields.length; i += 2) o[fields[i]] = fields[i + 1];
    return o;
  });
}

// the CSP iwg-admind must send (docs: admin/README.md); the console relies
// on it forbidding inline script, eval and other hosts
export function checkCsp(headers, what) {
  const csp = headers['content-security-policy'];
  assert.ok(csp, `${what}: no Content-Security-Policy header`);
  for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) {
    assert.ok(csp.split(';').map((s) => s.trim()).includes(d), `${what}: CSP lacks "${d}": ${csp}`);
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${what}: CSP allows too much: ${csp}`);
  assert.equal(headers['x-content-type-options'], 'nosniff', `${what}: no X-Content-Type-Options: nosniff`);
}

// a fresh Chromium with one page; what goes wrong in the page is recorded:
// console errors, uncaught exceptions, CSP violations (listened for from
// an init script, which the CSP does not govern), failed requests
export async function openBrowser(name) {
  const logFile = path.join(LOGDIR, `browser-console-${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const line = (s) => log.write(`${new Date().toISOString()} ${s}\n`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const page = context.pages()[0] || (await context.newPage());
  const b = { page, context, logFile, problems: [], responses: [] };
  page.on('console', (m) => {
    line(`[${m.type()}] ${m.text()}`);
    if (m.type() === 'error') b.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    line(`[pageerror] ${e.message}`);
    b.problems.push(`uncaught: ${e.message}`);
  });
  page.on('response', (r) => {
    b.responses.push({ url: r.url(), status: r.status(), type: r.request().resourceType(), headers: r.headers() });
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  b.close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    await new Promise((r) => log.end(r));
  };
  // problems recorded since the last call, CSP violations included
  b.takeProblems = async () => {
    const csp = await page.evaluate(() => window.__csp || []).catch(() => []);
    const p = [...b.problems, ...csp.map((c) => `CSP violation: ${c}`)];
    b.problems.length = 0;
    await page.evaluate(() => { window.__csp = []; }).catch(() => {});
    return p;
  };
  return b;
}

// a test file's Chromium: opened before its tests (signed in as role when
// given), closed after them; ready(keys, browser) hands both to the file
export function fileBrowser(name, role, ready) {
  let b = null;
  before(async () => {
    const k = keys();
    b = await openBrowser(name);
    if (role) await login(b, k[role], role);
    ready(k, b);
  });
  after(() => b && b.close());
}

// opens the console and signs in with key; resolves once the shell shows
// the role (or the login page answered, when expectRole is null)
export async function login(b, key, expectRole) {
  // start signed out: forget a key an earlier test left in the tab
  await b.page.goto(CONSOLE);
  await b.page.evaluate(() => sessionStorage.clear());
  await b.page.reload();
  await b.takeProblems();
  await b.page.fill('#api-key', key);
  await b.page.click('form button[type="submit"]');
  if (expectRole) {
    await b.page.waitForSelector(`[data-role="${expectRole}"]`, { timeout: STEP_MS })
      .catch((e) => { throw new Error(`no shell for role ${expectRole} after sign-in (${e.message.split('\n')[0]}); ${see(path.basename(b.logFile), 'admind.log')}`); });
  }
}

// switches the console to a hash route and waits for its title
export async function show(b, hash) {
  // the view starts afresh: leave it first when it is the one shown
  if (await b.page.evaluate((h) => location.hash === h, hash)) await show(b, '#/reshow');
  await b.page.evaluate((h) => { location.hash = h; }, hash);
  await b.page.waitForFunction((h) => location.hash === h && document.activeElement && document.activeElement.id === 'page-title', hash, { timeout: STEP_MS });
}

// waits until the view has its first answer (no "loading" left in main)
export async function settled(b) {
  await b.page.waitForFunction(() => {
    const m = document.querySelector('main');
    return m && !/loading…|Loading…/.test(m.innerText);
  }, null, { timeout: STEP_MS });
}

// visible texts of a locator, trimmed
export async function texts(loc) {
  return (await loc.allInnerTexts()).map((s) => s.trim());
}

// axe-core in the page. The console's CSP (script-src 'self') refuses
// inline script, so the test serves axe.min.js itself under the console's
// own origin (page.route) and adds it as <script src>: the CSP stays in
// force, nothing is bypassed. Returns the serious and critical violations.
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export async function axe(b) {
  const url = `${CONSOLE}__test-axe.min.js`;
  if (!b.axeRouted) {
    await b.page.route(url, (r) => r.fulfill({ status: 200, contentType: 'text/javascript', body: fs.readFileSync(axePath, 'utf8') }));
    b.axeRouted = true;
  }
  if (!(await b.page.evaluate(() => !!window.axe))) await b.page.addScriptTag({ url });
  const res = await b.page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
}
