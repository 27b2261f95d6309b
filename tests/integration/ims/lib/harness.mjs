// Helpers shared by the IMS test files: SIPp processes and their message
// logs, polling, Kamailio RPC, rtpengine NG queries, log names for failures.
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSipp as startSippIn, udpBound, sippReceived } from '../../../lib/sipp.mjs';

export { udpBound, sippReceived };

export const sippDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp');
export const LOGDIR = process.env.IWG_LOGDIR;

// "see <logdir>/a, <logdir>/b" for failure messages
export const see = (...f) => `see ${f.map((x) => path.join(LOGDIR, x)).join(', ')}`;

// starts SIPp with scenario (in tests/integration/ims/sipp unless absolute),
// -timeout 300; its messages go to <LOGDIR>/sipp-<name>.msg (tests/lib/sipp.mjs)
export function startSipp(name, scenario, args) {
  return startSippIn(name, path.resolve(sippDir, scenario), args, { logdir: LOGDIR, timeoutSec: 300 });
}

// the S-CSCF registrar of the tests: SIPp scscf-register.xml on
// 127.0.0.1:6060 (control port cp) whose Service-Route names the
// originating S-CSCF on 127.0.0.1:origPort; resolves with it once it listens
export async function startScscf(cp, origPort, name = 'scscf') {
  // a SIPp of an earlier part of the suite may still be leaving 6060
  await poll(() => !udpBound(6060), 10000, 'port 6060 free');
  const registrar = startSipp(name, 'scscf-register.xml',
    ['-i', '127.0.0.1', '-p', '6060', '-cp', String(cp), '-key', 'orig_port', String(origPort)]);
  await poll(() => udpBound(6060), 10000, 'SIPp S-CSCF on 6060');
  return registrar;
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

// Kamailio RPC through kamcmd
export function rpc(cmd, ...args) {
  const k = (process.env.IWG_KAMCMD || '').split(' ');
  return execFileSync(k[0], [...k.slice(1), cmd, ...args], { encoding: 'utf8' });
}
