// Headless Chromium (Debian's /usr/bin/chromium through playwright-core) with
// the page client loaded, wrapped for tests. Flags: docs/architecture.md, "Platform facts".
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { bundleClient, pageDir } from './bundle.mjs';

export const CHROMIUM = process.env.IWG_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--ignore-certificate-errors',
  '--allow-loopback-in-peer-connection',
];

// poll fn (sync or async) every intervalMs until it returns a truthy value;
// returns that value, or throws "timed out after N ms waiting for WHAT
// (last: ...)" including the last value or error seen
export async function poll(fn, { timeoutMs = 10000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = `error: ${e.message}`;
    }
    if (Date.now() >= deadline) {
      const shown = typeof last === 'string' ? last : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${shown})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function serve(bundlePath) {
  const files = {
    '/': ['text/html', path.join(pageDir, 'index.html')],
    '/index.html': ['text/html', path.join(pageDir, 'index.html')],
    '/client.bundle.js': ['text/javascript', bundlePath],
  };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end(); return; }
    fs.readFile(f[1], (err, body) => {
      if (err) { res.writeHead(500).end(String(err)); return; }
      res.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' }).end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// launchClient({ logDir, name }): a fresh Chromium profile with the page
// loaded; console lines go to <logDir>/browser-<name>.log
export async function launchClient({ logDir, name = 'client' } = {}) {
  logDir = logDir || process.env.IWG_LOGDIR || os.tmpdir();
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `browser-${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const line = (s) => log.write(`${new Date().toISOString()} ${s}\n`);

  const bundlePath = await bundleClient();
  const server = await serve(bundlePath);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
  } catch (e) {
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
    line(`launch failed: ${e.message}`);
    log.end();
    throw new Error(`could not launch ${CHROMIUM} through playwright-core: ${e.message.split('\n')[0]} (log: ${logFile})`);
  }
  const page = context.pages()[0] || (await context.newPage());
  // JsSIP's debug output carries %c colour directives: keep the text only
  const plain = (t) => (t.includes('%c') ? t.replace(/%c/g, '').replace(/ ?color: (#[0-9A-Fa-f]{6}|inherit)/g, '') : t);
  page.on('console', (m) => line(`[${m.type()}] ${plain(m.text())}`));
  page.on('pageerror', (e) => line(`[pageerror] ${e.message}`));
  page.on('crash', () => line('[crash] page crashed'));
  const url = `http://127.0.0.1:${server.address().port}/index.html?debug`;
  line(`loading ${url} in ${CHROMIUM} (${context.browser() ? context.browser().version() : 'persistent context'})`);
  await page.goto(url);
  await page.waitForFunction(() => window.iwg !== undefined, null, { timeout: 10000 });

  const call = (fn, ...args) => page.evaluate(([f, a]) => window.iwg[f](...a), [fn, args]);
  let closed = false;
  const client = {
    page,
    logFile,
    log: line,
    register: (wsUrl, uri, password, extraHeaders = []) => call('register', wsUrl, uri, password || null, extraHeaders),
    call: (target) => call('call', target),
    answerNext: () => call('answerNext'),
    hangup: () => call('hangup'),
    stats: () => call('stats'),
    state: () => call('state'),
    events: () => page.evaluate(() => window.iwg.events),
    // polls predicate(client) until truthy; what names the condition in errors
    waitFor: (predicate, timeoutMs = 10000, what = 'condition') =>
      poll(() => predicate(client), { timeoutMs, what }),
    // polls state() until pred(state) holds; returns that state
    waitState: (pred, timeoutMs = 10000, what = 'call state') =>
      poll(async () => { const s = await client.state(); return pred(s) ? s : false; }, { timeoutMs, what }),
    // polls stats() until pred(stats) holds; returns those stats
    waitStats: (pred, timeoutMs = 10000, what = 'media stats') => {
      let last = null;
      return poll(async () => { last = await client.stats(); return pred(last) ? last : false; }, { timeoutMs, what })
        .catch((e) => { throw new Error(`${e.message.replace(/ \(last: .*\)$/, '')} (last stats: ${JSON.stringify(last)})`); });
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await page.evaluate(() => window.iwg.stop());
      } catch (e) {
        line(`stop failed: ${e.message}`);
      }
      await context.close().catch(() => {});
      server.close();
      fs.rmSync(profile, { recursive: true, force: true });
      line('closed');
      await new Promise((r) => log.end(r));
    },
  };
  return client;
}
