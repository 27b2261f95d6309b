// make bench, verto scale (scale.sh): iwg_verto with many sessions and
// under hostile connections, driven by raw WebSocket clients
// (tests/lib/wsload.mjs; they answer pings as browsers do).
//
//   node scale.mjs sessions URL KAM_PID WS_PID OUT_JSON
//     10 sessions, then WARMUP + CALLS calls (ROUNDS times) through 8 of
//     them; then SESSIONS more logins (BENCH_SCALE_ADDRS source addresses
//     127.0.1.x, at most 200 each), then the same calls again. Kamailio CPU
//     is the run time of every thread of the main process and its children
//     (/proc/PID/task/*/schedstat, ns), read around each run of CALLS;
//     also the idle CPU of the sessions alone (same length, no calls).
//   node scale.mjs hostile URL KAM_PID WS_PID OUT_JSON
//     LOGINS logins one after the other (each a new connection, upgrade,
//     login, close; a user of its own) with no other connection, then
//     HOSTILE unauthenticated connections from 127.0.2.x (200 per address;
//     three quarters idle, a quarter trickling a frame that never ends;
//     each reconnects when closed) and the same LOGINS logins among them.
// Users: bench<N>@bench.example, password "bench" (scale.sh provisions
// them). Settings from the environment (scale.sh): BENCH_SCALE_SESSIONS,
// BENCH_SCALE_CALLS, BENCH_SCALE_WARMUP, BENCH_SCALE_ROUNDS,
// BENCH_SCALE_HOSTILE, BENCH_SCALE_LOGINS, BENCH_VERTO_HOLD_MS.
// SPDX-License-Identifier: GPL-2.0-or-later
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { frameHeader, loginParams, maskBytes, percentile, pool, vertoStats, wsConnect } from '../../lib/wsload.mjs';

