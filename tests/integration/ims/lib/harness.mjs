// Helpers shared by the IMS test files: SIPp processes and their message
// logs, polling, Kamailio RPC, rtpengine NG queries, log names for failures.
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from './sip.mjs';

export const sippDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp');
export const LOGDIR = process.env.IWG_LOGDIR;

// "see <logdir>/a, <logdir>/b" for failure messages
export const see = (...f) => `see ${f.map((x) => path.join(LOGDIR, x)).join(', ')}`;

// starts SIPp with scenario (in tests/integration/ims/sipp unless absolute);
// its messages go to <LOGDIR>/sipp-<name>.msg
export function startSipp(name, scenario, args) {
  const base = path.join(LOGDIR, `sipp-${name}`);
  const sf = path.isAbsolute(scenario) ? scenario : path.join(sippDir, scenario);
  const argv = ['-sf', sf, ...args, '-nostdin', '-timeout', '300',
    '-trace_msg', '-message_file', `${base}.msg`, '-trace_err', '-error_file', `${base}.err`];
  const out = fs.openSync(`${base}.out`, 'w');
  const proc = spawn('sipp', argv, { stdio: ['ignore', out, out], cwd: LOGDIR });
  fs.closeSync(out);
  return { proc, msg: `${base}.msg`, name };
}

// polls fn until truthy (returns it) or throws after ms
export async function poll(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function udpBound(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return fs.readFileSync('/proc/net/udp', 'utf8').split('\n').some((l) => (l.trim().split(/\s+/)[1] || '').endsWith(hex));
}

// SIP messages SIPp received (its -trace_msg file), parsed
export function sippReceived(file) {
  let t = '';
  try { t = fs.readFileSync(file, 'utf8'); } catch { return []; }
  return t.split(/-{10,} [^\n]*\n/).filter((b) => /^UDP message received/m.test(b))
    .map((b) => parse(b.replace(/^[\s\S]*?UDP message received[^\n]*\n+/, '').replace(/\r/g, '').replace(/\n/g, '\r\n')));
}

// Kamailio RPC through kamcmd
export function rpc(cmd, ...args) {
  const k = (process.env.IWG_KAMCMD || '').split(' ');
  return execFileSync(k[0], [...k.slice(1), cmd, ...args], { encoding: 'utf8' });
}
