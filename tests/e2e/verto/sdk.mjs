// The real @signalwire/js 1.5.0 Verto client (bundled from node_modules by
// esbuild, unmodified) in headless Chromium against iwg_verto: login through
// the identity store, a call to a SIPp agent (183 then 200), audio both ways
// (getStats), DTMF, hold/unhold, blind transfer, the WebSocket dropped and the call
// re-attached (audio again, nothing seen by the agent), hang-up seen by the
// agent as BYE.
// Usage: node sdk.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, poll } from '../lib/browser.mjs';
import { tap } from '../../integration/verto/lib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '../../..');
const t = tap(Number(start));
const browserLog = path.join(logDir, 'browser-verto-sdk.log');
const logs = `${browserLog}, ${logDir}/kamailio.log, ${logDir}/sipp-sdk-*.log`;
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logs}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// the page bundle: the SDK's Verto class imported from the npm package
async function bundle() {
  const outfile = path.join(process.env.IWG_BUILD || path.join(top, 'build'), 'e2e', 'verto-sdk.bundle.js');
  const r = await esbuild.build({ entryPoints: [path.join(here, 'page', 'sdk-entry.js')], bundle: true,
    format: 'iife', platform: 'browser', target: 'chrome110', outfile, metafile: true, logLevel: 'silent' });
  return { outfile, inputs: Object.keys(r.metafile.inputs) };
}

function serve(bundlePath) {
  const files = { '/index.html': ['text/html', path.join(here, 'page', 'index.html')],
    '/verto-sdk.bundle.js': ['text/javascript', bundlePath] };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' }).end(fs.readFileSync(f[1]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// the contact center: SIPp cc-agent.xml; resolves with its exit code
function sipp(name, extra) {
  const args = ['-sf', `${sippDir}/cc-agent.xml`, '-i', '127.0.0.1', '-p', '5090',
    '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8893',
    '-nostdin', '-timeout', '60', '-timeout_error', '-trace_msg', '-trace_err',
    '-message_file', `${logDir}/sipp-${name}-messages.log`,
    '-error_file', `${logDir}/sipp-${name}-errors.log`, ...extra];
  const p = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return { proc: p, done: new Promise((resolve) => p.on('exit', (code) => resolve(code))) };
}

// the agent's media endpoint (127.0.0.1:41100, the SDP of the SIPp answers):
// counts RTP from rtpengine, records RFC 4733 events, and sends PCMA back to
// where rtpengine's packets come from, so the browser has inbound audio
const rtp = { packets: 0, events: [], lastTs: null, peer: null, sent: 0 };
const agent = dgram.createSocket('udp4');
agent.on('message', (b, rinfo) => {
  if (b.length < 12 || (b[0] >> 6) !== 2) return;
  rtp.packets += 1;
  rtp.peer = rtp.peer || rinfo;
  const off = 12 + 4 * (b[0] & 0x0f);
  if ((b[1] & 0x7f) !== 8 && b.length === off + 4 && b.readUInt32BE(4) !== rtp.lastTs) {
    rtp.lastTs = b.readUInt32BE(4);
    rtp.events.push(b[off]);
  }
});
await new Promise((r) => agent.bind(41100, '127.0.0.1', r));
let seq = 0;
const pcmaTimer = setInterval(() => {
  if (!rtp.peer) return;
  const p = Buffer.alloc(12 + 160, 0xd5);
  p[0] = 0x80; p[1] = 8;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 160) >>> 0, 4);
  p.writeUInt32BE(0x1a2b3c4d, 8);
  seq += 1;
  rtp.sent += 1;
  agent.send(p, rtp.peer.port, rtp.peer.address);
}, 20);

