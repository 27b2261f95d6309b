// Calls placed from the portal's own material, through the real gateway
// stack to a SIPp UAS: the getting-started code exactly as the page shows
// it (its two code blocks, with only the documented placeholders replaced:
// the gateway URL and the target; the back-end takes the admind URL and app
// key from its environment), and the try-a-call page with an app key.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  ADMIN_URL, DOMAIN, LOGDIR, PORTAL_URL, STEP_MS, WSS_URL, apiKey, launch, poll, see, stackError, startUas, waitMediaFlowing,
} from './lib.mjs';

const GW_LOGS = ['kamailio.log', 'rtpengine.log', 'admind.log'];
const TARGET = `sip:echo@${DOMAIN}`;
let chrome;
before(async () => { if (!stackError()) chrome = await launch(); });
after(async () => { if (chrome) await chrome.close(); });

// code -> code with each placeholder (exactly once in it) replaced
function fill(code, where, replacements) {
  for (const [from, to] of replacements) {
    const n = code.split(from).length - 1;
    assert.equal(n, 1, `${where}: the documented placeholder ${from} occurs ${n} times in the code block, expected once`);
    code = code.replace(from, to);
  }
  return code;
}

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// polls the text of selector until done(text) or failed(text) holds;
// throws naming the last text unless done
async function waitText(page, selector, done, failed, what, logs) {
  let last = '';
  await poll(async () => {
    last = await page.locator(selector).innerText();
    return done(last) || failed(last);
  }, { timeoutMs: STEP_MS, what }).catch(() => {});
  if (!done(last)) throw new Error(`${what}: page shows "${last}"; ${see(...logs)}`);
}

test('getting-started code copied from the page places a call to a SIP UAS', { timeout: 120000 }, async (t) => {
  if (stackError()) assert.fail(stackError());
  // the code blocks as the portal serves them
  const docPage = await chrome.newPage('getting-started-doc');
  const res = await docPage.goto(`${PORTAL_URL}getting-started.html`);
  assert.equal(res.status(), 200, `getting-started.html answered ${res.status()}`);
  const code = {
    page: await docPage.locator('#code-page code').textContent(),
    server: await docPage.locator('#code-server code').textContent(),
  };
  await docPage.closeAll();

  const dir = path.join(LOGDIR, 'getting-started');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), fill(code.page, 'getting-started front-end',
    [['wss://gw.example.net:8443', WSS_URL], ['sip:bob@example.net', TARGET]]));
  fs.writeFileSync(path.join(dir, 'server.mjs'), code.server);
  const sdk = await fetch(`${ADMIN_URL}/sdk/iwg.js`);
  assert.equal(sdk.status, 200, `GET ${ADMIN_URL}/sdk/iwg.js answered ${sdk.status} (make web builds build/web/sdk)`);
  fs.writeFileSync(path.join(dir, 'iwg.js'), Buffer.from(await sdk.arrayBuffer()));

  // the developer's back-end, run as the page says
  const port = await freePort();
  const out = fs.openSync(path.join(LOGDIR, 'getting-started-server.log'), 'w');
  const server = spawn(process.execPath, ['server.mjs'], {
    cwd: dir, stdio: ['ignore', out, out],
    env: { ...process.env, IWG_ADMIN_URL: ADMIN_URL, IWG_APP_KEY: apiKey('app'), PORT: String(port) },
  });
  fs.closeSync(out);
  t.after(() => server.kill('SIGTERM'));
  const base = `http://127.0.0.1:${port}`;
  const logs = ['browser-getting-started.log', 'getting-started-server.log', 'sipp-gs.msg', ...GW_LOGS];
  await poll(async () => server.exitCode === null && (await fetch(`${base}/`)).status === 200,
    { timeoutMs: STEP_MS, what: `the getting-started server.mjs answering on ${base}/` })
    .catch((e) => { throw new Error(`${e.message}; ${see('getting-started-server.log')}`); });
  const cred = await fetch(`${base}/credential`, { method: 'POST' });
  const credBody = await cred.text();
  assert.equal(cred.status, 201, `POST ${base}/credential (server.mjs asking iwg-admind) answered ${cred.status}: ${credBody}; ${see('admind.log')}`);

  const uas = await startUas('gs', 40000);
  t.after(() => uas.stop());
  const page = await chrome.newPage('getting-started');
  t.after(() => page.closeAll());
  await page.goto(`${base}/`);
  await page.click('#call');
  await waitText(page, '#status', (s) => s === 'answered', (s) => /^(error|ended)/.test(s),
    `the getting-started page calling ${TARGET} shows "answered"`, logs);
  const rtp = await waitMediaFlowing(page, logs);
  t.diagnostic(`answered; getStats: ${JSON.stringify(rtp)}`);
  await page.click('#hangup');
  await waitText(page, '#status', (s) => s === 'ended: hangup', () => false, 'the page shows "ended: hangup" after Hang up', logs);
  const code0 = await uas.waitExit(STEP_MS);
  assert.equal(code0, 0, `SIPp UAS ${code0 === null ? 'still running' : `exited ${code0}`} after the hang-up; ${see(...uas.logs)}`);
});

