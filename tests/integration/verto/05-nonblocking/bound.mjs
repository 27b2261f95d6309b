// iwg_verto bounds the logins in flight (max_logins_pending 16 in all,
// max_logins_per_ip 8 per address in this suite): with Redis paused, many
// logins at once from one address reach its bound; the logins beyond it
// are refused at once with -32002 SERVER BUSY (not the -32001 of a wrong
// password), every login is answered, the logins_busy counter rises; a
// login from another address meanwhile is not refused busy (one address
// cannot take the lane); once Redis is back a login succeeds again.
// Usage: node bound.mjs TAP_START LOGDIR WS_URL REDIS_PORT
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { launch, tap } from '../lib.mjs';
import { loginParams, wsConnect } from '../../../lib/wsload.mjs';

const N = 40;
const [start, logDir, wsUrl, redisPort] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)}; logs: ${logDir}`;
const redis = (...args) => execFileSync('redis-cli', ['-p', redisPort, ...args],
  { encoding: 'utf8' }).trim();
// one login name per connection: logins in flight for one name are bounded
// by the failed-login throttle (login_fails) long before max_logins_pending
const loginFrame = (id) => ({ jsonrpc: '2.0', id, method: 'login',
  params: { login: `bound-${id}@cc.example`, passwd: '1234', userVariables: {}, loginParams: {} } });

async function busyLogins() {
  const r = await fetch('http://127.0.0.1:5065/RPC', { method: 'POST', headers: { 'content-type': 'application/json', 'x-iwg-rpc-key': process.env.IWG_RPC_KEY },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'stats.get_statistics', params: ['verto:'] }) });
  const m = /verto:logins_busy = ([0-9]+)/.exec(JSON.stringify((await r.json())?.result || ''));
  return m ? Number(m[1]) : -1;
}

try {
  const opened = await ev(async ([n, u]) => {
    const r = await Promise.all([...Array(n).keys()].map((i) => vopen(`c${i}`, u)));
    return r.filter(Boolean).length;
  }, [N, wsUrl]);
  t.check(opened === N, `${N} connections open`, why(opened));

  const other = await wsConnect({ url: wsUrl, localAddress: '127.0.0.9' });
  const paused = redis('CLIENT', 'PAUSE', '5000', 'ALL');
  t.check(paused === 'OK', 'redis paused (CLIENT PAUSE 5000 ALL)', why(paused));
  await ev(([n, frames]) => { for (let i = 0; i < n; i++) vsend(`c${i}`, frames[i]); },
    [N, [...Array(N).keys()].map((i) => loginFrame(`L${i}`))]);
  const otherReply = other.request('login', loginParams('bound-other@cc.example', '1234'), 15000);
  const replies = await ev((n) => Promise.all([...Array(n).keys()].map((i) =>
    vwait(`c${i}`, (m) => m.id === `L${i}` && !m.method, 15000))), N);
  const fromOther = await otherReply;
  const busy = replies.filter((r) => r?.error?.code === -32002 && r.error.message === 'SERVER BUSY').length;
  const timedOut = replies.filter((r) => r?.error?.code === -32001).length;
  t.check(replies.every(Boolean), `every one of the ${N} logins is answered`, why(replies.filter((r) => !r).length));
  t.check(busy > 0, 'logins beyond the bound get -32002 SERVER BUSY', why({ busy, timedOut }));
  t.check(fromOther && !(fromOther.error?.code === -32002),
    'meanwhile a login from 127.0.0.9 is not refused busy (the first address has only its share)', why(fromOther));
  other.close();
  t.check(busy + timedOut === N, 'the others get -32001 (the paused store timed out); none logged in',
    why({ busy, timedOut, other: replies.filter((r) => !(r?.error?.code === -32002 || r?.error?.code === -32001)) }));

  let refused = -1;
  for (let i = 0; i < 25 && refused < busy; i++) {
    refused = await busyLogins();
    if (refused < busy) await new Promise((r) => setTimeout(r, 200));
  }
  t.check(refused >= busy, 'stats.get_statistics verto:logins_busy counts them', why({ refused, busy }));

  redis('CLIENT', 'UNPAUSE');
  await ev(() => vsend('c0', { jsonrpc: '2.0', id: 'again', method: 'login',
    params: { login: '1008@cc.example', passwd: '1234', userVariables: {}, loginParams: {} } }));
  const again = await ev(() => vwait('c0', (m) => m.id === 'again' && !m.method, 15000));
  t.check(!!again?.result?.sessid, 'with Redis back, a login succeeds again', why(again));
} catch (e) {
  t.check(false, 'bound test ran to the end', e.stack);
}
await browser.close();
process.exit(t.failed ? 1 : 0);
