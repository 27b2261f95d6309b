// make bench, capacity: memory per idle SIP-over-WebSocket connection on
// one gateway node, from Kamailio's own statistics (core.shmmem, pkg.stats
// through JSON-RPC). For each transport (ws, wss), from nothing: clients
// connect up to the first count, then register, then up to the next count
// and register, ...; Kamailio's memory is read after each step once no
// transaction is left (idle). Then every client goes (a FIN) and the next
// transport starts once Kamailio holds no connection and no contact.
//
//   node wsmem.mjs OUT.json
//
// Settings (environment): BENCH_WSMEM_COUNTS ("1000 10000"),
// BENCH_WSMEM_TRANSPORTS ("ws wss"), BENCH_WSMEM_PER_ADDR (10 clients a
// source address), BENCH_WSMEM_INFLIGHT (100 connects or REGISTERs at once).
// Environment of tests/lib/stack.sh: IWG_WS_URL IWG_WSS_URL IWG_RUN IWG_RPC_KEY
// IWG_DOMAIN IWG_AUTH_SECRET. Figures on stdout, progress on stderr.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import path from 'node:path';
import { pool, kamRpc } from '../../lib/wsload.mjs';
import { Browser, sourceOf } from './browser.mjs';

const env = process.env;
const counts = (env.BENCH_WSMEM_COUNTS || '1000 10000').split(/\s+/).filter(Boolean).map(Number);
const transports = (env.BENCH_WSMEM_TRANSPORTS || 'ws wss').split(/\s+/).filter(Boolean);
const perAddr = Number(env.BENCH_WSMEM_PER_ADDR || 10);
const inflight = Number(env.BENCH_WSMEM_INFLIGHT || 100);
const ca = fs.readFileSync(path.join(env.IWG_RUN, 'tls', 'cert.pem'));
const log = (s) => process.stderr.write(`bench wsmem: ${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// one RPC answer, or an exception naming the command
async function rpc(method, ...params) {
  const r = await kamRpc(method, params);
  if (r && (r.fault || r.failed)) throw new Error(`${method}: ${JSON.stringify(r)}`);
  return r;
}
// counters the bench waits on: open WebSocket connections, contacts,
// transactions in memory
async function counters() {
  const text = JSON.stringify(await rpc('stats.get_statistics', 'websocket:', 'usrloc:', 'tmx:'));
  const get = (name) => Number((new RegExp(`${name} = (\\d+)`).exec(text) || [])[1]);
  return { ws: get('ws_current_connections'), contacts: get('location_contacts'), tx: get('inuse_transactions') };
}
// waits until counters() satisfy pred (at most s seconds)
async function until(pred, s, what) {
  const t0 = Date.now();
  let c;
  while (!pred(c = await counters())) {
    if (Date.now() - t0 > s * 1000) throw new Error(`${what}: still ${JSON.stringify(c)} after ${s} s`);
    await sleep(250);
  }
  return c;
}
// Kamailio's memory: shm used and real_used, pkg used summed over the
// processes and the largest one's
async function memory() {
  const shm = await rpc('core.shmmem');
  const pkg = await rpc('pkg.stats');
  const procs = Array.isArray(pkg) ? pkg : [pkg];
  return {
    shm_used: shm.used, shm_real_used: shm.real_used,
    pkg_used: procs.reduce((a, p) => a + p.used, 0), pkg_procs: procs.map((p) => ({ pid: p.pid, used: p.used })),
  };
}
// pkg growth of the process that grew most from a to b
function pkgMaxGrowth(a, b) {
  return Math.max(0, ...b.pkg_procs.map((p) => p.used - (a.pkg_procs.find((q) => q.pid === p.pid)?.used ?? p.used)));
}

async function transport(tr) {
  const url = tr === 'wss' ? env.IWG_WSS_URL : env.IWG_WS_URL;
  await until((c) => c.ws === 0 && c.contacts === 0 && c.tx === 0, 60, `${tr}: nothing left from before`);
  const base = await memory();
  const clients = [];
  const steps = [];
  let prev = base;
  for (const n of counts) {
    const from = clients.length;
    const t0 = Date.now();
    const fresh = await pool([...Array(n - from).keys()], inflight, async (k) => {
      const i = from + k;
      const b = new Browser({ url, user: `mem${tr}${i}`, localAddress: sourceOf(i, perAddr), ca: tr === 'wss' ? ca : undefined });
      try { return await b.open(); } catch (e) { return e; }
    });
    const failed = fresh.filter((b) => b instanceof Error);
    if (failed.length) throw new Error(`${tr}: ${failed.length} of ${n - from} connections failed, the first: ${failed[0].message}`);
    clients.push(...fresh);
    const connectS = (Date.now() - t0) / 1000;
    await until((c) => c.ws === n && c.tx === 0, 60, `${tr}: ${n} connections open, no transaction`);
    const conn = await memory();
    const t1 = Date.now();
    const regs = await pool(fresh, inflight, (b) => b.register());
    const bad = regs.filter((r) => !r || r.status !== 200);
    if (bad.length) throw new Error(`${tr}: ${bad.length} REGISTERs failed, the first: ${bad[0] ? bad[0].status : 'no answer'}`);
    const registerS = (Date.now() - t1) / 1000;
    await until((c) => c.contacts === n && c.tx === 0, 60, `${tr}: ${n} contacts, no transaction`);
    const reg = await memory();
    const added = n - from;
    const step = {
      transport: tr, connections: n, added,
      connect_per_s: added / connectS, register_per_s: added / registerS,
      // each new connection, before and with its registration
      shm_per_connection: (conn.shm_used - prev.shm_used) / added,
      shm_per_registration: (reg.shm_used - conn.shm_used) / added,
      // every registered idle connection held, over all of them
      shm_per_client: (reg.shm_used - base.shm_used) / n,
      shm_real_per_client: (reg.shm_real_used - base.shm_real_used) / n,
      shm_used: reg.shm_used,
      pkg_per_client: (reg.pkg_used - base.pkg_used) / n,
      pkg_max_process_growth: pkgMaxGrowth(base, reg),
    };
    steps.push(step);
    log(JSON.stringify(step));
    prev = reg;
  }
  // all go; the next transport waits until Kamailio has let them go
  for (const b of clients) b.conn.destroy();
  return { transport: tr, base_shm_used: base.shm_used, steps };
}

try {
  const out = { bench: 'capacity-memory', counts, per_addr: perAddr, results: [] };
  for (const tr of transports) out.results.push(await transport(tr));
  await until((c) => c.ws === 0, 60, 'every connection gone');
  fs.writeFileSync(process.argv[2], `${JSON.stringify(out, null, 1)}\n`);
  const kib = (b) => (b / 1024).toFixed(1);
  for (const r of out.results) {
    for (const s of r.steps) {
      console.log(`memory: ${s.transport} idle registered connections ${s.connections}: shm ${kib(s.shm_per_client)} KiB each `
        + `(connection ${kib(s.shm_per_connection)}, registration ${kib(s.shm_per_registration)}), `
        + `pkg ${kib(s.pkg_per_client)} KiB each; connect ${s.connect_per_s.toFixed(0)}/s, REGISTER ${s.register_per_s.toFixed(0)}/s`);
    }
  }
  process.exit(0);
} catch (e) {
  log(e.stack);
  process.exit(1);
}
