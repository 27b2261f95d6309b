// iwg_verto under a connection flood: thousands of unauthenticated
// WebSocket connections from a few source addresses (swarm.mjs, a process
// of its own: raw clients of tests/lib/wsload.mjs, each slot reconnecting
// once closed) while the real
// @signalwire/js SDK in Chromium logs in, calls the contact center (SIPp
// cc-agent.xml) and answers a call from it (cc-call-answer.xml).
//   idle     127.0.0.2..7, IDLE_SLOTS each: upgrade, then nothing
//   slow     127.0.0.8: a frame header announcing 65,000 bytes, 40 KiB of it
//            at once, then 1 KiB every 250 ms (the frame never completes)
//   fragment 127.0.0.9: a text frame without FIN (16 KiB), then
//            continuation frames without FIN, 4 KiB every 250 ms
// Asserted: the SDK's call both ways; a logged-in connection whose messages
// arrive in pieces is answered and stays open; per address at most MAX_PER_IP open
// at once and the surplus refused before the upgrade (client count and
// verto:conns_refused_ip); idle connections closed 1008 by the login
// deadline (verto:login_timeouts); partial frames closed 1008 once the
// global bound is reached (verto:memory_refused); the WebSocket process's
// RSS stays under its baseline + max_pending_bytes + a margin per open
// connection (lws's own per-connection state, not in the bound).
// Usage: node flood.mjs TAP_START LOGDIR WS_URL SIPP_DIR WS_PID MAX_PER_IP PENDING_BYTES
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import { poll } from '../../../e2e/lib/browser.mjs';
import { agentMedia, bundle, openSdkPage, sipp, sippEnd } from '../../../e2e/verto/sdklib.mjs';
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameHeader, kamRpc, loginParams, maskBytes, vertoStats, wsConnect } from '../../../lib/wsload.mjs';
import { tap } from '../lib.mjs';

const [start, logDir, wsUrl, sippDir, wsPidArg, maxPerIpArg, pendingArg] = process.argv.slice(2);
const t = tap(Number(start));
const wsPid = Number(wsPidArg);
const MAX_PER_IP = Number(maxPerIpArg);
const PENDING = Number(pendingArg);
const IDLE_SLOTS = Number(process.env.FLOOD_IDLE_SLOTS || 400);
const IDLE_ADDRS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'];
const SLOW_ADDR = '127.0.0.8';
const FRAG_ADDR = '127.0.0.9';
const MARGIN_PER_CONN = 16 * 1024; // lws per-connection state, not in the bound
const MARGIN_FIXED = 16 * 1024 * 1024;
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 900)}; logs: ${logDir} (kamailio.log, browser-flood.log, sipp-flood-*)`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${wsPid}/status`, 'utf8'))?.[1] || 0);

