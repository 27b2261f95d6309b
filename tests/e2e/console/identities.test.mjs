// Identities through the console (idadmin): a mapping created in the form
// is in Redis (lib/idstore key schema) and in the audit stream; edit and
// disable reach Redis and keep the write-only HA1; the server's refusal names its field; the
// routing attributes (language, priority, DID) and the DID search; CSV and
// JSON-lines imports report per line, before sending (file errors) and
// after (the server's answer per record).
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { auditEntries, redis, redisHash, see, show, STEP_MS, fileBrowser } from './lib.mjs';

const tag = `${process.pid}`;
const mapKey = (ns, key) => `iwg:idm:map:{${ns}}:${key}`;
const HA1 = '0123456789abcdef0123456789abcdef';

let K;
let b;
fileBrowser('identities', 'idadmin', (k, br) => { K = k; b = br; });

async function fill(fields) {
  for (const [f, v] of Object.entries(fields)) await b.page.fill(`#identity-${f}`, v);
}

async function notice(tone) {
  const n = b.page.locator(`main .msg-${tone}`).first();
  await n.waitFor({ timeout: STEP_MS });
  return n.innerText();
}

test('create in the form: the mapping is in Redis and in the audit stream and log', async () => {
  const key = `ui-${tag}`;
  await show(b, '#/identities/new');
  await fill({ key, sip_uri: `sip:${key}@iwg.test`, display_name: 'Console Test', tenant: 't1', ha1: HA1 });
  await b.page.click('main form button[type="submit"]');
  assert.match(await notice('ok'), new RegExp(`Created web/${key}`));
  const h = redisHash(mapKey('web', key));
  assert.equal(h.sip_uri, `sip:${key}@iwg.test`, `Redis ${mapKey('web', key)}: ${JSON.stringify(h)}`);
  assert.equal(h.display_name, 'Console Test');
  assert.equal(h.tenant, 't1');
  assert.equal(h.enabled, '1');
  assert.equal(h.ha1, HA1, 'the HA1 entered');
  assert.equal(redis('GET', `iwg:idm:rev:{web}:sip:${key}@iwg.test`).trim(), key, 'the reverse entry');
  const a = auditEntries().find((e) => e.action === 'identity.create' && e.target === `web/${key}`);
  assert.ok(a, `audit stream has identity.create web/${key}`);
  assert.equal(a.role, 'idadmin');
  assert.equal(String(a.status), '201');
  // and the audit page shows it
  await show(b, '#/audit');
  await b.page.locator(`tr[data-action="identity.create"][data-target="web/${key}"]`).waitFor({ timeout: STEP_MS });
});

test('search, edit and disable: changes reach Redis, each audited', async () => {
  const key = `ui-${tag}`;
  await show(b, '#/identities');
  await b.page.fill('#id-filter-key', `ui-${tag}*`);
  await b.page.click('main form.search button[type="submit"]');
  const row = b.page.locator(`tr[data-identity="web/${key}"]`);
  await row.waitFor({ timeout: STEP_MS });
  assert.equal(await b.page.locator('tr[data-identity]').count(), 1, 'the glob matches one mapping');

  await row.getByRole('link', { name: `Edit web/${key}` }).click();
  await b.page.locator('#identity-display_name').waitFor({ timeout: STEP_MS });
  assert.equal(await b.page.inputValue('#identity-display_name'), 'Console Test');
  await fill({ display_name: 'Console Edited' });
  await b.page.click('main form button[type="submit"]');
  assert.match(await notice('ok'), /Saved/);
  assert.equal(redisHash(mapKey('web', key)).display_name, 'Console Edited');

  await show(b, '#/identities');
  await b.page.fill('#id-filter-key', key);
  await b.page.click('main form.search button[type="submit"]');
  await row.getByRole('button', { name: `Disable web/${key}` }).click();
  await row.getByText('disabled').waitFor({ timeout: STEP_MS });
  assert.equal(redisHash(mapKey('web', key)).enabled, '0', 'disabled in Redis');
  assert.equal(redisHash(mapKey('web', key)).ha1, HA1, 'the HA1 kept through the edit and the disable');
  const replaced = auditEntries().filter((e) => e.action === 'identity.replace' && e.target === `web/${key}`);
  assert.equal(replaced.length, 2, 'edit and disable each audited as identity.replace');
});

