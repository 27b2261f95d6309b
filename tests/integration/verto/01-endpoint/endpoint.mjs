// iwg_verto WebSocket endpoint against raw Verto JSON-RPC frames from
// Chromium's native WebSocket: login, sessid resume, JSON-RPC errors, bounds
// (wss: wss.mjs). Usage: node endpoint.mjs TAP_START LOGDIR WS_URL
// SPDX-License-Identifier: GPL-2.0-or-later
import { launch, tap } from '../lib.mjs';

const [start, logDir, wsUrl] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)}; logs: ${logDir}`;
const login = (name, id, extra = {}) => ev(([n, i, x]) => vsend(n, { jsonrpc: '2.0', id: i, method: 'login',
  params: { login: '1008@cc.example', passwd: '1234', userVariables: { tenant: 'acme' }, loginParams: {}, ...x } }), [name, id, extra]);
const reply = (name, id) => ev(([n, i]) => vwait(n, (m) => m.id === i && !m.method, 5000), [name, id]);

try {
  let r = await ev(([u]) => vopen('a', u), [wsUrl]);
  const proto = await ev(() => socks.a.protocol);
  t.check(r && proto === '', 'upgrade without a subprotocol is accepted, none echoed', why(proto));

  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'p1', method: 'verto.invite', params: {} }));
  r = await reply('a', 'p1');
  t.check(r?.error?.code === -32000, 'a request before login gets -32000', why(r));

  await login('a', 'bad', { passwd: 'wrong' });
  r = await reply('a', 'bad');
  t.check(r?.error?.code === -32001, 'a bad password gets -32001 Authentication Failure', why(r));

  await ev(() => vsend('a', '{"jsonrpc":"2.0","id":"x",'));
  r = await ev(() => vwait('a', (m) => m.error?.code === -32700, 5000));
  t.check(r && r.id === null, 'malformed JSON gets -32700 and the socket stays open', why(r));

  await login('a', 'L1');
  r = await reply('a', 'L1');
  const sessid = r?.result?.sessid;
  t.check(r?.result?.message === 'logged in' && /^[0-9a-f-]{36}$/.test(sessid || ''),
    'first login without sessid gets a generated sessid', why(r));
  r = await ev(() => vwait('a', (m) => m.method === 'verto.clientReady', 5000));
  t.check(r && Array.isArray(r.params?.reattached_sessions), 'verto.clientReady follows the login result', why(r));

  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'u1', method: 'verto.frobnicate', params: {} }));
  r = await reply('a', 'u1');
  t.check(r?.error?.code === -32601, 'an unknown method gets -32601', why(r));

  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'b1', method: 'verto.bye', params: { dialogParams: { callID: 'nope' } } }));
  r = await reply('a', 'b1');
  t.check(r?.error?.code === -32002, 'verto.bye for an unknown call gets -32002', why(r));

  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'i1', method: 'verto.invite',
    params: { sdp: 'v=0\r\n', dialogParams: { callID: 'c-1', destination_number: '5'.repeat(10000) } } }));
  r = await reply('a', 'i1');
  t.check(r?.error?.code === -32002 && r.error.cause === 'INVALID_NUMBER_FORMAT',
    'a 10,000-character destination gets -32002 INVALID_NUMBER_FORMAT', why(r));

  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'i2', method: 'verto.invite',
    params: { sdp: 'not sdp', dialogParams: { callID: 'c-2', destination_number: '5000' } } }));
  r = await reply('a', 'i2');
  t.check(r?.error?.code === -32002 && r.error.cause === 'INCOMPATIBLE_DESTINATION',
    'an invalid SDP gets -32002 INCOMPATIBLE_DESTINATION', why(r));

  // a second client sends an oversized frame: only it is closed
  await ev(([u]) => vopen('big', u), [wsUrl]);
  await ev(() => vsend('big', 'x'.repeat(300000)));
  r = await ev(() => vclosed('big', 5000));
  t.check(r?.code === 1009, 'an oversized frame closes that connection with 1009', why(r));
  await ev(() => vsend('a', { jsonrpc: '2.0', id: 'u2', method: 'verto.nothing', params: {} }));
  r = await reply('a', 'u2');
  t.check(r?.error?.code === -32601, 'the other session keeps working', why(r));

  // reconnect: the SDK's double login with the stored sessid
  await ev(([u]) => vopen('b', u), [wsUrl]);
  await ev(([s]) => vsend('b', { jsonrpc: '2.0', id: 'd1', method: 'login', params: { userVariables: {}, loginParams: {}, sessid: s } }), [sessid]);
  r = await reply('b', 'd1');
  t.check(r?.error?.code === -32000, 'sessid-only login is answered with -32000', why(r));
  await login('b', 'd2', { sessid });
  r = await reply('b', 'd2');
  t.check(r?.result?.sessid === sessid, 'full login with the stored sessid resumes the session', why(r));
  r = await ev(() => vwait('a', (m) => m.method === 'verto.punt', 5000));
  t.check(!!r, 'the old connection of a resumed session gets verto.punt', why(r));

} catch (e) {
  t.check(false, 'endpoint test ran to the end', e.stack);
}
await browser.close();
process.exit(t.failed ? 1 : 0);
