// Every page of every role: served with the Content-Security-Policy, no
// console error nor CSP violation, no serious or critical axe-core finding;
// the dashboard's charts drawn with data; header mediation's reload, the
// refused one showing file:line.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { axe, checkCsp, CONSOLE, login, poll, see, settled, show, STEP_MS, fileBrowser } from './lib.mjs';

const PAGES = {
  noc: ['#/dashboard', '#/calls', '#/registrations', '#/identities', '#/hdrmed'],
  idadmin: ['#/identities', '#/identities/new', '#/identities/import', '#/audit'],
  admin: ['#/dashboard', '#/calls', '#/registrations', '#/identities', '#/identities/new', '#/identities/import', '#/hdrmed', '#/audit'],
};

let K;
let b;
fileBrowser('pages', null, (k, br) => { K = k; b = br; });

// the console's own files were served with the CSP
function checkServed(what) {
  const base = new URL(CONSOLE);
  const mine = b.responses.filter((r) => r.url.startsWith(base.href) && !r.url.includes('__test-'));
  for (const f of ['', 'app.js', 'app.css']) {
    const r = mine.find((x) => new URL(x.url).pathname === `${base.pathname}${f}`);
    assert.ok(r, `${what}: ${base.pathname}${f} was not loaded`);
    assert.ok(r.status === 200 || r.status === 304, `${what}: ${r.url} answered ${r.status}`);
    checkCsp(r.headers, `${what}: ${r.url}`);
  }
  assert.match(mine.find((x) => new URL(x.url).pathname === base.pathname).headers['content-type'], /^text\/html/);
}

async function checkPage(what) {
  await settled(b);
  const v = await axe(b);
  assert.deepEqual(v, [], `${what}: axe-core serious/critical violations; ${see(path.basename(b.logFile))}`);
  const p = await b.takeProblems();
  assert.deepEqual(p, [], `${what}: errors in the page; ${see(path.basename(b.logFile), 'admind.log')}`);
}

test('login page: CSP header, no console error, accessible', async () => {
  b.responses.length = 0;
  await b.page.goto(CONSOLE);
  await b.page.evaluate(() => sessionStorage.clear());
  await b.page.reload();
  await b.page.locator('#api-key').waitFor({ timeout: STEP_MS });
  checkServed('login page');
  await checkPage('login page');
  // the label is tied to the field, and the field has the focus ring
  assert.equal(await b.page.getByLabel('API key').count(), 1);
});

for (const role of Object.keys(PAGES)) {
  test(`${role}: every page with the CSP header, no console error, no serious axe finding`, async () => {
    b.responses.length = 0;
    await login(b, K[role], role);
    checkServed(`${role} console`);
    await b.takeProblems();
    for (const h of PAGES[role]) {
      await show(b, h);
      await checkPage(`${role} ${h}`);
    }
  });
}

test('keyboard: the skip link comes first and the navigation works with Enter; phone width: no page wider than the screen', async () => {
  await login(b, K.admin, 'admin');
  // signing in put the focus on the page's title; a reloaded page starts
  // at the top, where the skip link is the first stop
  assert.equal(await b.page.evaluate(() => document.activeElement.id), 'page-title');
  await b.page.reload();
  await b.page.waitForSelector('[data-role="admin"]', { timeout: STEP_MS });
  await b.page.keyboard.press('Tab');
  assert.equal(await b.page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await b.page.keyboard.press('Enter');
  assert.equal(await b.page.evaluate(() => document.activeElement.id), 'main');
  await b.page.getByRole('link', { name: 'Audit log' }).focus();
  await b.page.keyboard.press('Enter');
  await b.page.waitForFunction(() => document.activeElement.id === 'page-title' && document.activeElement.textContent === 'Audit log',
    null, { timeout: STEP_MS });
  assert.equal(await b.page.getAttribute('nav.nav a[aria-current="page"]', 'href'), '#/audit');

  await b.page.setViewportSize({ width: 390, height: 800 });
  try {
    for (const h of PAGES.admin) {
      await show(b, h);
      await settled(b);
      const w = await b.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 390, `${h} is ${w} px wide on a 390 px screen`);
    }
  } finally {
    await b.page.setViewportSize({ width: 1280, height: 720 });
  }
  assert.deepEqual(await b.takeProblems(), []);
});