test('try-a-call page gets a credential from the endpoint and places a call', { timeout: 120000 }, async (t) => {
  if (stackError()) assert.fail(stackError());
  const uas = await startUas('try', 40200);
  t.after(() => uas.stop());
  const page = await chrome.newPage('try');
  t.after(() => page.closeAll());
  const logs = ['browser-try.log', 'sipp-try.msg', ...GW_LOGS];
  const credAnswers = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/credentials') credAnswers.push([r.url(), r.status()]);
  });
  await page.goto(`${PORTAL_URL}try.html`);
  assert.equal(await page.inputValue('#try-url'), WSS_URL, 'default gateway URL of a page served from 127.0.0.1');
  const key = apiKey('app');
  await page.fill('#try-key', key);
  await page.fill('#try-user', 'portal');
  await page.fill('#try-target', TARGET);
  await page.click('#try-call');

  const events = () => page.$$eval('#try-events li', (l) => l.map((li) => `${li.dataset.event}: ${li.textContent}`));
  const settled = await poll(async () => {
    const ev = await events();
    return ev.some((e) => /^(answered|error|ended):/.test(e)) && ev;
  }, { timeoutMs: STEP_MS, what: 'answered' }).catch(() => []);
  if (!settled.some((e) => e.startsWith('answered:'))) {
    throw new Error(`try.html: no "answered" event; status "${await page.innerText('#try-status')}", events ${JSON.stringify(await events())}; ${see(...logs)}`);
  }
  assert.deepEqual(credAnswers, [[`${ADMIN_URL}/api/v1/credentials`, 201]], 'the page asks its own server for one credential, answered 201');
  const ev = await events();
  const credLine = ev.find((e) => e.startsWith('credential:')) || '';
  assert.match(credLine, /ephemeral credential for sip:portal@/, `credential event: ${JSON.stringify(ev)}`);
  assert.ok(ev.some((e) => e.startsWith('registered:')), `no "registered" event: ${JSON.stringify(ev)}`);
  const rtp = await waitMediaFlowing(page, logs);
  t.diagnostic(`answered; getStats: ${JSON.stringify(rtp)}`);

  // the quality figures come every few seconds while the call is up
  const figures = await poll(async () => {
    const f = await page.$$eval('#try-quality dd[data-figure]', (d) => Object.fromEntries(d.map((x) => [x.dataset.figure, x.textContent])));
    return Number(f.packetsReceived) > 0 ? f : false;
  }, { timeoutMs: STEP_MS, what: 'quality figures with packets received > 0' })
    .catch((e) => { throw new Error(`try.html: ${e.message}; ${see(...logs)}`); });
  t.diagnostic(`quality: ${JSON.stringify(figures)}`);
  assert.ok('mos' in figures && 'jitterMs' in figures && 'lossPercent' in figures, `quality figures shown: ${JSON.stringify(figures)}`);

  const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage) }));
  assert.ok(stored.session.includes(key), 'the API key is in sessionStorage');
  assert.ok(!stored.local.includes(key), 'the API key is not in localStorage');

  await page.click('#try-hangup');
  await poll(async () => (await events()).some((e) => e.startsWith('ended:')), { timeoutMs: STEP_MS, what: 'ended event after Hang up' })
    .catch((e) => { throw new Error(`try.html: ${e.message}; ${see(...logs)}`); });
  const code0 = await uas.waitExit(STEP_MS);
  assert.equal(code0, 0, `SIPp UAS ${code0 === null ? 'still running' : `exited ${code0}`} after the hang-up; ${see(...uas.logs)}`);
  assert.deepEqual(page.problems, [], `try.html: console errors during the call; ${see(page.logName)}`);
});
