// Failed Verto logins are throttled per login name and per source address
// (raw WebSocket clients of tests/lib/wsload.mjs bound to 127.0.0.x; the
// suite's limits: 3 failures per name, 6 per address, back-off 500 ms,
// lockout 2 s). A wrong-password storm against 1008@cc.example from
// 127.0.0.2: after 3 failures the answers become -32001 LOGIN THROTTLED;
// an immediate retry, even with the right password and from another
// address, is throttled too (the password is not checked); the statistic
// verto:logins_throttled rises and the RPC verto.throttled lists the login
// (failing again from 127.0.0.6 until it does);
// meanwhile 1010@cc.example logs in from 127.0.0.3; once the back-off has
// passed (polled, never slept for) the right password is accepted, and the
// success resets the count. Failures for many names from 127.0.0.4 throttle
// that address, even for a valid login, and no other. A mapping stored
// invalid (1020@cc.example, an empty sip_uri, written by test.sh with
// redis-cli) refuses its login though the password matches, with an error
// in the log naming the field, and those refusals count toward the
// throttle; the other logins go on.
// Usage: node abuse.mjs TAP_START LOGDIR WS_URL
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { kamRpc, loginParams, vertoStats, wsConnect } from '../../../lib/wsload.mjs';
import { tap } from '../lib.mjs';