test('dashboard: charts drawn from the time series, nodes and dependencies up, the cluster view counted', async () => {
  await login(b, K.noc, 'noc');
  await show(b, '#/dashboard');
  const charts = await poll(async () => {
    const c = await b.page.evaluate(() => [...document.querySelectorAll('figure.chart')].map((f) => {
      const cv = f.querySelector('canvas');
      return { id: f.id, points: Number(f.dataset.points), values: Number(f.dataset.values), canvas: cv ? cv.width * cv.height : 0 };
    }));
    return c.length === 2 && c.every((x) => x.canvas > 0 && x.points > 1 && x.values > 0) ? c : false;
  }, { timeoutMs: 30000, what: 'two charts with a canvas and series values' })
    .catch((e) => { throw new Error(`${e.message}; ${see('admind.log', path.basename(b.logFile))}`); });
  assert.deepEqual(charts.map((c) => c.id), ['chart-load', 'chart-rate']);
  // uPlot drew the lines: the canvas is not blank
  const inked = await b.page.evaluate(() => [...document.querySelectorAll('figure.chart canvas')].map((cv) => {
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    return n;
  }));
  assert.ok(inked.every((n) => n > 0), `the chart canvases are blank: ${inked}`);
  const fig = await b.page.locator('[data-figure="registrations"] dd').innerText();
  assert.match(fig, /^\d+$/, `the registrations figure is a number, got "${fig}"`);
  assert.equal(await b.page.locator('[data-ready]').getAttribute('data-ready'), 'ready');
  for (const kind of ['kamailio', 'rtpengine']) {
    const row = b.page.locator('tr[data-node]', { hasText: kind });
    assert.ok(await row.count() >= 1, `a ${kind} node is listed`);
    assert.match(await row.first().innerText(), /\bup\b/, `the ${kind} node is up`);
  }
  // the cluster view: the stack's two nodes up and counted, their figures read
  const counted = await poll(async () => (await b.page.locator('[data-complete]').getAttribute('data-complete').catch(() => null)) === 'true',
    { timeoutMs: 15000, what: 'the cluster view with every node counted' });
  assert.ok(counted);
  assert.deepEqual(await b.page.locator('tr[data-cluster-node]').evaluateAll((rs) => rs.map((r) => r.dataset.state)), ['up', 'up']);
  const kamRow = await b.page.locator('tr[data-cluster-node]', { hasText: 'kamailio' }).innerText();
  assert.match(kamRow, /\bup\b.*\d/s, `the Kamailio node is up with its figures: "${kamRow}"`);
  assert.match(await b.page.locator('[data-total="registrations"] dd').innerText(), /^\d+$/);
  assert.match(await b.page.locator('[data-coverage]').innerText(), /2 of 2 nodes up; every node counted/);
  assert.deepEqual(await b.takeProblems(), []);
});

test('header mediation: reload by admin, a broken rule file refused with its file:line', async () => {
  const rules = process.env.IWG_HDRMED_RULES;
  assert.ok(rules, 'test.sh exports IWG_HDRMED_RULES');
  const good = fs.readFileSync(rules, 'utf8');
  await login(b, K.admin, 'admin');
  await show(b, '#/hdrmed');
  await settled(b);
  assert.equal(await b.page.locator('main [role="alert"]').count(), 0,
    `header mediation page shows an error: ${await b.page.locator('main').innerText()}`);
  const reload = b.page.locator('main button', { hasText: 'Reload rule files' });
  await reload.click();
  const ok = b.page.locator('main .msg-ok');
  await ok.waitFor({ timeout: STEP_MS });
  assert.match(await ok.innerText(), /Reloaded: .*ims-volte: \d+ rule/);

  const badLine = good.split('\n').length + (good.endsWith('\n') ? 0 : 1);
  fs.writeFileSync(rules, `${good}${good.endsWith('\n') ? '' : '\n'}add X-Broken\n`);
  try {
    await reload.click();
    const err = b.page.getByRole('region', { name: 'Rules and discovery' }).getByRole('alert');
    await err.waitFor({ timeout: STEP_MS });
    const t = await err.innerText();
    assert.match(t, /Rule reload refused/);
    assert.ok(t.includes(`${rules}:${badLine}`), `the refusal names ${rules}:${badLine}: ${t}`);
    assert.match(t, /HTTP 422/);
  } finally {
    fs.writeFileSync(rules, good);
  }
  // "unknown only" asks the server for unknown=true and lists only those
  const req = b.page.waitForRequest((r) => r.url().includes('/api/v1/hdrmed/discovered') && r.url().includes('unknown=true'));
  await b.page.getByLabel('Unknown names only').check();
  await req;
  await settled(b);
  const known = await b.page.locator('main .hd-table tbody td:nth-child(4)', { hasText: /^known$/ }).count();
  assert.equal(known, 0, 'no known name listed with "unknown only"');
  // the 422 was logged by the browser as a failed request; nothing else
  const p = (await b.takeProblems()).filter((x) => !/status of 422/.test(x));
  assert.deepEqual(p, []);
});
