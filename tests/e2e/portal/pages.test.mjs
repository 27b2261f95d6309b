// Every portal page as a browser meets it through iwg-admind: served with
// the Content-Security-Policy (and nosniff), loads with no console error or
// CSP violation, its links inside the portal reach existing anchors, and
// axe-core finds no serious or critical accessibility violation.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_URL, PAGES, PORTAL_URL, launch, see, stackError, top } from './lib.mjs';

const AXE = path.join(top, 'node_modules/axe-core/axe.min.js');
let chrome;
before(async () => { if (!stackError()) chrome = await launch(); });
after(async () => { if (chrome) await chrome.close(); });

test('/portal/ serves the overview page', { timeout: 30000 }, async () => {
  if (stackError()) assert.fail(stackError());
  const res = await fetch(PORTAL_URL);
  assert.equal(res.status, 200, `GET ${PORTAL_URL} answered ${res.status}`);
  assert.match(res.headers.get('content-type') || '', /^text\/html/);
  assert.match(await res.text(), /<h1>iwg developer portal<\/h1>/, `${PORTAL_URL} is not the portal's index.html`);
});

for (const file of PAGES) {
  test(`${file}: CSP header, no console error, links resolve, no serious axe violation`, { timeout: 60000 }, async (t) => {
    if (stackError()) assert.fail(stackError());
    const page = await chrome.newPage(file.replace('.html', ''));
    t.after(() => page.closeAll());
    const url = PORTAL_URL + file;
    const res = await page.goto(url, { waitUntil: 'load' });
    assert.equal(res.status(), 200, `GET ${url} answered ${res.status()}`);
    const h = await res.allHeaders();
    const csp = h['content-security-policy'] || '';
    for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(csp.split(';').map((x) => x.trim()).includes(d), `${url}: Content-Security-Policy lacks "${d}": "${csp}"`);
    }
    assert.equal(h['x-content-type-options'], 'nosniff', `${url}: X-Content-Type-Options`);

    // links inside the portal: the page exists, the fragment is an id there
    const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href));
    const bad = [];
    const cache = new Map();
    for (const href of new Set(links)) {
      const u = new URL(href);
      if (u.origin !== new URL(ADMIN_URL).origin) { bad.push(`${href}: leaves the server`); continue; }
      const target = u.origin + u.pathname;
      if (!cache.has(target)) {
        const r = await fetch(target);
        cache.set(target, { status: r.status, text: r.status === 200 ? await r.text() : '' });
      }
      const got = cache.get(target);
      if (got.status !== 200) bad.push(`${href}: ${got.status}`);
      else if (u.hash && !got.text.includes(`id="${decodeURIComponent(u.hash.slice(1))}"`)) bad.push(`${href}: no such anchor`);
    }
    assert.deepEqual(bad, [], `${url}: broken links`);

    // axe-core, run through the DevTools protocol (the CSP forbids injected scripts)
    await page.evaluate(fs.readFileSync(AXE, 'utf8'));
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const other = result.violations.filter((v) => !serious.includes(v));
    if (other.length) t.diagnostic(`axe (minor/moderate): ${other.map((v) => `${v.id} x${v.nodes.length}`).join(', ')}`);
    assert.deepEqual(serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`), [],
      `${url}: axe-core serious or critical violations`);
    assert.deepEqual(page.problems, [], `${url}: console errors; ${see(page.logName)}`);
  });
}