let context = null;
let server = null;
let profile = null;
let cc = null;
try {
  const b = await bundle();
  const sdkFiles = b.inputs.filter((f) => f.includes('node_modules/@signalwire/js/'));
  t.check(sdkFiles.some((f) => f.endsWith('node_modules/@signalwire/js/dist/esm/common/src/webrtc/BaseCall.js')),
    'esbuild bundles the Verto client from node_modules/@signalwire/js', `inputs: ${b.inputs.join(' ')}`);

  server = await serve(b.outfile);
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const page = context.pages()[0] || (await context.newPage());
  const log = fs.createWriteStream(browserLog, { flags: 'a' });
  page.on('console', (m) => log.write(`${new Date().toISOString()} [${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`${new Date().toISOString()} [pageerror] ${e.message}\n`));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => window.vt !== undefined, null, { timeout: 10000 });
  const vt = (fn, ...a) => page.evaluate(([f, args]) => window.vt[f](...args), [fn, a]);
  const events = () => page.evaluate(() => window.vt.events);
  const version = await page.evaluate(() => window.vt.version);
  t.check(version === '1.5.0', 'the page runs @signalwire/js 1.5.0', why(version));

  // login: the identity store maps paas:1008@cc.example (password 1234)
  await vt('connect', wsUrl, '1008@cc.example', '1234', { tenant: 'acme', customer_id: 'C-42' });
  const ready = await poll(async () => (await events()).find((e) => e.type === 'ready' || e.type === 'error'),
    { timeoutMs: 10000, what: 'signalwire.ready' }).catch((e) => ({ type: 'timeout', detail: e.message }));
  t.check(ready.type === 'ready' && ready.detail.sessid, 'the SDK logs in (signalwire.ready with a sessid)', why(ready));
  if (ready.type !== 'ready') throw new Error('login failed; nothing more to check');

  // the call: SIPp answers 183 with SDP, then 200
  cc = sipp('sdk', ['-set', 'hangup', 'browser']);
  const callID = await vt('call', '5000');
  const active = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 15000, what: 'call state active' })
    .catch(async () => vt('state'));
  const states = (await events()).filter((e) => e.type === 'callUpdate' && e.detail.id === callID).map((e) => e.detail.state);
  t.check(active === true, 'the call becomes active (183 then 200 from the agent)', why({ state: active, states }));
  const order = ['requesting', 'trying', 'early', 'active'].map((s) => states.indexOf(s));
  t.check(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
    'the SDK goes requesting, trying, early (verto.media), active (verto.answer)', why(states));

  // audio: the SDK's peer connection sends and receives, the agent hears it
  const st = await poll(async () => { const s = await vt('stats'); return s && s.sent >= 25 && s.received >= 25 ? s : false; },
    { timeoutMs: 10000, what: 'audio packets both ways' }).catch(async () => vt('stats'));
  t.check(st && st.sent >= 25, 'the browser sends audio (getStats outbound-rtp packetsSent)', why(st));
  t.check(st && st.received >= 25, 'the browser receives the agent\'s audio through rtpengine (getStats inbound-rtp packetsReceived)',
    why({ stats: st, agentSent: rtp.sent }));
  t.check(rtp.packets >= 25, 'the agent receives the browser\'s audio as plain RTP', why(rtp.packets));

  // call.dtmf -> RFC 4733 events toward the agent
  await vt('dtmf', '123');
  await poll(() => rtp.events.length >= 3, { timeoutMs: 5000, what: 'DTMF' }).catch(() => null);
  t.check(rtp.events.slice(0, 3).join(',') === '1,2,3', 'call.dtmf("123") reaches the agent as RFC 4733 events 1, 2, 3', why(rtp.events));

  // hold/unhold: the scenario checks the re-INVITEs (sendonly, sendrecv)
  await vt('hold');
  const held = await poll(async () => (await vt('state')) === 'held', { timeoutMs: 8000, what: 'held' }).catch(async () => vt('state'));
  t.check(held === true, 'call.hold() makes the call held', why(held));
  await vt('unhold');
  const resumed = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 8000, what: 'active' }).catch(async () => vt('state'));
  t.check(resumed === true, 'call.unhold() makes the call active again', why(resumed));

  // WebSocket lost mid-call: the SDK reconnects with its sessid, iwg sends
  // verto.attach with a fresh offer, the SDK answers with a new peer
  // connection; the agent sees no re-INVITE and no BYE (SIPp would fail)
  const before = await vt('stats');
  const nOpen = (await events()).filter((e) => e.type === 'socket.open').length;
  t.check(await vt('drop'), 'the page closes the SDK\'s WebSocket mid-call', 'no WebSocket');
  const reopened = await poll(async () => (await events()).filter((e) => e.type === 'socket.open').length > nOpen,
    { timeoutMs: 10000, what: 'reconnect' }).catch(() => false);
  t.check(reopened === true, 'the SDK reconnects after the loss', why(await events()));
  const back = await poll(async () => {
    const s = await vt('stats');
    return s && s.pc !== before.pc && s.sent >= 25 && s.received >= 25 && (await vt('state')) === 'active' ? s : false;
  }, { timeoutMs: 15000, what: 'audio after re-attach' }).catch(async () => ({ stats: await vt('stats'), state: await vt('state') }));
  t.check(back && back.pc && back.pc !== before.pc, 'iwg re-attaches the call (verto.attach): the SDK answers with a new peer connection, call active',
    why({ before, back }));
  t.check(back && back.sent >= 25 && back.received >= 25,
    'audio flows again both ways on the re-attached call (getStats packets of the new peer connection rise)', why(back));
  const agentBefore = rtp.packets;
  const agentRises = await poll(() => rtp.packets >= agentBefore + 25, { timeoutMs: 5000, what: 'agent RTP' }).catch(() => false);
  t.check(agentRises === true, 'the agent keeps receiving the browser\'s audio after the re-attach', why(rtp.packets - agentBefore));
  t.check(cc.proc.exitCode === null, 'the agent saw no BYE across the loss (SIPp still in the call)',
    `sipp exited ${cc.proc.exitCode}; see ${logDir}/sipp-sdk-messages.log`);

  // hang-up: the SDK sends verto.bye, the agent gets BYE
  await vt('hangup');
  const gone = await poll(async () => (await vt('state')) === 'destroy', { timeoutMs: 8000, what: 'destroy' })
    .catch(async () => vt('state'));
  t.check(gone === true, 'call.hangup() ends the call in the SDK (destroy)', why(gone));
  const code = await Promise.race([cc.done, sleep(15000).then(() => 'still running')]);
  t.check(code === 0, 'the agent saw INVITE with the mapped identity, hold and unhold re-INVITEs, then BYE and nothing else (SIPp ok)',
    `sipp exited ${code}; see ${logDir}/sipp-sdk-messages.log, ${logDir}/sipp-sdk-errors.log`);

  // blind transfer: call.transfer('6000') -> REFER toward the agent (the
  // scenario checks Refer-To and Referred-By), 202, NOTIFY with the sipfrag
  // SIP/2.0 200 OK -> verto.info to the SDK (a notification of type event
  // with msg {type transfer, status 200, final}), then the agent's BYE
  cc = sipp('sdk-transfer', ['-set', 'hangup', 'transfer']);
  const xferID = await vt('call', '5000');
  const up = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 15000, what: 'second call active' })
    .catch(async () => vt('state'));
  t.check(up === true, 'a second call becomes active', why(up));
  await vt('transfer', '6000');
  const outcome = await poll(async () => (await events()).find((e) => e.type === 'notification' &&
    e.detail.callID === xferID && e.detail.msg && e.detail.msg.type === 'transfer' && e.detail.msg.final),
  { timeoutMs: 10000, what: 'transfer outcome' }).catch(async () => (await events()).filter((e) => e.type === 'notification'));
  t.check(outcome && outcome.detail && outcome.detail.msg.status === 200,
    'call.transfer("6000"): the NOTIFY sipfrag 200 OK reaches the SDK as a notification (verto.info msg {type transfer, status 200})', why(outcome));
  const ended = await poll(async () => (await vt('state')) === 'destroy', { timeoutMs: 10000, what: 'destroy after transfer' })
    .catch(async () => vt('state'));
  t.check(ended === true, 'the agent\'s BYE after the transfer ends the call in the SDK (destroy)', why(ended));
  const xcode = await Promise.race([cc.done, sleep(15000).then(() => 'still running')]);
  t.check(xcode === 0, 'the agent got REFER with Refer-To <sip:6000@127.0.0.1:5090> and the mapped Referred-By; 202 and NOTIFY 200 sipfrag accepted (SIPp ok)',
    `sipp exited ${xcode}; see ${logDir}/sipp-sdk-transfer-messages.log, ${logDir}/sipp-sdk-transfer-errors.log`);

  const errors = (await events()).filter((e) => e.type === 'error');
  t.check(errors.length === 0, 'no signalwire.error during the session', why(errors));
  await vt('disconnect');
} catch (e) {
  t.check(false, 'Verto SDK test ran to the end', `${e.stack}; logs: ${logs}`);
}
clearInterval(pcmaTimer);
agent.close();
if (cc && cc.proc.exitCode === null) cc.proc.kill();
if (context) await context.close().catch(() => {});
if (server) server.close();
if (profile) fs.rmSync(profile, { recursive: true, force: true });
process.exit(t.failed ? 1 : 0);
