// Shared parts of the iwg.js suite: the one Chromium page with the SDK
// loaded (served by a small static server: the page and harness of
// page/, the bundles of build/web/sdk/ under /sdk/), the suite's Kamailio
// per credential kind (kamailio.sh), SIPp peers and RTP sinks.
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, poll } from '../lib/browser.mjs';
import { rpc } from '../../integration/ims/lib/harness.mjs';
import { startSipp as startSippIn, sippReceived, udpBound } from '../../lib/sipp.mjs';

export { poll, sippReceived, udpBound, rpc };
export const here = path.dirname(fileURLToPath(import.meta.url));
export const top = path.resolve(here, '../../..');
export const BUILD = process.env.IWG_BUILD || path.join(top, 'build');
export const SDK_DIR = path.join(BUILD, 'web', 'sdk');
export const LOGDIR = process.env.IWG_LOGDIR || fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-sdk-'));
export const RUN = process.env.IWG_RUN;
export const WSS_URL = process.env.IWG_WSS_URL || 'wss://127.0.0.1:8443';
export const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
export const DOMAIN = process.env.IWG_DOMAIN || 'iwg.test';
export const PASSWORD = process.env.IWG_TEST_PASSWORD;
export const STEP = 15000; // bound of every wait (polling)

// "see <logdir>/a, ..." for failure messages
export const see = (...f) => `see ${f.map((x) => path.join(LOGDIR, x)).join(', ')}`;

// ---------------------------------------------------------------- page

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.ts': 'text/plain' };

// serves page/ at / and build/web/sdk/ at /sdk/
function serve() {
  const server = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const file = p.startsWith('/sdk/') ? path.join(SDK_DIR, path.basename(p))
      : path.join(here, 'page', p === '/' ? 'index.html' : path.basename(p));
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let browser = null;

// the suite's page (Chromium launched on first use); page.t(fn, ...args)
// runs window.t[fn](...args) in the page
export async function page() {
  if (browser) return browser.page;
  const logFile = path.join(LOGDIR, 'browser.log');
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const line = (s) => log.write(`${new Date().toISOString()} ${s}\n`);
  const server = await serve();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-sdk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
    .catch((e) => { throw new Error(`cannot launch ${CHROMIUM}: ${e.message.split('\n')[0]}`); });
  const pg = context.pages()[0] || (await context.newPage());
  const errors = [];
  pg.on('console', (m) => line(`[${m.type()}] ${m.text()}`));
  pg.on('pageerror', (e) => { errors.push(e.message); line(`[pageerror] ${e.message}`); });
  pg.on('requestfailed', (r) => line(`[requestfailed] ${r.url()}`));
  const requests = [];
  const websockets = [];
  pg.on('request', (r) => requests.push(r.url()));
  pg.on('websocket', (ws) => websockets.push(ws.url()));
  await pg.goto(`http://127.0.0.1:${server.address().port}/`);
  await pg.waitForFunction(() => window.t !== undefined && window.IWG !== undefined, null, { timeout: 10000 });
  pg.t = (fn, ...args) => pg.evaluate(([f, a]) => window.t[f](...a), [fn, args]);
  pg.errors = errors;
  pg.requests = requests;
  pg.websockets = websockets;
  pg.logFile = logFile;
  browser = { page: pg, context, server, profile, log };
  return pg;
}

export async function closePage() {
  if (!browser) return;
  const b = browser;
  browser = null;
  await b.context.close().catch(() => {});
  b.server.close();
  fs.rmSync(b.profile, { recursive: true, force: true });
  await new Promise((r) => b.log.end(r));
}

// polls the page's recorded events of name until one of type (matching
// pred) is there; returns it
export async function waitEvent(pg, name, type, pred = () => true, what = null) {
  let evs = [];
  try {
    return await poll(async () => {
      evs = await pg.t('events', name);
      return evs.find((e) => e.type === type && pred(e.detail));
    }, { timeoutMs: STEP, what: what || `"${type}" of ${name}` });
  } catch (e) {
    throw new Error(`${e.message.replace(/ \(last: .*$/, '')}; events of ${name}: ${evs.map((x) => x.type).join(', ') || 'none'}; ${see('browser.log', 'kamailio.log')}`);
  }
}

// ---------------------------------------------------------------- Kamailio

let kam = null; // { kind, proc, done }

function tcpOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

// the gateway's Kamailio with credential kind (digest, ephemeral, token),
// restarted when another kind runs; resolves once its listeners are up
export async function useKamailio(kind) {
  if (kam && kam.kind === kind && kam.exit === undefined) return;
  await stopKamailio();
  const log = path.join(LOGDIR, 'kamailio.log');
  const out = fs.openSync(log, 'a');
  fs.writeSync(out, `\n==== kamailio with ${kind} credentials ====\n`);
  const proc = spawn('bash', [path.join(here, 'kamailio.sh'), kind], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const k = { kind, proc };
  k.done = new Promise((r) => proc.on('exit', (code, sig) => { k.exit = code === null ? sig : code; r(); }));
  kam = k;
  await poll(async () => k.exit !== undefined || (udpBound(5060) && (await tcpOpen(8443)) && (await tcpOpen(8080))),
    { timeoutMs: 20000, what: `kamailio (${kind}) listening on 5060, 8080, 8443` })
    .catch((e) => { throw new Error(`${e.message}; ${see('kamailio.log')}`); });
  if (k.exit !== undefined) throw new Error(`kamailio with ${kind} credentials exited (${k.exit}) at start; ${see('kamailio.log', `kamailio-${kind}-check.log`)}`);
}

export async function stopKamailio() {
  if (!kam) return;
  const k = kam;
  kam = null;
  if (k.exit !== undefined) return;
  k.proc.kill('SIGTERM');
  const late = setTimeout(() => k.proc.kill('SIGKILL'), 10000);
  await k.done;
  clearTimeout(late);
  // the next one binds the same ports
  await poll(() => !udpBound(5060), { timeoutMs: 10000, what: 'port 5060 free after kamailio stopped' });
}

// ---------------------------------------------------------------- SIPp

let cport = 8950;

// startSipp(name, scenario, args): SIPp with a scenario of sipp/ (or of
// tests/e2e/sipp when given as ../sipp/x.xml), its own control port,
// -timeout 300; its messages in <LOGDIR>/sipp-<name>.msg. Returns { msg,
// exitCode, done, waitExit(ms), stop(), received(method) } (tests/lib/sipp.mjs).
export function startSipp(name, scenario, args) {
  return startSippIn(name, path.resolve(here, 'sipp', scenario), [...args, '-cp', String(cport++)],
    { logdir: LOGDIR, timeoutSec: 300, stopMs: 3000 });
}

// a SIPp UAS on the gateway's peer address (127.0.0.1:5090), ready
export async function startPeer(name, scenario, args) {
  await poll(() => !udpBound(5090), { timeoutMs: STEP, what: 'port 5090 free for the next SIPp peer' });
  const s = startSipp(name, scenario, ['-i', '127.0.0.1', '-p', '5090', ...args]);
  await poll(() => s.exitCode !== undefined || udpBound(5090), { timeoutMs: STEP, what: `SIPp ${name} on 5090` });
  if (s.exitCode !== undefined) throw new Error(`SIPp ${name} exited ${s.exitCode} at start; ${see(...s.logs)}`);
  return s;
}

// ---------------------------------------------------------------- credentials

// digest credential of a test user of the stack
export const digest = (user) => ({ kind: 'digest', uri: `sip:${user}@${DOMAIN}`, password: PASSWORD });
