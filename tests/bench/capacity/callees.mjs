// make bench, capacity: the called browsers of the one-node / two-node
// signaling benchmark (cluster.sh). Registers, one WebSocket each:
//   one0 .. one{K-1}  all on node A (BENCH_CLUSTER_A, ws URL)
//   two0 .. two{K-1}  even ones on node A, odd ones on node B
// then answers every call (Browser of browser.mjs) until it is killed.
// Once every client is registered it writes READY_FILE.
//
//   node callees.mjs K READY_FILE
// Environment: BENCH_CLUSTER_A, BENCH_CLUSTER_B (ws:// URLs of the nodes),
// IWG_DOMAIN, IWG_AUTH_SECRET.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import { pool } from '../../lib/wsload.mjs';
import { Browser, sourceOf } from './browser.mjs';

const [k, readyFile] = [Number(process.argv[2]), process.argv[3]];
const env = process.env;
const plan = [];
for (let i = 0; i < k; i++) plan.push({ user: `one${i}`, url: env.BENCH_CLUSTER_A });
for (let i = 0; i < k; i++) plan.push({ user: `two${i}`, url: i % 2 ? env.BENCH_CLUSTER_B : env.BENCH_CLUSTER_A });

const browsers = await pool(plan, 20, async ({ user, url }, i) => {
  const b = await new Browser({ url, user, localAddress: sourceOf(i, 10) }).open();
  const r = await b.register();
  if (!r || r.status !== 200) throw new Error(`REGISTER of ${user} on ${url}: ${r ? r.status : 'no answer'}`);
  return b;
});
fs.writeFileSync(readyFile, `${browsers.length}\n`);
