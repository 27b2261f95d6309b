// Calls in the console: a browser (JsSIP, tests/e2e/page) calls a SIPp
// peer through the gateway; the calls view lists it with both legs'
// codecs, the packet counts rise, the verdict is ok. Then a peer that sends
// no RTP: the one-way-audio verdict of iwg-admind, naming the SIP peer.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchClient } from '../lib/browser.mjs';
import { startSipp, udpBound } from '../../lib/sipp.mjs';
import { axe, LOGDIR, poll, see, settled, show, STEP_MS, fileBrowser } from './lib.mjs';

const sippDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp');
const DOMAIN = process.env.IWG_DOMAIN || 'iwg.test';
const WSS_URL = process.env.IWG_WSS_URL || 'wss://127.0.0.1:8443';
const [PEER_HOST, PEER_PORT] = (process.env.IWG_PEER_ADDR || '127.0.0.1:5090').split(':');

let K;
let b;
fileBrowser('calls', 'noc', (k, br) => { K = k; b = br; });

const exited = (s) => s.exitCode !== undefined;

// a SIPp UAS on the peer address (echoing RTP or silent) and a registered
// browser calling it; resolves { client, uas, callId } once confirmed
async function call(t, name, echo, cp) {
  const uas = startSipp(name, path.join(sippDir, 'uas-echo.xml'),
    ['-i', PEER_HOST, '-p', PEER_PORT, '-mp', '40000', ...(echo ? ['-rtp_echo'] : []), '-cp', String(cp), '-m', '1'],
    { logdir: LOGDIR, timeoutSec: 300, stopMs: 5000 });
  let client = null;
  // hang up before the peer goes, so no BYE is left for the next peer
  t.after(async () => {
    if (client) await client.hangup().catch(() => {});
    await uas.waitExit(5000);
    await uas.stop();
    if (client) await client.close();
  });
  await poll(() => exited(uas) || udpBound(Number(PEER_PORT)), { timeoutMs: STEP_MS, what: `SIPp ${name} on ${PEER_PORT}` });
  assert.ok(!exited(uas), `SIPp ${name} exited ${uas.exitCode} at start ${uas.spawnError || ''}; ${see(`sipp-${name}.out`)}`);
  client = await launchClient({ logDir: LOGDIR, name: `console-${name}` });
  const logs = [`browser-console-${name}.log`, `sipp-${name}.msg`, 'kamailio.log'];
  const r = await client.register(WSS_URL, `sip:caller@${DOMAIN}`, process.env.IWG_TEST_PASSWORD);
  assert.ok(r.ok && r.status === 200, `REGISTER failed: ${JSON.stringify(r)}; ${see(...logs)}`);
  const callId = await client.call(`sip:echo@${DOMAIN}`);
  assert.ok(callId, 'JsSIP gave a Call-ID');
  await client.waitState((s) => s.callState === 'confirmed', STEP_MS, 'call confirmed')
    .catch((e) => { throw new Error(`${e.message}; ${see(...logs)}`); });
  return { client, uas, callId, logs };
}

// the detail view's figure of one side ("browser" or "sip_peer")
const cell = (side, field) => b.page.locator(`main td[data-side="${side}"][data-field="${field}"]`).first();
const count = async (side) => Number((await cell(side, 'packets').innerText()).replace(/[^\d]/g, '')) || 0;