test('a value the server refuses: its message shown, the field marked and focused', async () => {
  const key = `bad-${tag}`;
  await show(b, '#/identities/new');
  await fill({ key, sip_uri: 'http://not-sip.example' });
  await b.page.click('main form button[type="submit"]');
  const err = b.page.locator('main [role="alert"]');
  await err.waitFor({ timeout: STEP_MS });
  const t = await err.innerText();
  assert.match(t, /Not created/);
  assert.match(t, /HTTP 400/);
  assert.match(t, /field sip_uri/);
  assert.equal(await b.page.getAttribute('#identity-sip_uri', 'aria-invalid'), 'true');
  assert.equal(await b.page.evaluate(() => document.activeElement.id), 'identity-sip_uri');
  assert.equal(redis('EXISTS', mapKey('web', key)).trim(), '0');
});

test('routing attributes: language, priority and DID in the form; a taken DID refused; the DID search; disable keeps them', async () => {
  const key = `cc-${tag}`;
  const did = `+3399${String(process.pid).padStart(7, '0').slice(-7)}`;
  await b.takeProblems(); // the refusals of the tests before
  await show(b, '#/identities/new');
  await fill({ key, sip_uri: `sip:${key}@iwg.test`, language: 'fr', priority: '5', did });
  await b.page.click('main form button[type="submit"]');
  assert.match(await notice('ok'), new RegExp(`Created web/${key}`));
  const h = redisHash(mapKey('web', key));
  assert.deepEqual([h.language, h.priority, h.did], ['fr', '5', did], `Redis ${mapKey('web', key)}: ${JSON.stringify(h)}`);
  assert.equal(redis('GET', `iwg:idm:did:${did}`).trim().split(' ')[0], `web:${key}`, 'the DID reverse entry (ns:key, then its claim token)');

  // a second mapping with the same number: the server's 409 names did
  await show(b, '#/identities/new');
  await fill({ ns: 'paas', key: `${key}-2`, sip_uri: `sip:${key}-2@iwg.test`, did });
  await b.page.click('main form button[type="submit"]');
  const err = b.page.locator('main [role="alert"]');
  await err.waitFor({ timeout: STEP_MS });
  const t = await err.innerText();
  assert.match(t, /HTTP 409/);
  assert.match(t, new RegExp(`already mapped by key ${key} \\(namespace web\\)`));
  assert.equal(await b.page.evaluate(() => document.activeElement.id), 'identity-did');
  assert.equal(redis('EXISTS', mapKey('paas', `${key}-2`)).trim(), '0');

  // a priority out of range is refused in the page, before sending
  await fill({ did: '', priority: '12' });
  await b.page.click('main form button[type="submit"]');
  await b.page.locator('main [role="alert"]').getByText('priority: must be an integer from 0 to 9').waitFor({ timeout: STEP_MS });
  assert.equal(await b.page.evaluate(() => document.activeElement.id), 'identity-priority');

  // the list finds it by its DID and shows the number; disable keeps the attributes
  await show(b, '#/identities');
  await b.page.fill('#id-filter-did', did);
  await b.page.click('main form.search button[type="submit"]');
  const row = b.page.locator(`tr[data-identity="web/${key}"]`);
  await row.waitFor({ timeout: STEP_MS });
  // the row is in the unfiltered list too: wait for the search's answer to
  // replace it (the count stays wrong if the search finds more)
  await b.page.waitForFunction(() => document.querySelectorAll('tr[data-identity]').length === 1, null, { timeout: STEP_MS })
    .catch(() => {});
  assert.equal(await b.page.locator('tr[data-identity]').count(), 1, 'one mapping holds the DID');
  assert.match(await row.innerText(), new RegExp(did.replace('+', '\\+')));
  await row.getByRole('button', { name: `Disable web/${key}` }).click();
  await row.getByText('disabled').waitFor({ timeout: STEP_MS });
  const d = redisHash(mapKey('web', key));
  assert.deepEqual([d.enabled, d.language, d.priority, d.did], ['0', 'fr', '5', did], 'disabled, attributes kept');
  assert.equal(redis('GET', `iwg:idm:did:${did}`).trim().split(' ')[0], `web:${key}`, 'the DID stays reserved');
  // the browser logs the expected 409; nothing else
  const problems = (await b.takeProblems()).filter((x) => !/status of 409/.test(x));
  assert.deepEqual(problems, [], `errors in the page; ${see(path.basename(b.logFile))}`);
});

