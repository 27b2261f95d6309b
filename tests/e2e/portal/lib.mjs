// Helpers of the portal suite: the stack's addresses and keys, Chromium
// pages that record console errors and CSP violations, RTCPeerConnection
// statistics of a page, and a SIPp UAS peer.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, poll } from '../lib/browser.mjs';
import { startSipp, udpBound } from '../../lib/sipp.mjs';

export { poll };
export const here = path.dirname(fileURLToPath(import.meta.url));
export const top = path.resolve(here, '../../..');
const env = (k, d) => process.env[k] || d;
export const ADMIN_URL = env('IWG_ADMIN_URL', 'http://127.0.0.1:8088');
export const PORTAL_URL = `${ADMIN_URL}/portal/`;
export const WSS_URL = env('IWG_WSS_URL', 'wss://127.0.0.1:8443');
export const DOMAIN = env('IWG_DOMAIN', 'iwg.test');
export const PEER_ADDR = env('IWG_PEER_ADDR', '127.0.0.1:5090');
export const LOGDIR = env('IWG_LOGDIR', fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-portal-')));
export const STEP_MS = 15000; // bound of every wait (polling, never a sleep)
export const PAGES = ['index.html', 'getting-started.html', 'sdk.html', 'rest.html', 'try.html'];
export const see = (...names) => `see ${names.map((n) => path.join(LOGDIR, n)).join(', ')}`;

// why the stack is not there (test.sh sets IWG_STACK_ERROR), or null
export const stackError = () => process.env.IWG_STACK_ERROR || null;

// the API key of role from run/admind/keys ("ROLE KEY" lines)
export function apiKey(role) {
  const file = path.join(env('IWG_RUN', path.join(top, 'build/test-runs/portal')), 'admind/keys');
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${role} `));
  if (!line) throw new Error(`no ${role} key in ${file}`);
  return line.slice(role.length + 1).trim();
}

// one Chromium for the suite file; newPage() gives a page whose problems
// (console errors, page errors, CSP violations, failed requests) are kept
// in page.problems and logged to <LOGDIR>/browser-<name>.log
export async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  return {
    browser,
    async newPage(name) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const log = fs.createWriteStream(path.join(LOGDIR, `browser-${name}.log`), { flags: 'a' });
      const line = (s) => log.write(`${new Date().toISOString()} ${s}\n`);
      page.problems = [];
      page.on('console', (m) => {
        line(`[${m.type()}] ${m.text()}`);
        if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => { line(`[pageerror] ${e.message}`); page.problems.push(`page error: ${e.message}`); });
      page.on('requestfailed', (r) => line(`[requestfailed] ${r.url()} ${r.failure() && r.failure().errorText}`));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
        });
        // every RTCPeerConnection of the page, for statistics
        const Native = window.RTCPeerConnection;
        if (Native) {
          window.__pcs = [];
          window.RTCPeerConnection = function RTCPeerConnection(...a) {
            const pc = new Native(...a);
            window.__pcs.push(pc);
            return pc;
          };
          window.RTCPeerConnection.prototype = Native.prototype;
          Object.setPrototypeOf(window.RTCPeerConnection, Native);
        }
      });
      page.closeAll = async () => { await context.close().catch(() => {}); await new Promise((r) => log.end(r)); };
      page.logName = `browser-${name}.log`;
      return page;
    },
    close: () => browser.close().catch(() => {}),
  };
}

// audio RTP of the page's peer connections: { inbound, outbound, dtls }
export function pageRtp(page) {
  return page.evaluate(async () => {
    const r = { pcs: (window.__pcs || []).length, inbound: 0, outbound: 0, dtls: null };
    for (const pc of window.__pcs || []) {
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') r.inbound += s.packetsReceived || 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') r.outbound += s.packetsSent || 0;
        if (s.type === 'transport') r.dtls = s.dtlsState;
      });
    }
    return r;
  });
}

// waits until the page's audio flows both ways; returns the figures
export async function waitMediaFlowing(page, logs) {
  let last = null;
  try {
    return await poll(async () => {
      last = await pageRtp(page);
      return last.inbound > 0 && last.outbound > 0 ? last : false;
    }, { timeoutMs: STEP_MS, what: 'audio RTP packets sent and received (getStats)' });
  } catch (e) {
    throw new Error(`${e.message.replace(/ \(last: .*$/, '')}: last ${JSON.stringify(last)}; ${see(...logs)}`);
  }
}

// a SIPp UAS answering one call on PEER_ADDR and echoing RTP
// (tests/e2e/sipp/uas-echo.xml, tests/lib/sipp.mjs); files <LOGDIR>/sipp-<name>.*; resolves
// once it listens. uas.waitExit(ms) -> exit status or null; uas.stop()
export async function startUas(name, mediaPort) {
  const [host, port] = [PEER_ADDR.slice(0, PEER_ADDR.lastIndexOf(':')), Number(PEER_ADDR.split(':').pop())];
  const uas = startSipp(name, path.join(top, 'tests/e2e/sipp/uas-echo.xml'), ['-i', host, '-p', String(port),
    '-mp', String(mediaPort), '-rtp_echo', '-cp', String(mediaPort + 50), '-m', '1'], { logdir: LOGDIR, timeoutSec: 120 });
  await poll(() => uas.exitCode !== undefined || udpBound(port), { timeoutMs: STEP_MS, what: `SIPp UAS on ${PEER_ADDR}` });
  if (uas.exitCode !== undefined) throw new Error(`SIPp UAS exited ${uas.exitCode} at start ${uas.spawnError || ''}; ${see(...uas.logs)}`);
  return uas;
}