const [start, logDir, wsUrl] = process.argv.slice(2);
const t = tap(Number(start));
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 700)}; logs: ${logDir} (kamailio.log)`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NAME_FAILS = 3;
const IP_FAILS = 6;
const LOCKOUT_MS = 2000;

// one login on a fresh connection from `addr`: the reply (or what
// happened instead); the connection is closed after it
async function attempt(addr, login, passwd) {
  const c = await wsConnect({ url: wsUrl, localAddress: addr });
  if (!c.upgraded) return { notUpgraded: { status: c.status, error: c.error } };
  const r = await c.request('login', loginParams(login, passwd), 8000);
  c.close();
  return r;
}
// fn() polled every 100 ms until pred(value) holds, at most ms; the last value
// (statistics and the RPC lists are snapshots up to 1 s old)
async function until(fn, pred, ms = 5000) {
  const t0 = Date.now();
  let v = await fn();
  while (!pred(v) && Date.now() - t0 < ms) { await sleep(100); v = await fn(); }
  return v;
}
const listed = (list, kind, pred) => Array.isArray(list) && list.some((k) => k.kind === kind && pred(k));
const throttled = (r) => r?.error?.code === -32001 && r.error.message === 'LOGIN THROTTLED';
const authFailed = (r) => r?.error?.code === -32001 && r.error.message !== 'LOGIN THROTTLED';
const loggedIn = (r) => !!r?.result?.sessid;

try {
  const s0 = await vertoStats();
  t.check(typeof s0.logins_throttled === 'number', 'stats.get_statistics has verto:logins_throttled', why(s0));

  // the storm: wrong passwords for 1008 from 127.0.0.2 until throttled
  const storm = [];
  for (let i = 0; i < NAME_FAILS + 5 && !throttled(storm.at(-1)); i++)
    storm.push(await attempt('127.0.0.2', '1008@cc.example', `wrong-${i}`));
  const firstThrottled = storm.findIndex(throttled);
  t.check(storm.slice(0, NAME_FAILS).every(authFailed),
    `the first ${NAME_FAILS} wrong passwords get -32001 Authentication Failure (not throttled)`, why(storm));
  t.check(firstThrottled === NAME_FAILS,
    `login ${NAME_FAILS + 1} of the storm is answered -32001 LOGIN THROTTLED`, why({ firstThrottled, storm }));

  // an immediate retry is throttled, the password not checked
  const right = await attempt('127.0.0.2', '1008@cc.example', '1234');
  t.check(throttled(right), 'an immediate retry with the right password is throttled (the password is not checked)', why(right));
  const elsewhere = await attempt('127.0.0.5', '1008@cc.example', '1234');
  t.check(throttled(elsewhere), 'the throttled login name is throttled from another address too', why(elsewhere));

  // another user from another address is not affected
  const other = await attempt('127.0.0.3', '1010@cc.example', '5678');
  t.check(loggedIn(other), '1010@cc.example logs in from 127.0.0.3 meanwhile', why(other));

  const s1 = await until(vertoStats, (s) => s.logins_throttled >= (s0.logins_throttled || 0) + 3);
  t.check(s1.logins_throttled >= (s0.logins_throttled || 0) + 3,
    'verto:logins_throttled counts the throttled logins (3 so far)', why({ before: s0, after: s1 }));
  // logins are listed masked: their first 3 characters. The list is a
  // snapshot and the first back-off only 500 ms, which a loaded machine
  // may spend before it reads the list: while the login is not listed, one
  // more wrong password (from 127.0.0.6, so the addresses used below keep
  // their counts) keeps it throttled, its back-off doubling up to the lockout
  const list = await until(async () => {
    const l = await kamRpc('verto.throttled');
    if (!listed(l, 'login', (k) => k.key === '100...'))
      await attempt('127.0.0.6', '1008@cc.example', 'wrong-more');
    return l;
  }, (l) => listed(l, 'login', (k) => k.key === '100...' && k.failures >= NAME_FAILS), 8000);
  t.check(listed(list, 'login', (k) => k.key === '100...' && k.failures >= NAME_FAILS && k.seconds_left >= 1),
    'RPC verto.throttled lists the login (masked "100...") with its failures and the seconds left', why(list));
  t.check(!listed(list, 'login', (k) => k.key === '101...') && !JSON.stringify(list).includes('1008@cc.example'),
    'RPC verto.throttled does not list 1010@cc.example and never shows a login in full', why(list));

  // the back-off passes: the right password is accepted again (polled)
  const t0 = Date.now();
  let back = null;
  let tries = 0;
  while (Date.now() - t0 < LOCKOUT_MS + 6000) {
    back = await attempt('127.0.0.5', '1008@cc.example', '1234');
    tries += 1;
    if (!throttled(back)) break;
    await sleep(100);
  }
  t.check(loggedIn(back), `after the back-off the right password logs in (after ${tries} tries, ${Date.now() - t0} ms; lockout ${LOCKOUT_MS} ms)`,
    why({ back, tries }));

  // the success reset the count: a wrong password is checked again
  const reset = [];
  for (let i = 0; i < NAME_FAILS; i++) reset.push(await attempt('127.0.0.2', '1008@cc.example', `again-${i}`));
  t.check(reset.every(authFailed), `after the success, ${NAME_FAILS} wrong passwords are checked again (no throttle carried over)`, why(reset));
  const again = await attempt('127.0.0.2', '1008@cc.example', 'again-x');
  t.check(throttled(again), 'and the next one is throttled again', why(again));

  // per address: failures of many names from 127.0.0.4
  const spray = [];
  for (let i = 0; i < IP_FAILS; i++) spray.push(await attempt('127.0.0.4', `nobody${i}@cc.example`, 'guess'));
  t.check(spray.every(authFailed), `${IP_FAILS} failed logins of ${IP_FAILS} different names from 127.0.0.4 are each checked`, why(spray));
  const fromIp = await attempt('127.0.0.4', '1010@cc.example', '5678');
  t.check(throttled(fromIp), 'then 127.0.0.4 is throttled, even for a valid login (1010@cc.example)', why(fromIp));
  const notIp = await attempt('127.0.0.3', '1010@cc.example', '5678');
  t.check(loggedIn(notIp), '1010@cc.example still logs in from 127.0.0.3', why(notIp));
  // the list is a snapshot (up to 1 s old) and this back-off is 500 ms:
  // keep failing from 127.0.0.4 (each failure past the back-off doubles
  // it, up to the 2 s lockout) until the snapshot shows the address
  let extra = 0;
  const list2 = await until(async () => {
    const r = await attempt('127.0.0.4', `nobody${IP_FAILS + extra++}@cc.example`, 'guess');
    if (!authFailed(r) && !throttled(r)) return { unexpected: r };
    return kamRpc('verto.throttled');
  }, (l) => listed(l, 'address', (k) => k.key.includes('127.0.0.4')), 8000);
  t.check(listed(list2, 'address', (k) => k.key.includes('127.0.0.4') && k.failures >= IP_FAILS),
    'RPC verto.throttled lists the address 127.0.0.4', why(list2));
  t.check(!listed(list2, 'address', (k) => k.key.includes('127.0.0.3')), 'and not 127.0.0.3', why(list2));

  // a mapping stored invalid: refused like a wrong password (the client
  // cannot tell), an error in the log naming the field, not the value
  const invalid = await attempt('127.0.0.7', '1020@cc.example', '9012');
  t.check(authFailed(invalid), 'a login whose stored mapping fails validation (empty sip_uri) is refused though its password matches', why(invalid));
  const log = path.join(logDir, 'kamailio.log');
  const want = "verto login '102...' refused: stored mapping failed validation (sip_uri is required)";
  const text = await until(() => readFileSync(log, 'utf8'), (s) => s.includes(want));
  const line = text.split('\n').find((l) => l.includes(want)) || '';
  t.check(/ERROR/.test(line), `the log says why, as an error naming the field (${log})`, why(line || want));
  // such refusals count toward the throttle like wrong passwords: more
  // logins of it, the password right every time, until one is throttled
  // (from 127.0.0.7, under its address limit); exactly at the name limit,
  // as in the storm (throttled later, at IP_FAILS, would be the address's)
  const more = [invalid];
  for (let i = 1; i < NAME_FAILS + 5 && !throttled(more.at(-1)); i++)
    more.push(await attempt('127.0.0.7', '1020@cc.example', '9012'));
  const firstInvalidThrottled = more.findIndex(throttled);
  t.check(more.slice(0, NAME_FAILS).every(authFailed) && firstInvalidThrottled === NAME_FAILS,
    `logins refused for the invalid mapping count toward the throttle: refused ${NAME_FAILS} times, then throttled`,
    why({ firstInvalidThrottled, more }));
  const after = await attempt('127.0.0.8', '1010@cc.example', '5678');
  t.check(loggedIn(after), 'another user logs in right after it', why(after));
} catch (e) {
  t.check(false, 'login abuse test ran to the end', e.stack);
}
process.exit(t.failed ? 1 : 0);
