// What the take-over scripts of this suite (takeover.mjs, sdk-takeover.mjs)
// share: the two nodes, Redis, each node's RPC over its ctl socket, killing
// a node by PID, and the session's owner key.
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { poll } from '../../../e2e/lib/browser.mjs';

// node A on 127.0.0.21, B on 127.0.0.22 (test.sh); ctl is the ctl socket
// of the Kamailio now running there (runDir/NAME_ctl)
export const node = (ip, runDir, name) => ({ ip, ctl: `unix:${runDir}/${name}_ctl` });
// a node's id: its iwg_verto contact URI
export const nodeId = (n) => `sip:verto@${n.ip}:5060`;

const [redisHost, redisPort] = (process.env.IWG_REDIS_ADDR || '127.0.0.1:6390').split(':');
export const redis = (...args) => execFileSync('redis-cli', ['-h', redisHost, '-p', redisPort, '--raw', ...args],
  { encoding: 'utf8' }).replace(/\n$/, '');

export const kamcmd = (n, ...args) => {
  try {
    return execFileSync('kamcmd', ['-s', n.ctl, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return `failed: ${e.stderr || e.message}`;
  }
};
export const stats = (n) => kamcmd(n, 'stats.get_statistics', 'verto:');
// fn's first truthy answer within ms, else null
export const until = (fn, what, ms = 10000) => poll(async () => fn(), { timeoutMs: ms, what }).catch(() => null);

// SIGKILLs every process of node n (core.psx) by PID; { pids, gone }
export async function killNode(n) {
  const pids = [...kamcmd(n, 'core.psx').matchAll(/PID:\s*(\d+)/g)].map((m) => Number(m[1]));
  for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  const gone = await until(() => pids.every((p) => { try { process.kill(p, 0); return false; } catch { return true; } }),
    'node gone');
  return { pids, gone: !!gone };
}

// the session's keys; owner is "<node id>#<incarnation>" (16 hex digits)
export const sessionKeys = (sessid) => ({ state: `iwg:verto:{${sessid}}`, owner: `iwg:verto:{${sessid}}:owner` });
export const ownedBy = (n, sessid) => new RegExp(`^${nodeId(n).replace(/\./g, '\\.')}#[0-9a-f]{16}$`)
  .test(redis('GET', sessionKeys(sessid).owner));