const rss = { base: 0, max: 0, samples: 0 };
let sdk = null;
// the flood: swarm.mjs in a process of its own; live = its open connections
const here = path.dirname(fileURLToPath(import.meta.url));
const addrs = [...IDLE_ADDRS, SLOW_ADDR, FRAG_ADDR];
let swarm = null;
let live = 0;
let slotsTotal = 0;
try {
  const s0 = await vertoStats();
  rss.base = rssKb();
  t.check(rss.base > 0 && typeof s0.conns_refused_ip === 'number' && typeof s0.login_timeouts === 'number'
    && typeof s0.memory_refused === 'number',
  'the WebSocket process is found and verto:conns_refused_ip, login_timeouts, memory_refused exist', why({ wsPid, rss, s0 }));
  const sampler = setInterval(() => { rss.max = Math.max(rss.max, rssKb()); rss.samples += 1; }, 200);

  swarm = fork(path.join(here, 'swarm.mjs'), [wsUrl, String(MAX_PER_IP), String(IDLE_SLOTS)],
    { stdio: ['ignore', 'ignore', fs.openSync(`${logDir}/swarm.log`, 'w'), 'ipc'] });
  const perDone = new Promise((resolve) => swarm.on('message', (m) => {
    if (m.live !== undefined) { live = m.live; slotsTotal = m.slots; }
    if (m.per) resolve(m.per);
  }));
  const swarmExit = new Promise((resolve) => swarm.on('exit', (code) => resolve(code)));
  const full = await poll(() => live >= MAX_PER_IP * IDLE_ADDRS.length * 0.9 || null,
    { timeoutMs: 20000, what: 'the flood open' }).then(() => live).catch(() => live);
  t.check(full >= MAX_PER_IP * IDLE_ADDRS.length * 0.9,
    `the flood is on: ${full} connections open (${slotsTotal} slots from ${addrs.length} addresses)`, why({ live }));

  // ---- the real SDK user, meanwhile ----
  const agent = await agentMedia(41100);
  const b = await bundle();
  sdk = await openSdkPage(b.outfile, `${logDir}/browser-flood.log`);
  const { vt, events } = sdk;
  await vt('connect', wsUrl, '1008@cc.example', '1234', { tenant: 'acme' });
  const ready = await poll(async () => (await events()).find((e) => e.type === 'ready' || e.type === 'error'),
    { timeoutMs: 15000, what: 'signalwire.ready' }).catch((e) => ({ type: 'timeout', detail: e.message }));
  t.check(ready.type === 'ready', `during the flood (${live} open) the SDK logs in as 1008@cc.example`, why(ready));
  if (ready.type !== 'ready') throw new Error('login failed; nothing more to check');

  // a call to the contact center, answered by the agent, who hangs up
  const cc = sipp(logDir, 'flood-agent', ['-sf', `${sippDir}/cc-agent.xml`, '-set', 'hangup', 'agent',
    '-i', '127.0.0.1', '-p', '5090', '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100',
    '-m', '1', '-cp', '8893']);
  const callID = await vt('call', '5000');
  // states from the SDK's event history (polling the state could miss a short call)
  const reached = (id, state, ms) => poll(async () => (await events()).some((e) => e.type === 'callUpdate'
    && e.detail.id === id && e.detail.state === state), { timeoutMs: ms, what: `call ${state}` })
    .catch(async () => (await events()).filter((e) => e.type === 'callUpdate' && e.detail.id === id).map((e) => e.detail.state));
  const active = await reached(callID, 'active', 15000);
  const heard = await poll(() => agent.packets >= 10, { timeoutMs: 8000, what: 'agent RTP' }).catch(() => false);
  const ended = await reached(callID, 'destroy', 15000);
  const code = await sippEnd(cc, 15000);
  t.check(active === true && heard === true && ended === true && code === 0,
    `during the flood the SDK's call to the contact center is answered, the agent hears it, the agent hangs up (SIPp ok; ${live} open)`,
    why({ callID, active, heard, agentPackets: agent.packets, ended, sipp: code }));

  // a call from the contact center to the logged-in user, answered
  const uac = sipp(logDir, 'flood-answer', ['127.0.0.1:5060', '-sf', `${sippDir}/cc-call-answer.xml`, '-s', '1008',
    '-i', '127.0.0.1', '-p', '5091', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8894', '-d', '2000']);
  const rang = await poll(async () => vt('ringing'), { timeoutMs: 15000, what: 'an incoming call' }).catch(() => null);
  if (rang) await vt('answer');
  const inActive = rang && await reached(rang, 'active', 10000);
  const inCode = await sippEnd(uac, 20000);
  t.check(!!rang && inActive === true && inCode === 0,
    `during the flood a call from the contact center rings the SDK user, is answered and hung up by the agent (SIPp ok; ${live} open)`,
    why({ rang, inActive, sipp: inCode }));
  await vt('disconnect');
  agent.close();

  // a logged-in connection whose messages arrive in pieces (a fragmented
  // frame, as a large SDP may) while the flood's partial frames press on
  // the shared bound: its messages are answered, it is never closed
  const raw = await wsConnect({ url: wsUrl, localAddress: '127.0.0.1' });
  const rl = raw.upgraded ? await raw.request('login', loginParams('1008@cc.example', '1234'), 10000) : null;
  const pieces = [];
  for (let i = 0; i < 10 && rl?.result?.sessid; i++) {
    const id = `frag-${i}`;
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method: 'verto.unknown',
      params: { sessid: rl.result.sessid, pad: 'x'.repeat(12000) } }));
    const half = 6000;
    const f1 = frameHeader(0x1, half, false);
    const f2 = frameHeader(0x0, body.length - half, true);
    raw.sendRaw(Buffer.concat([f1.header, maskBytes(body.subarray(0, half), f1.mask)]));
    await sleep(100);
    raw.sendRaw(Buffer.concat([f2.header, maskBytes(body.subarray(half), f2.mask)]));
    const reply = await raw.waitFor((m) => m.id === id, 5000);
    const limits = await kamRpc('verto.limits');
    pieces.push({ i, answered: !!reply, closed: raw.closeInfo, pending: limits?.pending_bytes ?? limits?.[0]?.pending_bytes });
    if (!reply) break;
    await sleep(200);
  }
  t.check(rl?.result?.sessid && pieces.length === 10 && pieces.every((p) => p.answered) && !raw.closeInfo,
    `during the flood a logged-in connection's fragmented 12 KiB messages are answered, 10 of 10, and it stays open (${live} open)`,
    why({ login: rl, pieces }));
  raw.close();

  // ---- the flood's fate ----
  swarm.send({ cmd: 'stop' });
  const per = await Promise.race([perDone, swarmExit.then((code) => { throw new Error(`swarm.mjs exited ${code} (${logDir}/swarm.log)`); }),
    sleep(20000).then(() => { throw new Error('swarm.mjs did not stop within 20 s'); })]);
  clearInterval(sampler);
  // the statistics are a snapshot (up to 1 s old): polled until they hold
  // what the clients saw, at most 5 s
  const idle1008Seen = IDLE_ADDRS.reduce((n, a) => n + (per[a].closes[1008] || 0), 0);
  const stats = await poll(async () => {
    const s = await vertoStats();
    const refusedClient = Object.values(per).reduce((n, p) => n + p.refused, 0);
    return s.conns_refused_ip - s0.conns_refused_ip >= refusedClient
      && s.login_timeouts - s0.login_timeouts >= idle1008Seen ? s : null;
  }, { timeoutMs: 5000, what: 'statistics' }).catch(async () => vertoStats());
  const d = (k) => (stats[k] || 0) - (s0[k] || 0);
  const idle = IDLE_ADDRS.map((a) => per[a]);
  const sum = (xs, k) => xs.reduce((n, p) => n + p[k], 0);
  const maxOpen = Math.max(...addrs.map((a) => per[a].maxOpen));
  console.log(`# flood per address: ${JSON.stringify(per)}`);
  t.check(maxOpen <= MAX_PER_IP && idle.every((p) => p.maxOpen === MAX_PER_IP),
    `max_conns_per_ip (${MAX_PER_IP}) open from each idle address when the flood starts, never more (until a first close)`, why(per));
  t.check(idle.every((p) => p.refused > 0) && sum(idle, 'errors') === 0,
    `the surplus of each idle address is refused before the upgrade (${sum(idle, 'refused')} refused, no other failure)`, why(per));
  const refusedAll = sum(Object.values(per), 'refused');
  t.check(d('conns_refused_ip') >= refusedAll && refusedAll > 0,
    `verto:conns_refused_ip rose by at least the refusals the clients saw (${d('conns_refused_ip')} >= ${refusedAll})`, why({ s0, stats }));
  const idleCloses = idle.reduce((o, p) => { for (const [k, v] of Object.entries(p.closes)) o[k] = (o[k] || 0) + v; return o; }, {});
  const idle1008 = idleCloses[1008] || 0;
  t.check(idle1008 >= MAX_PER_IP * IDLE_ADDRS.length && Object.keys(idleCloses).every((k) => k === '1008' || k === 'ours'),
    `idle connections are closed by the server with 1008 (login deadline): ${idle1008}, no other close code`, why(idleCloses));
  t.check(d('login_timeouts') >= idle1008,
    `verto:login_timeouts counts them (${d('login_timeouts')} >= ${idle1008})`, why({ s0, stats }));
  const partial = [per[SLOW_ADDR], per[FRAG_ADDR]];
  const pc = partial.map((p) => p.closes);
  // 1006: the server closed while this client was still trickling bytes;
  // the kernel then resets the connection and may drop the close frame
  // before it is read (unread data at close means RST, not FIN)
  t.check(partial.every((p) => (p.closes[1008] || 0) > 0 && Object.keys(p.closes).every((k) => ['1008', '1006', 'ours'].includes(k))),
    'connections holding partial frames are closed by the server with 1008 (or reset while still sending), never 1000', why(pc));
  t.check(d('memory_refused') > 0,
    `verto:memory_refused rose (${d('memory_refused')}): ${MAX_PER_IP} x 40 KiB of partial frames pass max_pending_bytes ${PENDING}`,
    why({ s0, stats }));
  const maxConn = Object.values(per).reduce((n, p) => n + p.maxOpenLater, 0);
  const boundKb = rss.base + (PENDING + MARGIN_FIXED + maxConn * MARGIN_PER_CONN) / 1024;
  console.log(`# RSS of the WebSocket process: base ${rss.base} kB, max ${rss.max} kB (${rss.samples} samples), bound ${Math.round(boundKb)} kB`);
  t.check(rss.samples > 10 && rss.max <= boundKb,
    `the WebSocket process's RSS stays under base + max_pending_bytes + 16 MiB + 16 KiB per open connection (max ${rss.max} kB <= ${Math.round(boundKb)} kB)`,
    why(rss));
} catch (e) {
  t.check(false, 'flood test ran to the end', e.stack);
}
if (swarm && swarm.exitCode === null) swarm.kill();
if (sdk) await sdk.close();
process.exit(t.failed ? 1 : 0);
