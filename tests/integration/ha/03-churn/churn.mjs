// Churn against one gateway node (see test.sh): waves of SIP-over-WebSocket
// clients connect (ws; wss for one in CHURN_WSS_EVERY, 0: none), REGISTER
// with digest, one in CHURN_CALL_EVERY calls the SIP peer (a UDP UA here
// answering 200 with PCMA: rtpengine's offer and answer run for real),
// then the whole wave drops at once without a WebSocket close, an
// un-REGISTER or a BYE: half of the ws clients with a RST, the others
// (and every wss one) with a FIN. The next wave starts once Kamailio has
// let the dropped connections go.
// A warm-up wave first, then the baseline of Kamailio's own memory
// statistics (core.shmmem, pkg.stats) once everything it left is gone;
// then CHURN_WAVES waves of CHURN_CLIENTS; afterwards nothing may be left
// (WebSocket and TCP connections, contacts, dialogs, transactions,
// rtpengine calls) and memory must come back to the baseline.
//
//   node churn.mjs sql FIRST COUNT PASSWORD DOMAIN
//     SQL (SQLite) adding the digest users churnFIRST.. (ha1, ha1b)
//   node churn.mjs run TAP_START
//     the test; TAP lines (and the figures as comments) on stdout,
//     numbered after TAP_START; the figures also in $IWG_LOGDIR/churn.json
//
// Clients come from CHURN_PER_ADDR per source address (127.0.10.1 ...,
// the same addresses every wave, like browsers behind a few NATs coming
// back), under IWG_WS_PER_SOURCE and IWG_PIKE_DENSITY of the preset.
// Environment of tests/lib/stack.sh: IWG_WS_URL IWG_WSS_URL IWG_DOMAIN
// IWG_TEST_PASSWORD IWG_KAMCMD IWG_NG_BIN IWG_NG_ADDR IWG_RUN IWG_LOGDIR.
// SPDX-License-Identifier: GPL-2.0-or-later
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { WsUa, UdpUa, rnd, webrtcSdp } from '../../ims/lib/ua.mjs';
import { sendAuth, inviteAuth } from '../../edge/lib.mjs';
import { pool, wsConnect } from '../../../lib/wsload.mjs';

const env = process.env;
const num = (k, d) => Number(env[k] || d);
const WAVES = num('CHURN_WAVES', 5);
const CLIENTS = num('CHURN_CLIENTS', 1000);
const WARMUP = num('CHURN_WARMUP', CLIENTS);
const CALL_EVERY = num('CHURN_CALL_EVERY', 20);
const WSS_EVERY = num('CHURN_WSS_EVERY', 5);
const PER_ADDR = num('CHURN_PER_ADDR', 10);
const INFLIGHT = num('CHURN_INFLIGHT', 100);
// seconds everything a wave left may take to go (usrloc's timer: 10 s)
const DRAIN_S = num('CHURN_DRAIN_S', 60);
// memory bounds (test.sh explains them): shm used within SHM_PCT % of the
// baseline, each process's pkg used within PKG_PCT %
const SHM_PCT = num('CHURN_SHM_PCT', 2);
const PKG_PCT = num('CHURN_PKG_PCT', 2);
const MEM_S = num('CHURN_MEM_S', 15);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');
const user = (n) => `churn${n}`;
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;

if (process.argv[2] === 'sql') {
  const [first, count, password, domain] = process.argv.slice(3);
  const rows = [];
  for (let n = Number(first); n < Number(first) + Number(count); n++) {
    rows.push(`('${user(n)}','${domain}','${md5(`${user(n)}:${domain}:${password}`)}',`
      + `'${md5(`${user(n)}@${domain}:${domain}:${password}`)}')`);
  }
  fs.writeSync(1, `BEGIN;\nINSERT INTO subscriber (username, domain, ha1, ha1b) VALUES\n${rows.join(',\n')};\nCOMMIT;\n`);
  process.exit(0);
}

// ---- TAP --------------------------------------------------------------
let tapN = Number(process.argv[3] || 0);
let failed = 0;
const diag = (s) => console.log(`# ${s}`);
function check(ok, desc, why) {
  tapN += 1;
  if (ok) console.log(`ok ${tapN} - ${desc}`);
  else { failed += 1; console.log(`not ok ${tapN} - ${desc}\n# ${String(why).replace(/\n/g, '\n# ')}`); }
  return ok;
}
const see = `see ${env.IWG_LOGDIR} (kamailio.log, rtpengine.log, churn-node.log)`;

