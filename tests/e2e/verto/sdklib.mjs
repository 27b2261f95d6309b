// Helpers of the tests that drive the real @signalwire/js 1.5.0 Verto client
// (tests/e2e/verto, tests/integration/verto/04-recovery): the page with the
// SDK bundled from node_modules by esbuild, SIPp runs, the agent's media
// endpoint (RTP counter, RFC 4733 decoder, PCMA sender) and SIPp's 3PCC twin
// (the command channel through which scenarios assert what the endpoint saw).
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '../../..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// the page bundle: the SDK's Verto class imported from the npm package;
// returns the bundle's path and the files esbuild took in
export async function bundle() {
  const outfile = path.join(process.env.IWG_BUILD || path.join(top, 'build'), 'e2e', 'verto-sdk.bundle.js');
  const r = await esbuild.build({ entryPoints: [path.join(here, 'page', 'sdk-entry.js')], bundle: true,
    format: 'iife', platform: 'browser', target: 'chrome110', outfile, metafile: true, logLevel: 'silent' });
  return { outfile, inputs: Object.keys(r.metafile.inputs) };
}

function serve(bundlePath) {
  const files = { '/index.html': ['text/html', path.join(here, 'page', 'index.html')],
    '/verto-sdk.bundle.js': ['text/javascript', bundlePath],
    // @iwg/verto-cc, the contact-center extension, as make web builds it
    '/verto-cc.js': ['text/javascript', path.join(process.env.IWG_BUILD || path.join(top, 'build'), 'web', 'verto-cc', 'verto-cc.js')] };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' }).end(fs.readFileSync(f[1]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// a fresh Chromium profile with the SDK page loaded; console lines go to
// logFile. Returns { page, vt(fn, ...args), events(), close() }: vt calls
// window.vt[fn] in the page (page/sdk-entry.js)
export async function openSdkPage(bundlePath, logFile) {
  const server = await serve(bundlePath);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  } catch (e) {
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] || (await context.newPage());
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  page.on('console', (m) => log.write(`${new Date().toISOString()} [${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`${new Date().toISOString()} [pageerror] ${e.message}\n`));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => window.vt !== undefined, null, { timeout: 10000 });
  let closed = false;
  return {
    page,
    vt: (fn, ...a) => page.evaluate(([f, args]) => window.vt[f](...args), [fn, a]),
    events: () => page.evaluate(() => window.vt.events),
    // closes the browser: its WebSockets go away without a verto.bye
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      server.close();
      fs.rmSync(profile, { recursive: true, force: true });
      log.end();
    },
  };
}

// one SIPp run: sipp(logDir, name, args) with -message_file/-error_file
// named after `name`; returns { proc, done (exit code), messages() }
// (CMD, when given, runs sipp: e.g. nsenter with its own arguments first)
export function sipp(logDir, name, args, cmd = 'sipp') {
  const all = [...args, '-nostdin', '-timeout', '60', '-timeout_error', '-trace_msg', '-trace_err',
    '-message_file', `${logDir}/sipp-${name}-messages.log`,
    '-error_file', `${logDir}/sipp-${name}-errors.log`];
  const err = fs.openSync(`${logDir}/sipp-${name}-stderr.log`, 'w');
  const p = spawn(cmd, all, { stdio: ['ignore', 'ignore', err] });
  fs.closeSync(err);
  return {
    proc: p,
    done: new Promise((resolve) => p.on('exit', (code) => resolve(code))),
    messages: () => { try { return fs.readFileSync(`${logDir}/sipp-${name}-messages.log`, 'utf8'); } catch { return ''; } },
  };
}

// waits for a SIPp run to end; its exit code, or 'still running' after ms
export async function sippEnd(run, ms = 15000) {
  return Promise.race([run.done, sleep(ms).then(() => 'still running')]);
}

// SIPp's 3PCC twin on 127.0.0.1:port: SIPp started with -3pcc 127.0.0.1:port
// and a scenario whose first twin command is a <sendCmd> connects here.
// Commands are header blocks ended by ESC (0x1b) keyed by Call-ID.
// onCommand(headers, reply) is called for each command SIPp sends (headers
// as a lower-case name -> value object); reply(callId, {name: value}) sends one.
export async function twinServer(port, onCommand) {
  const sockets = new Map(); // Call-ID -> the SIPp connection it came on
  const send = (callId, hdrs) => {
    const s = sockets.get(callId);
    if (!s) return false;
    const lines = [`Call-ID: ${callId}`, ...Object.entries(hdrs).map(([k, v]) => `${k}: ${v}`)];
    s.write(`${lines.join('\r\n')}\r\n\r\n\x1b`);
    return true;
  };
  const server = net.createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\x1b'); i >= 0; i = buf.indexOf('\x1b')) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const hdrs = {};
        for (const line of msg.split(/\r?\n/)) {
          const m = line.match(/^\s*([A-Za-z0-9-]+)\s*:\s*(.*?)\s*$/);
          if (m) hdrs[m[1].toLowerCase()] = m[2];
        }
        if (hdrs['call-id']) sockets.set(hdrs['call-id'], sock);
        onCommand(hdrs, send);
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  return { send, close: () => { for (const s of sockets.values()) s.destroy(); server.close(); } };
}

const DIGITS = '0123456789*#ABCD';

// the agent's media endpoint on 127.0.0.1:port (the SDP of the SIPp
// scenarios points there): counts RTP, decodes RFC 4733 events (one per
// event: its end packet, retransmissions ignored) and sends PCMA back to
// where rtpengine's packets come from (20 ms), so the browser hears the
// agent. onEvent(digit) is called for each finished event; close() ends it.
export async function agentMedia(port, onEvent = () => {}) {
  const rtp = { packets: 0, events: [], sent: 0, peer: null, lastEndTs: null };
  const sock = dgram.createSocket('udp4');
  sock.on('message', (b, rinfo) => {
    if (b.length < 12 || (b[0] >> 6) !== 2) return;
    rtp.packets += 1;
    rtp.peer = rinfo;
    const pt = b[1] & 0x7f;
    const off = 12 + 4 * (b[0] & 0x0f);
    if (pt === 8 || pt === 0 || b.length !== off + 4) return;
    const ts = b.readUInt32BE(4);
    if ((b[off + 1] & 0x80) === 0 || ts === rtp.lastEndTs) return;
    rtp.lastEndTs = ts;
    const digit = DIGITS[b[off]] || `event-${b[off]}`;
    rtp.events.push(digit);
    onEvent(digit);
  });
  await new Promise((r) => sock.bind(port, '127.0.0.1', r));
  let seq = 0;
  const timer = setInterval(() => {
    if (!rtp.peer) return;
    const p = Buffer.alloc(12 + 160, 0xd5);
    p[0] = 0x80; p[1] = 8;
    p.writeUInt16BE(seq & 0xffff, 2);
    p.writeUInt32BE((seq * 160) >>> 0, 4);
    p.writeUInt32BE(0x1a2b3c4d, 8);
    seq += 1;
    rtp.sent += 1;
    sock.send(p, rtp.peer.port, rtp.peer.address);
  }, 20);
  let open = true;
  rtp.close = () => { // once or more
    clearInterval(timer);
    if (open) sock.close();
    open = false;
  };
  return rtp;
}
