// iwg_verto wss listener from Chromium's native WebSocket (the self-signed
// certificate of the test run is accepted with --ignore-certificate-errors):
// the upgrade over TLS, a login and verto.clientReady.
// Usage: node wss.mjs TAP_START LOGDIR WSS_URL
// SPDX-License-Identifier: GPL-2.0-or-later
import { launch, tap } from '../lib.mjs';

const [start, logDir, wssUrl] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)}; logs: ${logDir}`;

try {
  const opened = await ev(([u]) => vopen('s', u), [wssUrl]);
  const closed = await ev(() => socks.s.closed);
  t.check(opened === true, `Chromium opens ${wssUrl}`, why(closed));

  await ev(() => vsend('s', { jsonrpc: '2.0', id: 'w1', method: 'login',
    params: { login: '1008@cc.example', passwd: '1234', userVariables: {}, loginParams: {} } }));
  let r = await ev(() => vwait('s', (m) => m.id === 'w1' && !m.method, 5000));
  t.check(r?.result?.message === 'logged in' && /^[0-9a-f-]{36}$/.test(r.result.sessid || ''),
    'a login over wss gets its result with a sessid', why(r));
  r = await ev(() => vwait('s', (m) => m.method === 'verto.clientReady', 5000));
  t.check(!!r, 'verto.clientReady follows the login over wss', why(r));
} catch (e) {
  t.check(false, 'wss test ran to the end', e.stack);
}
await browser.close();
process.exit(t.failed ? 1 : 0);