test('CSV import with file errors: every error on its line, nothing sent', async () => {
  await show(b, '#/identities/import');
  const csv = ['ns,key,sip_uri,enabled', `web,imp-a-${tag},sip:imp-a-${tag}@iwg.test,1`, `web,imp-b-${tag},sip:imp-b-${tag}@iwg.test,perhaps`,
    `web,imp-a-${tag},sip:imp-c-${tag}@iwg.test,1`, 'web,short'].join('\n');
  await b.page.fill('#import-text', csv);
  await b.page.click('main form button[type="submit"]');
  const errs = b.page.locator('.line-errors li');
  await errs.first().waitFor({ timeout: STEP_MS });
  assert.deepEqual(await errs.evaluateAll((l) => l.map((x) => Number(x.dataset.line))), [3, 4, 5]);
  assert.match(await errs.nth(1).innerText(), /line 4: key: duplicate of line 2/);
  assert.match(await b.page.locator('#imp-err-h').innerText(), /nothing was sent/);
  assert.equal(redis('EXISTS', mapKey('web', `imp-a-${tag}`)).trim(), '0', 'nothing written');
});

test('CSV and JSON-lines import: records created, the server\'s refusals reported per line', async () => {
  await show(b, '#/identities/import');
  const csv = ['# two good, one the server refuses', 'key,sip_uri,display_name', `csv-1-${tag},sip:csv-1-${tag}@iwg.test,"One, CSV"`,
    `csv-2-${tag},tel:+4930${tag},Two`, `csv-3-${tag},mailto:x@iwg.test,Three`].join('\n');
  await b.page.fill('#import-text', csv);
  await b.page.fill('#import-ns', 'web');
  await b.page.click('main form button[type="submit"]');
  await b.page.locator('[data-done="yes"]').waitFor({ timeout: STEP_MS });
  const rows = await b.page.locator('main tr[data-line]').evaluateAll((l) => l.map((r) => [Number(r.dataset.line), r.cells[2].innerText]));
  assert.deepEqual(rows.map((r) => r[0]), [3, 4, 5]);
  assert.equal(rows[0][1], 'created');
  assert.equal(rows[1][1], 'created');
  assert.match(rows[2][1], /HTTP 400: sip_uri/, `line 5 refused by the server: ${rows[2][1]}`);
  assert.equal(redisHash(mapKey('web', `csv-1-${tag}`)).display_name, 'One, CSV');
  assert.equal(redisHash(mapKey('web', `csv-2-${tag}`)).sip_uri, `tel:+4930${tag}`);

  // JSON lines, replacing an existing mapping when asked to
  const jl = [`{"ns":"web","key":"csv-1-${tag}","sip_uri":"sip:csv-1-${tag}@iwg.test","display_name":"Replaced","enabled":false}`,
    `{"ns":"web","key":"jl-${tag}","sip_uri":"sip:jl-${tag}@iwg.test","not_after":"2036-01-01T00:00:00Z"}`].join('\n');
  await b.page.fill('#import-text', jl);
  await b.page.getByLabel(/Replace mappings that exist/).check();
  await b.page.click('main form button[type="submit"]');
  await b.page.locator('[data-done="yes"]').waitFor({ timeout: STEP_MS });
  const out = await b.page.locator('main tr[data-line]').evaluateAll((l) => l.map((r) => r.cells[2].innerText));
  assert.deepEqual(out, ['replaced', 'created']);
  const h = redisHash(mapKey('web', `csv-1-${tag}`));
  assert.equal(h.display_name, 'Replaced');
  assert.equal(h.enabled, '0');
  assert.equal(redisHash(mapKey('web', `jl-${tag}`)).not_after, '2082758400');
  const problems = (await b.takeProblems()).filter((x) => !/status of (400|404)/.test(x));
  assert.deepEqual(problems, [], `errors in the page; ${see(path.basename(b.logFile))}`);
});
