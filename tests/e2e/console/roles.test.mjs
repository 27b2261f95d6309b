// Signing in with each role: the shell and navigation follow the role, an
// app key is told the console is not for it, a wrong key is refused, the
// key lives in sessionStorage only; a noc key sees no write control and
// a write forged from the page with it gets 403.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { login, redis, rest, see, show, STEP_MS, texts, fileBrowser } from './lib.mjs';

const NAV = {
  noc: ['Dashboard', 'Calls', 'Registrations', 'Identities', 'Header mediation'],
  idadmin: ['Identities', 'Audit log'],
  admin: ['Dashboard', 'Calls', 'Registrations', 'Identities', 'Header mediation', 'Audit log'],
};

let K;
let b;
fileBrowser('roles', null, (k, br) => { K = k; b = br; });

for (const role of ['noc', 'idadmin', 'admin']) {
  test(`${role} key: signed in, the navigation lists the ${role} pages`, async () => {
    await login(b, K[role], role);
    const nav = await texts(b.page.locator('nav.nav a'));
    assert.deepEqual(nav, NAV[role], `navigation of ${role}; ${see(path.basename(b.logFile))}`);
    assert.equal(await b.page.locator('[data-role]').innerText(), role);
    // the key is in this tab's sessionStorage, nowhere else
    const st = await b.page.evaluate(() => ({
      session: Object.values(sessionStorage), local: localStorage.length, url: location.href, cookie: document.cookie,
    }));
    assert.deepEqual(st.session, [K[role]], 'the key is kept in sessionStorage');
    assert.equal(st.local, 0, 'nothing in localStorage');
    assert.ok(!st.url.includes(K[role]), `the key is not in the URL (${st.url})`);
    assert.equal(st.cookie, '', 'no cookie');
    // a reload keeps the session (sessionStorage), logging out forgets it
    await b.page.reload();
    await b.page.waitForSelector(`[data-role="${role}"]`, { timeout: STEP_MS });
    await b.page.click('header button:has-text("Log out")');
    await b.page.waitForSelector('#api-key', { timeout: STEP_MS });
    assert.deepEqual(await b.page.evaluate(() => Object.keys(sessionStorage)), [], 'log out clears sessionStorage');
  });
}

test('app key: told the console is not for it, not signed in', async () => {
  assert.ok(K.app, 'the stack made an app key (tests/lib/stack.sh)');
  await login(b, K.app, null);
  const note = b.page.locator('.msg-warn');
  await note.waitFor({ timeout: STEP_MS });
  assert.match(await note.innerText(), /role app.*not for this console/s);
  assert.equal(await b.page.locator('nav.nav').count(), 0, 'no navigation for an app key');
  assert.deepEqual(await b.page.evaluate(() => Object.keys(sessionStorage)), [], 'an app key is not kept');
});

test('unknown key: the 401 is shown, not signed in', async () => {
  await login(b, 'not-a-key-0000', null);
  const err = b.page.locator('[role="alert"]');
  await err.waitFor({ timeout: STEP_MS });
  assert.match(await err.innerText(), /Sign-in failed[\s\S]*HTTP 401/);
  assert.equal(await b.page.locator('nav.nav').count(), 0);
});

test('noc key: no write control on identities or header mediation, no audit page', async () => {
  // a mapping so that the list has a row (rows of writers carry Edit/Disable)
  const key = `noc-view-${process.pid}`;
  const made = await rest(K.admin, 'POST', '/api/v1/identities', { ns: 'web', key, sip_uri: `sip:${key}@iwg.test` });
  assert.equal(made.status, 201, `setup: create ${key}: ${JSON.stringify(made.body)}`);
  await login(b, K.noc, 'noc');
  await show(b, '#/identities');
  await b.page.locator(`tr[data-identity="web/${key}"]`).waitFor({ timeout: STEP_MS });
  for (const sel of ['a:has-text("New identity")', 'a:has-text("Import")', 'tr button', 'a:has-text("Edit")', 'th:has-text("Actions")']) {
    assert.equal(await b.page.locator(`main ${sel}`).count(), 0, `noc sees no "${sel}" on identities`);
  }
  // the create and import routes do not offer forms to noc
  await show(b, '#/identities/new');
  assert.equal(await b.page.locator('main form.form').count(), 0, 'no create form for noc');
  await show(b, `#/identities/web/${key}`);
  await b.page.locator('main dl.facts').waitFor({ timeout: STEP_MS });
  assert.equal(await b.page.locator('main input, main button[type="submit"]').count(), 0, 'a mapping is read-only for noc');
  await show(b, '#/hdrmed');
  assert.equal(await b.page.locator('main button:has-text("Reload"), main button:has-text("Clear")').count(), 0, 'noc has no reload or reset');
  await show(b, '#/audit');
  assert.match(await b.page.locator('main').innerText(), /Not available/);
});

test('noc key: writes forged from the page are refused with 403', async () => {
  await login(b, K.noc, 'noc');
  const key = `forged-${process.pid}`;
  const res = await b.page.evaluate(async ({ k, key }) => {
    const h = { Authorization: `Bearer ${k}`, 'Content-Type': 'application/json' };
    const out = {};
    for (const [name, url, body] of [
      ['create', '/api/v1/identities', { ns: 'web', key, sip_uri: `sip:${key}@iwg.test` }],
      ['reload', '/api/v1/hdrmed/reload', {}],
      ['reset', '/api/v1/hdrmed/discovered/reset', {}],
    ]) {
      const r = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify(body) });
      out[name] = { status: r.status, body: await r.json().catch(() => null) };
    }
    return out;
  }, { k: K.noc, key });
  for (const [name, r] of Object.entries(res)) {
    assert.equal(r.status, 403, `forged ${name} with the noc key: ${JSON.stringify(r)}`);
    assert.equal(r.body && r.body.error, 'forbidden', `forged ${name}: JSON error body ${JSON.stringify(r.body)}`);
  }
  assert.equal(redis('EXISTS', `iwg:idm:map:{web}:${key}`).trim(), '0', 'the forged identity is not in Redis');
});
