// SIPp for the JavaScript tests (tests/integration/ims, idmap/06, tests/e2e
// skeleton, sdk, portal, console, ims): one SIPp process with its files in a
// log folder, its exit status, stopping it, the SIP messages it received;
// and whether a UDP port is bound here (SIPp listening, a port free again).
// Suites keep thin wrappers that pick the scenario folder, -timeout and
// control port (-cp, in args).
//
//   const s = startSipp(name, scenarioPath, args, { logdir, cwd, timeoutSec, screen, stopMs })
//     runs `sipp -sf scenarioPath ...args -nostdin [-timeout timeoutSec]`
//     with -trace_msg/-trace_err (and -trace_screen when screen is true) into
//     <logdir>/sipp-<name>.{msg,err,screen}, its output (after a line with
//     the command) in sipp-<name>.out; cwd defaults to logdir.
//     s.name, s.proc, s.msg (the -trace_msg file), s.files {out, msg, err,
//     screen?}, s.logs (their base names, for failure messages),
//     s.exitCode (undefined while running, -1 if it did not start, then
//     s.spawnError, "signal X" if killed), s.done (resolves with it),
//     s.waitExit(ms) (exit status or null if still running), s.stop()
//     (SIGTERM, SIGKILL after stopMs, default 2000), s.received(method)
//     (the messages it received, of method if given).
//   udpBound(port): something here is bound to UDP port (udp and udp6)
//   sippReceived(file): the SIP messages in a -trace_msg file that SIPp
//     received, parsed (tests/integration/ims/lib/sip.mjs parse)
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../integration/ims/lib/sip.mjs';

export function udpBound(port) {
  // local_address is the 2nd column: "0100007F:13E2"
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['/proc/net/udp', '/proc/net/udp6'].some((f) => {
    try {
      return fs.readFileSync(f, 'utf8').split('\n').some((l) => (l.trim().split(/\s+/)[1] || '').endsWith(hex));
    } catch {
      return false;
    }
  });
}

export function sippReceived(file) {
  let t = '';
  try { t = fs.readFileSync(file, 'utf8'); } catch { return []; }
  return t.split(/-{10,} [^\n]*\n/).filter((b) => /^UDP message received/m.test(b))
    .map((b) => parse(b.replace(/^[\s\S]*?UDP message received[^\n]*\n+/, '').replace(/\r/g, '').replace(/\n/g, '\r\n')));
}

export function startSipp(name, scenarioPath, args, { logdir, cwd = logdir, timeoutSec, screen = false, stopMs = 2000 } = {}) {
  if (!logdir) throw new Error(`startSipp ${name}: no logdir`);
  const base = path.join(logdir, `sipp-${name}`);
  const files = { out: `${base}.out`, msg: `${base}.msg`, err: `${base}.err`, ...(screen ? { screen: `${base}.screen` } : {}) };
  const argv = ['-sf', scenarioPath, ...args, '-nostdin', ...(timeoutSec ? ['-timeout', String(timeoutSec)] : []),
    '-trace_msg', '-message_file', files.msg, '-trace_err', '-error_file', files.err,
    ...(screen ? ['-trace_screen', '-screen_file', files.screen] : [])];
  const out = fs.openSync(files.out, 'w');
  fs.writeSync(out, `sipp ${argv.join(' ')}\n`);
  const proc = spawn('sipp', argv, { stdio: ['ignore', out, out], cwd });
  fs.closeSync(out);
  const s = { name, proc, msg: files.msg, files, logs: Object.values(files).map((f) => path.basename(f)), exitCode: undefined };
  s.done = new Promise((resolve) => {
    proc.on('error', (e) => { s.exitCode = -1; s.spawnError = e.message; resolve(-1); });
    proc.on('exit', (code, sig) => { s.exitCode = code === null ? `signal ${sig}` : code; resolve(s.exitCode); });
  });
  s.waitExit = (ms) => {
    let timer;
    const late = new Promise((r) => { timer = setTimeout(() => r(null), ms); });
    return Promise.race([s.done, late]).finally(() => clearTimeout(timer));
  };
  s.stop = async () => {
    if (s.exitCode !== undefined) return;
    proc.kill('SIGTERM');
    if ((await s.waitExit(stopMs)) === null) proc.kill('SIGKILL');
    await s.done;
  };
  s.received = (method) => sippReceived(s.msg).filter((m) => !method || m.method === method);
  return s;
}