const [mode, url, kamPidArg, wsPidArg, outFile] = process.argv.slice(2);
const env = (k, d) => Number(process.env[k] || d);
const SESSIONS = env('BENCH_SCALE_SESSIONS', 10000);
const CALLS = env('BENCH_SCALE_CALLS', 200);
const WARMUP = env('BENCH_SCALE_WARMUP', 50);
const ROUNDS = env('BENCH_SCALE_ROUNDS', 2);
const HOSTILE = env('BENCH_SCALE_HOSTILE', 5000);
const LOGINS = env('BENCH_SCALE_LOGINS', 100);
const HOLD = env('BENCH_VERTO_HOLD_MS', 200);
const IDLE_MS = env('BENCH_SCALE_IDLE_MS', 20000);
const PER_ADDR = 200;
const kamPid = Number(kamPidArg);
const wsPid = Number(wsPidArg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => process.stderr.write(`scale: ${s}\n`);
const user = (n) => `bench${n}@bench.example`;

// ---- measurements ----
function kamCpuNs() {
  let ns = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try { stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(d) !== kamPid && Number(f[1]) !== kamPid) continue;
    let tasks = [];
    try { tasks = fs.readdirSync(`/proc/${d}/task`); } catch { continue; }
    for (const t of tasks) {
      try { ns += Number(fs.readFileSync(`/proc/${d}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* gone */ }
    }
  }
  return ns;
}
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${wsPid}/status`, 'utf8'))?.[1] || 0);
const summary = (xs) => ({ n: xs.length, p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99),
  max: xs.length ? Math.max(...xs) : null });
const r3 = (x) => (x == null ? null : Math.round(x * 1000) / 1000);

// a logged-in session on its own connection; { c, sessid, ms } or { failed }
async function session(n, localAddress) {
  const t0 = performance.now();
  const c = await wsConnect({ url, localAddress, timeoutMs: 20000 });
  if (!c.upgraded) return { failed: `connect: ${c.status || c.error || 'refused'}` };
  const t1 = performance.now();
  const r = await c.request('login', loginParams(user(n), 'bench'), 20000);
  const t2 = performance.now();
  if (!r?.result?.sessid) { c.destroy(); return { failed: `login: ${JSON.stringify(r).slice(0, 200)}` }; }
  return { c, sessid: r.result.sessid, loginMs: t2 - t1, totalMs: t2 - t0 };
}

// ---- calls (as load.mjs: a canned Chromium-like offer, no media) ----
function offer(n) {
  const port = 20000 + (n % 20000);
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 7 + 11) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const ufrag = `s${(n % 10000).toString().padStart(4, '0')}`;
  return ['v=0', `o=- ${1000000 + n} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
    `m=audio ${port} UDP/TLS/RTP/SAVPF 111 0 8 126`, 'c=IN IP4 127.0.0.1', 'a=rtcp:9 IN IP4 0.0.0.0',
    `a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host generation 0`,
    `a=ice-ufrag:${ufrag}`, 'a=ice-pwd:benchbenchbenchbenchbenchb', `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${100000 + n} cname:bench`, 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`, 'a=ice-pwd:benchbenchbenchbenchbenchb', `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass', 'a=mid:1', 'a=recvonly', 'a=rtcp-mux', 'a=rtpmap:96 VP8/90000', ''].join('\r\n');
}

let callNo = 0;
async function oneCall(s) {
  const n = callNo++;
  const callID = randomUUID();
  const dialogParams = { callID, destination_number: '5000', caller_id_name: 'Bench', caller_id_number: 'bench',
    audio: true, video: false, useStereo: false, screenShare: false };
  const answered = s.c.waitFor((m) => m.method === 'verto.answer' && m.params?.callID === callID, 10000);
  const inv = await s.c.request('verto.invite', { sessid: s.sessid, sdp: offer(n), dialogParams });
  if (!inv.result) throw new Error(`verto.invite: ${JSON.stringify(inv).slice(0, 200)}`);
  if (!(await answered)) throw new Error('no verto.answer within 10 s');
  await sleep(HOLD);
  const bye = await s.c.request('verto.bye', { sessid: s.sessid, dialogParams });
  if (!bye.result) throw new Error(`verto.bye: ${JSON.stringify(bye).slice(0, 200)}`);
}

// n calls spread over the given sessions, one after the other on each
async function calls(sessions, n) {
  let next = 0;
  let ok = 0;
  let firstError = null;
  await Promise.all(sessions.map(async (s) => {
    while (next < n) {
      next += 1;
      try { await oneCall(s); ok += 1; } catch (e) { firstError = firstError || e.message; }
    }
  }));
  return { ok, failed: n - ok, firstError };
}

// measured calls: CPU ns per call and wall time
async function measuredCalls(sessions, n) {
  const c0 = kamCpuNs();
  const t0 = performance.now();
  const r = await calls(sessions, n);
  const wall = performance.now() - t0;
  const cpu = kamCpuNs() - c0;
  return { ...r, calls: n, wall_s: wall / 1000, cpu_ms: cpu / 1e6, cpu_ms_per_call: cpu / 1e6 / n };
}

async function idleCpu(ms) {
  const c0 = kamCpuNs();
  await sleep(ms);
  return (kamCpuNs() - c0) / 1e6;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const addr = (base, i) => `127.0.${base}.${1 + Math.floor(i / PER_ADDR)}`;

async function runSessions() {
  const out = { mode, sessions_target: SESSIONS, calls: CALLS, rounds: ROUNDS, warmup: WARMUP, hold_ms: HOLD };
  out.rss_kb_start = rssKb();
  // 10 sessions; calls through 8 of them
  const few = await pool([...Array(10).keys()], 10, (i) => session(i, '127.0.0.1'));
  if (few.some((s) => s.failed)) throw new Error(`the first 10 logins: ${few.find((s) => s.failed).failed}`);
  const callers = few.slice(0, 8);
  await calls(callers, WARMUP);
  const at10 = [];
  for (let r = 0; r < ROUNDS; r++) at10.push(await measuredCalls(callers, CALLS));
  // idle CPU over a whole ping interval (20 s: the sessions' pings come
  // in waves), as ms of CPU per s
  out.idle_cpu_ms_per_s_10 = r3((await idleCpu(IDLE_MS)) / (IDLE_MS / 1000));
  log(`10 sessions: ${JSON.stringify(at10)}`);

  // SESSIONS more, from 127.0.1.x, at most 100 logins in flight
  await sleep(2000);
  out.rss_kb_before = rssKb();
  const t0 = performance.now();
  const many = await pool([...Array(SESSIONS).keys()], 100, (i) => session(100 + i, addr(1, i)));
  out.login_wall_s = (performance.now() - t0) / 1000;
  const okS = many.filter((s) => !s.failed);
  out.sessions_ok = okS.length;
  out.sessions_failed = SESSIONS - okS.length;
  out.first_login_error = many.find((s) => s.failed)?.failed || null;
  out.login_ms = summary(okS.map((s) => r3(s.loginMs)));
  out.connect_and_login_ms = summary(okS.map((s) => r3(s.totalMs)));
  out.logins_per_s = r3(okS.length / out.login_wall_s);
  log(`${okS.length} sessions in ${r3(out.login_wall_s)} s; login ms ${JSON.stringify(out.login_ms)}`);
  await sleep(3000);
  out.rss_kb_after = rssKb();
  out.rss_kb_per_session = r3((out.rss_kb_after - out.rss_kb_before) / Math.max(1, okS.length));
  out.stats_sessions = (await vertoStats()).sessions ?? null;

  await calls(callers, WARMUP);
  const atMany = [];
  for (let r = 0; r < ROUNDS; r++) atMany.push(await measuredCalls(callers, CALLS));
  out.idle_cpu_ms_per_s_many = r3((await idleCpu(IDLE_MS)) / (IDLE_MS / 1000));
  out.pings = okS.reduce((n, s) => n + (s.c.pings || 0), 0);
  out.still_open = okS.filter((s) => !s.c.closeInfo).length;
  log(`${okS.length + 10} sessions: ${JSON.stringify(atMany)}`);

  const a = mean(at10.map((r) => r.cpu_ms_per_call));
  const b = mean(atMany.map((r) => r.cpu_ms_per_call));
  // the idle sessions' own cost (pings) over a run's length, taken out
  const wallMany = mean(atMany.map((r) => r.wall_s));
  const bg = ((out.idle_cpu_ms_per_s_many - out.idle_cpu_ms_per_s_10) * wallMany) / CALLS;
  out.at_10 = { runs: at10, cpu_ms_per_call: r3(a) };
  out.at_many = { runs: atMany, cpu_ms_per_call: r3(b), sessions: okS.length + 10 };
  out.ratio = r3(b / a);
  out.ratio_without_idle = r3((b - bg) / a);
  out.target = 1.2;
  out.failed_calls = [...at10, ...atMany].reduce((n, r) => n + r.failed, 0);
  out.first_call_error = [...at10, ...atMany].find((r) => r.firstError)?.firstError || null;
  for (const s of [...few, ...okS]) s.c.destroy();
  return out;
}

async function loginSeries(first, n) {
  const ms = [];
  let failed = 0;
  let firstError = null;
  for (let i = 0; i < n; i++) {
    const s = await session(first + i, '127.0.0.1');
    if (s.failed) { failed += 1; firstError = firstError || s.failed; continue; }
    ms.push(r3(s.totalMs));
    s.c.close();
  }
  return { ...summary(ms), mean: r3(mean(ms)), failed, firstError };
}

async function runHostile() {
  const out = { mode, hostile_target: HOSTILE, logins: LOGINS };
  await loginSeries(20000, 5); // warm-up: the store's connections, caches
  out.none = await loginSeries(20000, LOGINS);
  log(`no hostile connections: ${JSON.stringify(out.none)}`);
  out.rss_kb_before = rssKb();
  let running = true;
  const live = new Set();
  const counts = { attempts: 0, upgraded: 0, refused: 0, closes: {} };
  const slot = async (i) => {
    const a = addr(2, i);
    while (running) {
      counts.attempts += 1;
      const c = await wsConnect({ url, localAddress: a, timeoutMs: 20000 });
      if (!c.upgraded) { counts.refused += 1; await sleep(500); continue; }
      counts.upgraded += 1;
      live.add(c);
      let timer = null;
      if (i % 4 === 3) {
        const { header, mask } = frameHeader(0x1, 60000);
        let sent = 0;
        c.sendRaw(header);
        timer = setInterval(() => { if (sent < 59000) { c.sendRaw(maskBytes(Buffer.alloc(512, 0x61), mask, sent)); sent += 512; } }, 1000);
      }
      const info = await c.closed;
      clearInterval(timer);
      live.delete(c);
      counts.closes[info.code] = (counts.closes[info.code] || 0) + 1;
    }
  };
  const slots = [];
  for (let i = 0; i < HOSTILE; i += 100) {
    for (let j = i; j < Math.min(HOSTILE, i + 100); j++) slots.push(slot(j));
    await sleep(30);
  }
  const t0 = Date.now();
  while (live.size < HOSTILE * 0.95 && Date.now() - t0 < 30000) await sleep(100);
  out.hostile_open_at_start = live.size;
  out.rss_kb_hostile = rssKb();
  const during = [];
  const sampler = setInterval(() => during.push(live.size), 200);
  out.hostile = await loginSeries(20000 + LOGINS, LOGINS);
  clearInterval(sampler);
  out.hostile_open_min = Math.min(...during, live.size);
  out.hostile_counts = counts;
  log(`${out.hostile_open_at_start} hostile connections: ${JSON.stringify(out.hostile)}`);
  running = false;
  for (const c of live) c.destroy();
  await Promise.race([Promise.all(slots), sleep(5000)]);
  out.ratio_p50 = r3(out.hostile.p50 / out.none.p50);
  out.ratio_p99 = r3(out.hostile.p99 / out.none.p99);
  out.ratio_mean = r3(out.hostile.mean / out.none.mean);
  out.stats = await vertoStats();
  return out;
}

let out;
try {
  out = mode === 'sessions' ? await runSessions() : await runHostile();
} catch (e) {
  out = { mode, error: e.stack };
}
fs.writeFileSync(outFile, JSON.stringify(out, null, 1));
console.log(JSON.stringify(out));
process.exit(out.error ? 1 : 0);