// ---- Kamailio and rtpengine, as an operator asks them --------------------
const run = promisify(execFile);
async function kamcmd(...args) {
  const [bin, ...pre] = env.IWG_KAMCMD.split(' ');
  return (await run(bin, [...pre, ...args], { maxBuffer: 64 << 20 })).stdout;
}
// statistics of groups (kamcmd stats.get_statistics): { 'group:name': n }
async function stats(...groups) {
  const out = {};
  for (const g of groups) {
    for (const m of (await kamcmd('stats.get_statistics', `${g}:`)).matchAll(/^(\S+) = (\d+)$/gm)) out[m[1]] = Number(m[2]);
  }
  return out;
}
// the members of each "{ ... }" block of a kamcmd answer as numbers/strings
function blocks(text) {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((b) => Object.fromEntries(
    [...b[1].matchAll(/^\s*(\w+): (.*)$/gm)].map(([, k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])));
}
// shm (core.shmmem) and per-process pkg (pkg.stats) memory
async function memory() {
  const [shm] = blocks(await kamcmd('core.shmmem'));
  const pkg = blocks(await kamcmd('pkg.stats')).map((p) => ({ pid: p.pid, desc: p.desc, used: p.used, real_used: p.real_used }));
  return { shm, pkg };
}
// the Call-IDs rtpengine holds (NG list)
async function rtpCalls() {
  const r = await run(env.IWG_NG_BIN, ['-s', env.IWG_NG_ADDR, 'list', '100000']);
  return JSON.parse(r.stdout).calls || [];
}
// what a wave may leave behind: every one must come back to 0
async function leftovers() {
  const s = await stats('websocket', 'usrloc', 'dialog', 'tmx');
  const tcp = blocks(await kamcmd('core.tcp_info'))[0];
  return {
    ws_connections: s['websocket:ws_current_connections'],
    tcp_connections: tcp.opened_connections, // TLS ones included
    contacts: s['usrloc:location_contacts'],
    // what dashboards show (iwg_kamailio_dialog_active_dialogs), and what
    // the dialog module holds
    dialogs: s['dialog:active_dialogs'] + s['dialog:early_dialogs'],
    dialogs_listed: ((await kamcmd('dlg.list')).match(/^\s*h_entry:/gm) || []).length,
    transactions: s['tmx:inuse_transactions'],
    rtpengine_calls: (await rtpCalls()).length,
  };
}
const allZero = (l) => Object.values(l).every((v) => v === 0);
const show = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');

// polls fn() every 250 ms until pred(result), at most s seconds;
// { value, ms, ok }
async function until(fn, pred, s) {
  const t0 = performance.now();
  for (;;) {
    const value = await fn();
    const ms = performance.now() - t0;
    if (pred(value)) return { value, ms, ok: true };
    if (ms > s * 1000) return { value, ms, ok: false };
    await sleep(250);
  }
}

// ---- clients -------------------------------------------------------------
const ca = fs.readFileSync(path.join(env.IWG_RUN, 'tls', 'cert.pem'));
const creds = (n) => ({ user: user(n), password: env.IWG_TEST_PASSWORD });
const aor = (n) => `sip:${user(n)}@${env.IWG_DOMAIN}`;
function sourceAddress(i) {
  const a = Math.floor(i / PER_ADDR);
  return `127.0.${10 + Math.floor(a / 250)}.${1 + (a % 250)}`;
}

// a browser's SIP signaling (the hand-written UA of the IMS tests) on a
// raw WebSocket from a source address of its own
class LoadUa extends WsUa {
  constructor(n, i) {
    const secure = WSS_EVERY > 0 && i % WSS_EVERY === WSS_EVERY - 1;
    super(secure ? env.IWG_WSS_URL : env.IWG_WS_URL, { user: user(n), domain: env.IWG_DOMAIN });
    Object.assign(this, { n, secure, localAddress: sourceAddress(i) });
  }

  async open() {
    this.conn = await wsConnect({ url: this.url, localAddress: this.localAddress, ca: this.secure ? ca : undefined,
      protocol: 'sip', timeoutMs: 20000, onText: (t) => this.onMessage(t) });
    if (!this.conn.upgraded) throw new Error(`no upgrade from ${this.localAddress}: ${this.conn.status || this.conn.error || 'refused'}`);
    return this;
  }

  sendRaw(text) { this.conn.send(text); }

  register() {
    return sendAuth(this, {
      method: 'REGISTER', ruri: `sip:${this.domain}`, callId: `${rnd()}@churn`, from: `<${aor(this.n)}>;tag=${rnd(4)}`,
      to: `<${aor(this.n)}>`, headers: [`Contact: <${this.contact}>;expires=600`],
    }, creds(this.n));
  }

  call() {
    return inviteAuth(this, {
      ruri: 'sip:peer@remote.test', callId: `${rnd()}@churn-call`, from: `<${aor(this.n)}>;tag=${rnd(4)}`,
      to: '<sip:peer@remote.test>', body: webrtcSdp({ port: 20000 + (this.n % 10000) }),
    }, creds(this.n));
  }

  // gone without a WebSocket close (a RST, or a FIN; TLS: a FIN)
  drop(rst) {
    if (rst && !this.secure) this.conn.reset();
    else this.conn.destroy();
  }
}

// the SIP peer (IWG_PEER_URI): answers every INVITE with PCMA, every BYE 200
const pcmaSdp = ['v=0', 'o=peer 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 8 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n');
const peer = await new UdpUa(5090, { name: 'peer' }).open();
peer.onRequest = (m) => {
  if (m.method === 'BYE') peer.dialogs.delete(m.get('Call-ID'));
  return m.method === 'INVITE' ? { status: 200, body: pcmaSdp } : { status: 200 };
};

// one wave: clients first..first+count-1 connect, register, some call,
// then all drop at once; resolves with its figures (dropAt: when)
async function wave(name, first, count) {
  const t0 = performance.now();
  const errors = [];
  const uas = await pool([...Array(count).keys()], INFLIGHT, async (i) => {
    const ua = new LoadUa(first + i, i);
    try {
      await ua.open();
      const r = await ua.register();
      if (!r || r.status !== 200) throw new Error(`REGISTER of ${ua.user}: ${r ? r.status : 'no answer'}`);
      return ua;
    } catch (e) {
      errors.push(e.message);
      if (ua.conn) ua.conn.destroy();
      return null;
    }
  });
  const regS = (performance.now() - t0) / 1000;
  const live = uas.filter(Boolean);
  check(live.length === count, `${name}: ${count} clients connect and register (digest)`,
    `${count - live.length} failed, the first: ${errors[0]}; ${see}`);

  const t1 = performance.now();
  const callers = live.filter((ua) => ua.n % CALL_EVERY === 0);
  const callErrors = [];
  const calls = await pool(callers, INFLIGHT, async (ua) => {
    const { resp, dialog } = await ua.call();
    if (!dialog) callErrors.push(`INVITE of ${ua.user}: ${resp ? resp.status : 'no answer'}`);
    return dialog;
  });
  const callS = (performance.now() - t1) / 1000;
  const up = calls.filter(Boolean);
  const inRtp = new Set(await rtpCalls());
  const missing = up.filter((d) => !inRtp.has(d.callId));
  check(up.length === callers.length && missing.length === 0,
    `${name}: ${callers.length} calls to the SIP peer answered, each a call in rtpengine`,
    `${callers.length - up.length} not answered (the first: ${callErrors[0]}), ${missing.length} answered but `
    + `not in rtpengine's list; ${see}`);
  const peak = { ...(await leftovers()), shm_used: (await memory()).shm.used };

  // all at once: no WebSocket close, no un-REGISTER, no BYE
  live.forEach((ua, i) => ua.drop(i % 2 === 0));
  const dropAt = performance.now();
  // the websocket module keeps a closed connection (and its 64 KiB) for
  // rm_delay_interval (5 s): the next wave starts once they are gone, so
  // that two waves' connections need not fit in shm at once
  const gone = await until(() => stats('websocket'), (x) => x['websocket:ws_current_connections'] === 0, DRAIN_S);
  const f = {
    clients: live.length, calls: up.length, wss: live.filter((ua) => ua.secure).length,
    register_s: regS, call_s: callS, peak, dropAt, ws_gone_ms: gone.ms,
  };
  diag(`${name}: ${f.clients} connected and registered in ${regS.toFixed(2)} s (${(f.clients / regS).toFixed(0)}/s, `
    + `${f.wss} over wss), ${f.calls} calls in ${callS.toFixed(2)} s; before the drop: ${show(peak)}; `
    + `WebSocket connections gone ${(gone.ms / 1000).toFixed(1)} s after it`);
  check(gone.ok, `${name}: Kamailio sees every dropped WebSocket connection go`,
    `ws_current_connections still ${gone.value['websocket:ws_current_connections']} after ${DRAIN_S} s; ${see}`);
  return f;
}

// polls from `since` until nothing is left; asserts it, reports how long
// it took after the drop
async function drained(what, since) {
  const r = await until(leftovers, allZero, DRAIN_S);
  const s = (performance.now() - since) / 1000;
  diag(`${what}: everything gone ${s.toFixed(1)} s after the drop (${show(r.value)})`);
  check(r.ok, `${what}: no WebSocket or TCP connection, contact, dialog, transaction or rtpengine call is left`,
    `after ${s.toFixed(0)} s: ${show(r.value)}; ${see}`);
  return s;
}

const within = (b, a, pct) => a <= b * (1 + pct / 100);
const pct = (b, a) => `${a - b >= 0 ? '+' : ''}${a - b} bytes, ${((100 * (a - b)) / b).toFixed(2)} %`;
try {
  const start = await memory();
  // warm-up: whatever Kamailio allocates once (hash slots' first entries,
  // pike's tree for these addresses, TLS state) is there before the
  // baseline
  const warm = await wave('warm-up', 0, WARMUP);
  await drained('warm-up', warm.dropAt);
  const base = await memory();
  diag(`shm used: ${start.shm.used} at start, ${base.shm.used} after the warm-up (the baseline); `
    + `${kib((warm.peak.shm_used - start.shm.used) / warm.clients)} per client connected (registered, `
    + `${warm.calls} in a call, ${warm.wss} over wss)`);

  const t0 = performance.now();
  const waves = [];
  for (let w = 0; w < WAVES; w++) waves.push(await wave(`wave ${w + 1}/${WAVES}`, WARMUP + w * CLIENTS, CLIENTS));
  const churnS = (performance.now() - t0) / 1000;
  const clients = waves.reduce((a, x) => a + x.clients, 0);
  const regS = waves.reduce((a, x) => a + x.register_s, 0);
  diag(`${clients} clients in ${WAVES} waves in ${churnS.toFixed(1)} s: connect and REGISTER ${(clients / regS).toFixed(0)}/s`);
  const drainS = await drained(`after ${WAVES} waves of ${CLIENTS}`, waves[waves.length - 1].dropAt);

  // memory: shm used, and each process's pkg used, back to the baseline;
  // polled (the last transactions' and dialogs' memory goes on timers)
  const overPkg = (m) => m.pkg.filter((p) => {
    const b = base.pkg.find((x) => x.pid === p.pid);
    return !b || !within(b.used, p.used, PKG_PCT);
  });
  const mem = await until(memory, (m) => within(base.shm.used, m.shm.used, SHM_PCT) && overPkg(m).length === 0, MEM_S);
  const after = mem.value;
  diag(`shm used: baseline ${base.shm.used}, after ${clients} clients ${after.shm.used} (${pct(base.shm.used, after.shm.used)}); `
    + `real_used ${base.shm.real_used} -> ${after.shm.real_used}`);
  for (const p of after.pkg) {
    const b = base.pkg.find((x) => x.pid === p.pid);
    diag(`pkg used ${p.pid} ${p.desc}: ${b ? `${b.used} -> ${p.used} (${pct(b.used, p.used)})` : `${p.used} (not in the baseline)`}`);
  }
  check(within(base.shm.used, after.shm.used, SHM_PCT),
    `shm used back within ${SHM_PCT} % of the baseline after ${clients} clients (core.shmmem)`,
    `baseline ${base.shm.used}, after ${after.shm.used} (${pct(base.shm.used, after.shm.used)}) `
    + `${MEM_S} s after the drain; ${see}`);
  const over = overPkg(after);
  check(over.length === 0, `every Kamailio process's pkg used back within ${PKG_PCT} % of the baseline (pkg.stats)`,
    over.map((p) => `${p.pid} ${p.desc}: ${base.pkg.find((x) => x.pid === p.pid)?.used ?? 'not in the baseline'} -> ${p.used}`)
      .join('\n') + `; ${see}`);
  fs.writeFileSync(path.join(env.IWG_LOGDIR, 'churn.json'),
    JSON.stringify({ start, warm, base, waves, churnS, drainS, after }, null, 1));
} catch (e) {
  check(false, 'the churn ran', e.stack);
}
peer.close();
process.exit(failed ? 1 : 0);