test('a browser call in the calls view: both legs\' codecs, packet counts rising, verdict ok', { timeout: 90000 }, async (t) => {
  const { client, uas, callId, logs } = await call(t, 'uas-echo', true, 8893);
  await show(b, '#/calls');
  const row = b.page.locator(`tr[data-call-id="${callId}"]`);
  await row.waitFor({ timeout: STEP_MS }).catch((e) => { throw new Error(`call ${callId} not listed: ${e.message}; ${see(...logs, 'admind.log')}`); });
  await poll(async () => /opus/i.test(await row.innerText()) && /PCMA/.test(await row.innerText()),
    { timeoutMs: STEP_MS, what: 'both codecs in the calls list' });
  await settled(b);
  assert.deepEqual(await axe(b), [], 'calls list: axe-core serious/critical violations');

  await row.getByRole('link').click();
  await b.page.locator('main table.legs').waitFor({ timeout: STEP_MS });
  await poll(async () => /opus/i.test(await cell('browser', 'codec').innerText()) && /PCMA/.test(await cell('sip_peer', 'codec').innerText()),
    { timeoutMs: STEP_MS, what: 'codec opus on the browser leg and PCMA on the SIP leg' });
  const first = { browser: await count('browser'), sip_peer: await count('sip_peer') };
  const later = await poll(async () => {
    const n = { browser: await count('browser'), sip_peer: await count('sip_peer') };
    return n.browser > first.browser && n.sip_peer > first.sip_peer ? n : false;
  }, { timeoutMs: STEP_MS, what: `packet counts of both legs to rise from ${JSON.stringify(first)}` });
  t.diagnostic(`packets ${JSON.stringify(first)} -> ${JSON.stringify(later)}`);
  assert.match(await cell('browser', 'dtls').innerText(), /fingerprint verified/);
  assert.match(await cell('browser', 'protocol').innerText(), /UDP\/TLS\/RTP\/SAVPF/);
  const verdict = b.page.locator('main section.verdict');
  await poll(async () => (await verdict.count()) && (await verdict.getAttribute('data-verdict')) === 'ok', { timeoutMs: STEP_MS, what: 'verdict ok' })
    .catch(async (e) => { throw new Error(`${e.message}: ${await verdict.innerText().catch(() => 'no verdict')}`); });
  assert.deepEqual(await axe(b), [], 'call detail: axe-core serious/critical violations');
  assert.deepEqual(await b.takeProblems(), [], `errors in the console page; ${see(path.basename(b.logFile))}`);

  // the registered browser is found by the registrations search
  await show(b, '#/registrations');
  await b.page.fill('#reg-user', 'caller');
  await b.page.click('main form.search button[type="submit"]');
  const reg = b.page.locator(`tr[data-aor*="caller"]`).first();
  await reg.waitFor({ timeout: STEP_MS });
  assert.match(await reg.innerText(), /JsSIP/, 'the contact shows its user agent');
  assert.match(await b.page.locator('main .summary').innerText(), /matching "caller"/);
  await show(b, `#/calls/${encodeURIComponent(callId)}`);
  await b.page.locator('main table.legs').waitFor({ timeout: STEP_MS });

  await client.hangup();
  await poll(() => exited(uas), { timeoutMs: STEP_MS, what: 'the SIPp peer to finish after BYE' });
  // the view says the call is over and stops asking (one 404 each for the
  // call and its verdict, which Chromium logs as failed loads)
  await b.page.locator('main .msg-info', { hasText: 'The call has ended' }).waitFor({ timeout: STEP_MS });
  const p = await b.takeProblems();
  assert.ok(p.length <= 2 && p.every((x) => /status of 404/.test(x)), `after the call ended: ${JSON.stringify(p)}`);
});

test('a SIP peer that sends no RTP: the one-way-audio verdict names it', { timeout: 90000 }, async (t) => {
  await show(b, '#/calls');
  await b.takeProblems();
  const { client, callId, logs } = await call(t, 'uas-silent', false, 8894);
  await show(b, `#/calls/${encodeURIComponent(callId)}`);
  const verdict = b.page.locator('main section.verdict');
  await poll(async () => (await verdict.count()) && (await verdict.getAttribute('data-verdict')) === 'one_way', { timeoutMs: 25000, what: 'verdict one_way' })
    .catch(async (e) => { throw new Error(`${e.message}: ${await verdict.innerText().catch(() => 'no verdict')}; ${see(...logs, 'admind.log')}`); });
  assert.match(await verdict.locator('h2').innerText(), /One-way audio/);
  const msg = await verdict.locator('.verdict-message').innerText();
  assert.match(msg, /SIP peer/i, `the verdict names the silent SIP peer: ${msg}`);
  assert.match(await verdict.locator('tr[data-from="sip_peer"]').innerText(), /\bno\b/, 'SIP peer → gateway: not flowing');
  assert.match(await verdict.locator('tr[data-from="browser"]').innerText(), /\byes\b/, 'browser → gateway: flowing');
  // the list flags it too
  await show(b, '#/calls');
  const badge = b.page.locator(`tr[data-call-id="${callId}"] [data-verdict]`);
  await poll(async () => (await badge.getAttribute('data-verdict')) === 'one_way', { timeoutMs: STEP_MS, what: 'one_way in the list' });
  assert.match(await b.page.locator('main .summary').innerText(), /1 with a media problem/);
  assert.deepEqual(await b.takeProblems(), [], `errors in the console page; ${see(path.basename(b.logFile))}`);
  await client.hangup();
});
