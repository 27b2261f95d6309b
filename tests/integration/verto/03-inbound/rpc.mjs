// iwg_verto RPC commands over Kamailio's JSON-RPC HTTP listener
// (127.0.0.1:5065/RPC): verto.sessions and verto.calls list a logged-in
// session and its call (with the SIP Call-ID and rtpengine call-id),
// verto.kick punts the session; stats.get_statistics shows the counters.
// Usage: node rpc.mjs TAP_START LOGDIR WS_URL
// SPDX-License-Identifier: GPL-2.0-or-later
import { launch, tap } from '../lib.mjs';

const [start, logDir, wsUrl] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let rid = 0;
async function rpc(method, params = []) {
  const r = await fetch('http://127.0.0.1:5065/RPC', { method: 'POST', headers: { 'content-type': 'application/json', 'x-iwg-rpc-key': process.env.IWG_RPC_KEY },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rid, method, params }) });
  return r.json();
}
// the RPC listing is a snapshot up to a second old: poll
async function until(method, pred, ms = 5000) {
  const t0 = Date.now();
  let r;
  do {
    r = await rpc(method);
    if (pred(r)) return r;
    await sleep(200);
  } while (Date.now() - t0 < ms);
  return r;
}

const send = (obj) => ev((o) => vsend('k', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('k', new Function('m', `return ${p}`), m), [pred, ms]);
try {
  await ev(([u]) => vopen('k', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L', method: 'login', params: { login: '1008@cc.example', passwd: '1234',
    userVariables: {}, loginParams: {} } });
  const sessid = (await wait("m.id === 'L'"))?.result?.sessid;
  const list = (r) => (Array.isArray(r?.result) ? r.result : []);
  let r = await until('verto.sessions', (x) => list(x).some((s) => s.sessid === sessid));
  const s = list(r).find((x) => x.sessid === sessid);
  t.check(s && s.login === '1008@cc.example' && s.sip_uri === 'sip:1008@cc.example' && s.connected === 1,
    'verto.sessions lists the session (login, mapped sip_uri, connected)', why(r));
  // a call toward the contact center that never answers: it shows in verto.calls
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'
    + 'c=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n'
    + 'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF\r\n'
    + 'a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n';
  const callID = '5e1f0000-0000-4000-8000-00000000c0de';
  await send({ jsonrpc: '2.0', id: 'I', method: 'verto.invite', params: { sessid, sdp,
    dialogParams: { callID, destination_number: '5999' } } });
  const ir = await wait("m.id === 'I'");
  r = await until('verto.calls', (x) => list(x).some((c) => c.callID === callID));
  const c = list(r).find((x) => x.callID === callID);
  t.check(ir?.result && c && c.direction === 'outbound' && c.sessid === sessid && c.sip_callid
    && c.rtpengine_callid === c.sip_callid && c.dest === '5999',
  'verto.calls lists the call with its SIP Call-ID and rtpengine call-id', why([ir, r]));
  r = await rpc('verto.kick', ['00000000-0000-4000-8000-000000000000']);
  t.check(r?.error, 'verto.kick of an unknown sessid is an error', why(r));
  r = await rpc('verto.kick', [sessid]);
  const punt = await wait("m.method === 'verto.punt'");
  const closed = await ev(() => vclosed('k', 5000));
  t.check(!r?.error && punt && closed, 'verto.kick sends verto.punt and closes the WebSocket', why([r, punt, closed]));
  // nobody answers at 5090: the CANCEL waits for a provisional (RFC 3261 9.1)
  r = await until('verto.calls', (x) => list(x).some((cc) => cc.callID === callID && cc.detached === 1));
  const k = list(r).find((cc) => cc.callID === callID);
  t.check(k && k.detached === 1 && k.state === 'cancelling',
    'the kicked session\'s unanswered call is being cancelled', why(r));
  r = await rpc('stats.get_statistics', ['verto:']);
  const st = JSON.stringify(r?.result || '');
  t.check(/verto:logins_ok = [1-9]/.test(st) && /verto:calls_out = [1-9]/.test(st),
    'stats.get_statistics verto: has the counters (logins_ok, calls_out)', why(r));
} catch (e) {
  t.check(false, 'rpc test ran to the end', e.stack);
}
await browser.close();
process.exit(t.failed ? 1 : 0);
