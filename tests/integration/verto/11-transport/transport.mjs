// The Verto endpoint's transport. Upgrades: an HTTP/1.1 request to upgrade
// to h2c is not switched (it would carry many WebSockets over one counted
// connection, without their address) and a wss client offering only ALPN
// h2 does not get it. Keep-alive (ping interval 2 s in this suite): two
// raw WebSocket clients of tests/lib/wsload.mjs log in as 1008@cc.example;
// one answers pings as a browser does, the other never does. The silent
// one is pinged, then closed by the server (it sent nothing since), and
// its session is kept detached; the other is still open then and is still
// open after several more pings, its session connected. Only order is
// asserted: each wait is a poll with a generous bound.
// Usage: node transport.mjs TAP_START LOGDIR WS_URL WSS_URL CA_PEM
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { loginParams, rpcUntil, wsConnect } from '../../../lib/wsload.mjs';
import { tap } from '../lib.mjs';

const [start, logDir, wsUrl, wssUrl, caFile] = process.argv.slice(2);
const t = tap(Number(start));
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir} (kamailio.log)`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(pred, ms) {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await sleep(100);
  return pred();
}
const sessionOf = (list, sessid) => (Array.isArray(list) ? list.find((s) => s.sessid === sessid) : undefined);

// what the server answers a raw HTTP request on a fresh connection (until
// it closes or 3 s pass)
function rawHttp(url, text) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port) });
    let got = '';
    const done = () => { s.destroy(); resolve(got); };
    s.on('connect', () => s.write(text));
    s.on('data', (b) => { got += b.toString('latin1'); });
    s.on('close', done);
    s.on('error', done);
    setTimeout(done, 3000);
  });
}
// the ALPN protocol a wss client offering only `proto` gets (false: none)
function alpnOf(url, proto) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = tls.connect({ host: u.hostname, port: Number(u.port), ca: fs.readFileSync(caFile),
      servername: 'localhost', rejectUnauthorized: false, ALPNProtocols: [proto] });
    s.on('secureConnect', () => { const a = s.alpnProtocol; s.destroy(); resolve(a); });
    s.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

try {
  const h2c = await rawHttp(wsUrl, 'GET /verto-ws HTTP/1.1\r\nHost: 127.0.0.1\r\n'
    + 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n');
  t.check(!/^HTTP\/1\.1 101/.test(h2c), 'an upgrade to h2c is not switched', why(h2c.slice(0, 200)));
  const alpn = await alpnOf(wssUrl, 'h2');
  t.check(alpn !== 'h2', `wss does not negotiate ALPN h2 (got ${alpn})`, why(alpn));

  const live = await wsConnect({ url: wsUrl });
  const mute = await wsConnect({ url: wsUrl, answerPings: false });
  t.check(live.upgraded && mute.upgraded, 'two WebSocket clients connected', why({ live: live.error, mute: mute.error }));
  const lr = await live.request('login', loginParams('1008@cc.example', '1234'), 8000);
  const mr = await mute.request('login', loginParams('1008@cc.example', '1234'), 8000);
  t.check(!!lr?.result?.sessid && !!mr?.result?.sessid, 'both log in', why({ lr, mr }));

  let muteClosed = false;
  mute.closed.then(() => { muteClosed = true; });
  await until(() => muteClosed, 20000);
  t.check(muteClosed, 'the client that never answers pings is closed by the server', why(mute.closeInfo));
  t.check((mute.pings || 0) >= 1, `it was pinged first (${mute.pings || 0} pings)`, why(mute.pings));
  t.check(!live.closeInfo && (live.pings || 0) >= 1,
    `the client that answers pings is still open then (${live.pings || 0} pings answered)`, why(live.closeInfo));

  const pingsBefore = live.pings || 0;
  await until(() => (live.pings || 0) >= pingsBefore + 3 || !!live.closeInfo, 20000);
  t.check(!live.closeInfo && (live.pings || 0) >= pingsBefore + 3,
    `and stays open over ${live.pings - pingsBefore} more pings`, why({ close: live.closeInfo, pings: live.pings }));

  const list = await rpcUntil('verto.sessions', (l) => sessionOf(l, mr.result.sessid)?.connected === 0
    && sessionOf(l, lr.result.sessid)?.connected === 1);
  t.check(sessionOf(list, mr.result.sessid)?.connected === 0 && sessionOf(list, lr.result.sessid)?.connected === 1,
    'verto.sessions: the silent client\'s session detached, the other connected', why(list));
  live.close();
} catch (e) {
  t.check(false, 'keep-alive test ran to the end', e.stack);
}
process.exit(t.failed ? 1 : 0);
