// iwg_verto's WebSocket loop keeps serving while a login waits on a stalled
// identity store: Redis is paused (CLIENT PAUSE, started by this test on
// the suite's own Redis), connection a logs in and sends one more frame,
// connection b sends a frame; b's answer must come before a's login result,
// and a's frame after it. Then Redis is back and a logs in. Then a call's
// rtpengine offer waits on a stopped rtpengine (SIGSTOP of the suite's own
// rtpengine, by PID): both connections are answered meanwhile, a request
// for that call waits for it, and the call goes on after SIGCONT.
// Usage: node nonblocking.mjs TAP_START LOGDIR WS_URL REDIS_PORT RTPENGINE_PID SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { launch, tap } from '../lib.mjs';
import { sipp, sippEnd } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, redisPort, rtpPid, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)}; logs: ${logDir}`;
const redis = (...args) => execFileSync('redis-cli', ['-p', redisPort, ...args],
  { encoding: 'utf8' }).trim();
const login = (name, id) => ev(([n, i]) => vsend(n, { jsonrpc: '2.0', id: i, method: 'login',
  params: { login: '1008@cc.example', passwd: '1234', userVariables: {}, loginParams: {} } }), [name, id]);
const reply = (name, id) => ev(([n, i]) => vwait(n, (m) => m.id === i && !m.method, 15000), [name, id]);
// the position of a socket's message in the page's overall arrival order
const pos = (name, pred) => ev(([n, p]) => window.arrivals.findIndex(
  (x) => x.name === n && new Function('m', `return ${p}`)(x.m)), [name, pred]);

try {
  for (const n of ['a', 'b']) {
    const ok = await ev(([name, u]) => vopen(name, u).then((r) => {
      window.arrivals = window.arrivals || [];
      socks[name].ws.addEventListener('message', (e) => window.arrivals.push({ name, m: JSON.parse(e.data) }));
      return r;
    }), [n, wsUrl]);
    t.check(ok, `connection ${n} opens`, why(ok));
  }

  // 1. a's login while Redis holds every command (longer than the
  // module's Redis timeout): b is answered first
  const paused = redis('CLIENT', 'PAUSE', '3000', 'ALL');
  t.check(paused === 'OK', 'redis paused (CLIENT PAUSE 3000 ALL)', why(paused));
  await login('a', 'LA');
  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'ua', method: 'verto.frobnicate', params: {} }));
  await ev(() => vsend('b', { jsonrpc: '2.0', id: 'ub', method: 'verto.info', params: {} }));
  const rb = await reply('b', 'ub');
  t.check(rb?.error?.code === -32000, 'b (not logged in) gets -32000 while a waits', why(rb));
  const ra = await reply('a', 'LA');
  t.check(ra?.error?.code === -32001, "a's login, the store timing out, gets -32001", why(ra));
  const rua = await reply('a', 'ua');
  t.check(rua?.error?.code === -32000, "a's frame sent during the refused login gets -32000 after it",
    why(rua));
  const pb = await pos('b', "m.id === 'ub'");
  const pa = await pos('a', "m.id === 'LA'");
  const pua = await pos('a', "m.id === 'ua'");
  t.check(pb >= 0 && pa > pb, "b's answer arrives before a's login result (loop not blocked)",
    why({ b: pb, loginA: pa }));
  t.check(pua > pa, "a's frame sent while its login waited is answered after the login result",
    why({ loginA: pa, frameA: pua }));

  // 2. Redis back (PING waits for the pause to end): a logs in, its next
  // frame follows in order
  const pong = redis('PING');
  t.check(pong === 'PONG', 'redis answers again', why(pong));
  await login('a', 'LA2');
  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'ua2', method: 'verto.frobnicate', params: {} }));
  const ra2 = await reply('a', 'LA2');
  t.check(ra2?.result?.message === 'logged in' && /^[0-9a-f-]{36}$/.test(ra2.result.sessid || ''),
    'a logs in once the store is back', why(ra2));
  const rua2 = await reply('a', 'ua2');
  const p2 = await pos('a', "m.id === 'LA2'");
  const pr = await pos('a', "m.method === 'verto.clientReady'");
  const pu2 = await pos('a', "m.id === 'ua2'");
  t.check(rua2?.error?.code === -32601 && p2 < pr && pr < pu2,
    'then verto.clientReady, then the answer to the next frame', why({ login: p2, ready: pr, frame: pu2 }));

  // 3. two logins stalled at once (two workers): b is still served
  const paused2 = redis('CLIENT', 'PAUSE', '3000', 'ALL');
  t.check(paused2 === 'OK', 'redis paused again', why(paused2));
  await ev(([u]) => vopen('c', u), [wsUrl]);
  await login('b', 'LB');
  await login('c', 'LC');
  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'ua3', method: 'verto.frobnicate', params: {} }));
  const rua3 = await reply('a', 'ua3');
  const rlb = await reply('b', 'LB');
  const rlc = await reply('c', 'LC');
  const pa3 = await pos('a', "m.id === 'ua3'");
  const pb3 = await pos('b', "m.id === 'LB'");
  t.check(rua3?.error?.code === -32601 && pa3 < pb3,
    "a logged-in session is answered while two logins wait", why({ a: pa3, loginB: pb3, rua3 }));
  t.check(!!rlb && !!rlc, 'both stalled logins are answered', why({ rlb, rlc }));
  redis('PING');

  // 4. a call's rtpengine offer waits on a stopped rtpengine: the
  // connections are served, the call's own request waits for the offer
  const busy = sipp(logDir, 'nb-busy', ['127.0.0.1:5060', '-sf', `${sippDir}/cc-busy.xml`,
    '-i', '127.0.0.1', '-p', '5090', '-m', '1', '-cp', '8893']);
  const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'
    + 'c=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n'
    + 'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF\r\n'
    + 'a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n';
  const callID = '05nb0000-0000-4000-8000-00000000ca11';
  process.kill(Number(rtpPid), 'SIGSTOP');
  let resumed = false;
  try {
    await ev(([sdp, id]) => vsend('a', { jsonrpc: '2.0', id: 'IA', method: 'verto.invite',
      params: { sdp, dialogParams: { callID: id, destination_number: '5000' } } }), [offer, callID]);
    await ev(([id]) => vsend('a', { jsonrpc: '2.0', id: 'DA', method: 'verto.info',
      params: { dtmf: '1', dialogParams: { callID: id } } }), [callID]);
    await ev(() => vsend('a', { jsonrpc: '2.0', id: 'ua4', method: 'verto.frobnicate', params: {} }));
    await ev(() => vsend('b', { jsonrpc: '2.0', id: 'ub4', method: 'verto.frobnicate', params: {} }));
    const rua4 = await reply('a', 'ua4');
    const rub4 = await reply('b', 'ub4');
    process.kill(Number(rtpPid), 'SIGCONT');
    resumed = true;
    const ria = await reply('a', 'IA');
    const rda = await reply('a', 'DA');
    const pia = await pos('a', "m.id === 'IA'");
    const pua4 = await pos('a', "m.id === 'ua4'");
    const pub4 = await pos('b', "m.id === 'ub4'");
    const pda = await pos('a', "m.id === 'DA'");
    t.check(rua4?.error && rub4?.error && pua4 >= 0 && pub4 >= 0 && pua4 < pia && pub4 < pia,
      "while rtpengine is stopped, both connections' frames are answered before the call's invite result",
      why({ ua4: pua4, ub4: pub4, invite: pia }));
    t.check(ria?.result?.message === 'CALL CREATED', 'after SIGCONT the call goes on: CALL CREATED', why(ria));
    t.check(rda?.error?.code === -32002 && pda > pia,
      'the DTMF request for that call waited for it (answered after CALL CREATED; not active yet: -32002)',
      why({ rda, dtmf: pda, invite: pia }));
    const bye = await ev(([id]) => vwait('a', (m) => m.method === 'verto.bye' && m.params?.callID === id, 15000), [callID]);
    t.check(bye?.params?.cause === 'USER_BUSY', 'the INVITE reached the contact center (486): verto.bye USER_BUSY', why(bye));
  } finally {
    if (!resumed) process.kill(Number(rtpPid), 'SIGCONT');
  }
  const code = await sippEnd(busy);
  t.check(code === 0, 'the contact center got the INVITE and the ACK of its 486 (SIPp ok)',
    `sipp exited ${code}; see ${logDir}/sipp-nb-busy-messages.log`);
} catch (e) {
  t.check(false, 'nonblocking test ran to the end', e.stack);
}
await browser.close();
process.exit(t.failed ? 1 : 0);
