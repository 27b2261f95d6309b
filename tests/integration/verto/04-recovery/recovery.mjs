// iwg_verto recovery: calls from the contact center (SIPp) to the PaaS user
// 1008@cc.example across a lost WebSocket. With the real @signalwire/js
// 1.5.0 SDK in Chromium: an answered call is re-attached (verto.attach,
// audio again, the contact center sees nothing), and a held call stays held
// across the loss (media toward the agent still blocked) until unhold. With
// raw Verto from Chromium: a client that does not come back loses its
// answered call after `grace` (BYE toward SIP, rtpengine session deleted,
// a late login with the old sessid re-attaches nothing), and its
// unanswered call toward SIP is cancelled at once.
// Usage: node recovery.mjs TAP_START LOGDIR WS_URL SIPP_DIR GRACE NG_BIN NG_ADDR
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import { poll } from '../../../e2e/lib/browser.mjs';
import { agentMedia, bundle, openSdkPage, sipp, sippEnd, twinServer } from '../../../e2e/verto/sdklib.mjs';
import { launch, tap } from '../lib.mjs';

const [start, logDir, wsUrl, sippDir, graceArg, ngBin, ngAddr] = process.argv.slice(2);
const grace = Number(graceArg);
const t = tap(Number(start));
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 700)}; logs: ${logDir} (kamailio.log, sipp-rec-*, browser-verto-rec.log)`;
const TWIN = 8896;

// SIPp as the contact center calling sip:1008@cc.example (UAC, 5091, media
// 41200) and as the agent iwg calls (UAS, 5090); both talk to our twin
const uac = (name, scenario) => sipp(logDir, `rec-${name}`, ['127.0.0.1:5060', '-sf', `${sippDir}/${scenario}`,
  '-s', '1008', '-i', '127.0.0.1', '-p', '5091', '-key', 'rtp_port', '41200', '-m', '1', '-cp', '8894',
  '-3pcc', `127.0.0.1:${TWIN}`]);
const uas = (name, scenario) => sipp(logDir, `rec-${name}`, ['127.0.0.1:5060', '-sf', `${sippDir}/${scenario}`,
  '-i', '127.0.0.1', '-p', '5090', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8893',
  '-3pcc', `127.0.0.1:${TWIN}`]);
const sippWhy = (name, code) => `sipp exited ${code}; see ${logDir}/sipp-rec-${name}-messages.log, ${logDir}/sipp-rec-${name}-errors.log`;

// what the scenarios told the twin, in order: {callId, agent, at}
const said = [];
const twin = await twinServer(TWIN, (h) => said.push({ callId: h['call-id'], agent: h.agent, at: Date.now() }));
const heard = (agent, from = 0) => said.slice(from).find((c) => c.agent === agent);
const agent = await agentMedia(41200);

let rid = 0;
async function rpc(method, params = []) {
  const r = await fetch('http://127.0.0.1:5065/RPC', { method: 'POST', headers: { 'content-type': 'application/json', 'x-iwg-rpc-key': process.env.IWG_RPC_KEY },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rid, method, params }) });
  const j = await r.json();
  return Array.isArray(j.result) ? j.result : j;
}
// rtpengine NG through iwg-ng: its JSON answer, or { failed: its stderr }
const [redisHost, redisPort] = (process.env.IWG_REDIS_ADDR || '127.0.0.1:6390').split(':');
const redis = (...args) => execFileSync('redis-cli', ['-h', redisHost, '-p', redisPort, '--raw', ...args], { encoding: 'utf8' }).replace(/\n$/, '');
const redisGet = (k) => redis('GET', k);
const redisTtl = (k) => Number(redis('PTTL', k));
const ng = (...args) => {
  try {
    return JSON.parse(execFileSync(ngBin, ['-s', ngAddr, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    return { failed: String(e.stderr || e.message).trim() };
  }
};

let sdk = null;
let raw = null;
const runs = [];
try {
  // ---- the SDK: an answered call from SIP survives a WebSocket loss ----
  const b = await bundle();
  sdk = await openSdkPage(b.outfile, `${logDir}/browser-verto-rec.log`);
  const { vt, events } = sdk;
  await vt('connect', wsUrl, '1008@cc.example', '1234', { tenant: 'acme' });
  const ready = await poll(async () => (await events()).find((e) => e.type === 'ready' || e.type === 'error'),
    { timeoutMs: 10000, what: 'signalwire.ready' }).catch((e) => ({ type: 'timeout', detail: e.message }));
  t.check(ready.type === 'ready', 'the SDK logs in as 1008@cc.example', why(ready));
  if (ready.type !== 'ready') throw new Error('login failed; nothing more to check');

  const rung = new Set();
  const nextRing = () => poll(async () => {
    const r = (await events()).find((e) => e.type === 'callUpdate' && e.detail.state === 'ringing' && !rung.has(e.detail.id));
    if (r) rung.add(r.detail.id);
    return r;
  }, { timeoutMs: 10000, what: 'an incoming call' }).catch(() => null);
  const stateIs = (s, what, ms = 10000) => poll(async () => (await vt('state')) === s, { timeoutMs: ms, what })
    .catch(async () => vt('info'));
  // audio both ways on the page's current peer connection (number pc)
  const audio = (pcNot) => poll(async () => {
    const s = await vt('stats');
    return s && s.pc !== pcNot && s.sent >= 25 && s.received >= 25 ? s : false;
  }, { timeoutMs: 15000, what: 'audio both ways' }).catch(async () => ({ failed: true, stats: await vt('stats') }));
  // the browser's audio reaches the agent: n more packets
  const agentGets = (n) => { const a = agent.packets; return poll(() => agent.packets >= a + n, { timeoutMs: 5000, what: 'agent RTP' }).catch(() => false); };
  // drops the SDK's WebSocket; resolves once the SDK got a verto.attach
  // for callID (verto.clientReady reattached_sessions) on a new socket
  const dropAndReattach = async (callID) => {
    const ev0 = (await events()).length;
    const dropped = await vt('drop');
    const back = await poll(async () => (await events()).slice(ev0).find((e) => e.type === 'clientReady'
      && (e.detail.reattached || []).includes(callID)), { timeoutMs: 10000, what: 'clientReady after the loss' })
      .catch(async () => ({ missing: true, events: (await events()).slice(ev0) }));
    return { dropped, back };
  };

  // A: answered, audio, loss, re-attach, audio again, agent hangs up
  let mark = said.length;
  let cc = uac('attach', 'cc-sdk-callback.xml');
  runs.push(cc);
  let ring = await nextRing();
  if (!ring) throw new Error('no incoming call; nothing more to check');
  await vt('answer');
  let st = await audio(0);
  t.check(!st.failed && (await vt('state')) === 'active', 'A: the call from SIP is answered (call.answer()), audio both ways', why(st));
  t.check(await agentGets(25) && heard('answered', mark), 'A: the agent hears the browser (plain RTP after its 200/ACK)', why({ packets: agent.packets, said }));
  const before = st;
  let r = await dropAndReattach(ring.detail.id);
  t.check(r.dropped && !r.back.missing, 'A: the WebSocket drops; the SDK logs in again and iwg re-attaches the call (verto.attach, clientReady lists it)', why(r));
  st = await audio(before.pc);
  t.check(!st.failed && (await vt('state')) === 'active', 'A: the re-attached call is active with audio both ways on a new peer connection', why({ before, after: st }));
  t.check(await agentGets(25), 'A: the agent hears the browser again after the re-attach', why(agent.packets));
  t.check(cc.proc.exitCode === null, 'A: the contact center saw no BYE across the loss (SIPp still in the call)', sippWhy('attach', cc.proc.exitCode));
  twin.send(heard('answered', mark).callId, { Agent: 'hangup' });
  let gone = await stateIs('destroy', 'destroy after the agent\'s BYE');
  let code = await sippEnd(cc);
  t.check(gone === true && code === 0, 'A: the agent hangs up, the SDK call ends; SIPp saw no re-INVITE or BYE before its own (scenario ok)',
    `${JSON.stringify(gone)}; ${sippWhy('attach', code)}`);

  // B: held when the WebSocket drops: still held after the re-attach
  mark = said.length;
  cc = uac('hold', 'cc-rec-hold.xml');
  runs.push(cc);
  ring = await nextRing();
  if (!ring) throw new Error('no second incoming call; nothing more to check');
  await vt('answer');
  st = await audio(0);
  t.check(!st.failed && await agentGets(25), 'B: a second call from SIP is answered, audio both ways', why({ st, agent: agent.packets }));
  await vt('hold');
  const held = await stateIs('held', 'held');
  const gotHold = await poll(() => heard('held', mark), { timeoutMs: 5000, what: 'held' }).catch(() => null);
  t.check(held === true && gotHold, 'B: call.hold(): the SDK call is held, the agent got the sendonly re-INVITE', why({ held, said }));
  // while held, the browser's packets stop at rtpengine (block media)
  const sentFrom = async (n) => { const s0 = await vt('stats'); return poll(async () => { const s = await vt('stats'); return s && s.pc === s0.pc && s.sent >= s0.sent + n ? s : false; }, { timeoutMs: 8000, what: 'browser sending' }).catch(() => null); };
  await sentFrom(10); // packets in flight at the hold are through
  let a0 = agent.packets;
  let sent = await sentFrom(50);
  t.check(sent && agent.packets - a0 <= 2, `B: while held, the browser's audio does not reach the agent (50 packets sent, ${agent.packets - a0} arrived)`,
    why({ sent, agentGot: agent.packets - a0 }));
  const pcHeld = (await vt('stats')).pc;
  r = await dropAndReattach(ring.detail.id);
  t.check(r.dropped && !r.back.missing, 'B: the WebSocket drops during the hold; iwg re-attaches the held call', why(r));
  st = await poll(async () => { const s = await vt('stats'); return s && s.pc !== pcHeld && s.sent >= 50 && s.received >= 25 ? s : false; },
    { timeoutMs: 15000, what: 'new peer connection up' }).catch(async () => ({ failed: true, stats: await vt('stats') }));
  t.check(!st.failed, 'B: the re-attached call has a new peer connection, connected (it sends audio and receives the agent\'s)', why(st));
  a0 = agent.packets;
  sent = await sentFrom(50);
  const heldCalls = await rpc('verto.calls');
  const vc = Array.isArray(heldCalls) ? heldCalls.find((c) => c.callID === ring.detail.id) : heldCalls;
  t.check(sent && agent.packets - a0 <= 2 && vc && vc.held === 1 && !heard('resumed', mark),
    `B: after the re-attach the call is still held: 50 more packets from the browser, ${agent.packets - a0} at the agent; verto.calls says held`,
    why({ sent, agentGot: agent.packets - a0, call: vc }));
  await vt('unhold');
  const resumed = await poll(() => heard('resumed', mark), { timeoutMs: 8000, what: 'resumed' }).catch(() => null);
  t.check(!!resumed && (await vt('state')) === 'active', 'B: call.unhold() after the re-attach: the agent gets the sendrecv re-INVITE', why({ said, info: await vt('info') }));
  t.check(await agentGets(25), 'B: media flows to the agent again after the unhold', why(agent.packets));
  twin.send(heard('answered', mark).callId, { Agent: 'hangup' });
  gone = await stateIs('destroy', 'destroy after the agent\'s BYE');
  code = await sippEnd(cc);
  t.check(gone === true && code === 0, 'B: the agent saw exactly hold, unhold, its own BYE (no re-INVITE from the loss; scenario ok)',
    `${JSON.stringify(gone)}; ${sippWhy('hold', code)}`);
  await vt('disconnect');
  await sdk.close();
  sdk = null;

  // ---- raw Verto: the client never comes back ----
  raw = await launch();
  const ev = (fn, ...a) => raw.page.evaluate(fn, ...a);
  const send = (obj) => ev((o) => vsend('r', o), obj);
  const wait = (sock, pred, ms = 8000) => ev(([n, p, m]) => vwait(n, new Function('m', `return ${p}`), m), [sock, pred, ms]);
  await ev(([u]) => vopen('r', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example', passwd: '1234', userVariables: {}, loginParams: {} } });
  const sessid = (await wait('r', "m.id === 'L1'"))?.result?.sessid;
  t.check(!!sessid, 'C: a raw Verto client logs in', why(sessid));

  // C: a call from SIP answered by the raw client
  mark = said.length;
  const ccGrace = uac('grace', 'cc-rec-grace.xml');
  runs.push(ccGrace);
  const inv = await wait('r', "m.method === 'verto.invite'", 10000);
  const callID = inv?.params?.callID;
  await send({ jsonrpc: '2.0', id: inv?.id, result: { method: 'verto.invite' } });
  const asdp = await ev((i) => answerInvite(i), inv);
  await send({ jsonrpc: '2.0', id: 'A1', method: 'verto.answer', params: { sessid, sdp: asdp,
    dialogParams: { callID, destination_number: '1008', remote_caller_id_name: 'Agent Smith', remote_caller_id_number: '2001' } } });
  const ans = await wait('r', "m.id === 'A1'");
  const gotAudio = await agentGets(25);
  t.check(ans?.result && gotAudio && heard('answered', mark), 'C: the raw client answers a call from SIP; the agent hears it', why({ ans, agent: agent.packets }));

  // D: an unanswered call toward SIP (the agent rings, 180)
  const ccCancel = uas('cancel', 'cc-rec-cancel.xml');
  runs.push(ccCancel);
  const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'
    + 'c=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n'
    + 'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF\r\n'
    + 'a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n';
  const outID = '04ec0000-0000-4000-8000-00000000ca11';
  await send({ jsonrpc: '2.0', id: 'I1', method: 'verto.invite', params: { sessid, sdp: offer,
    dialogParams: { callID: outID, destination_number: '5000' } } });
  const ir = await wait('r', "m.id === 'I1'");
  // the agent rings (180 sent) and both calls are listed
  const ringingAt = await poll(() => heard('ringing', mark), { timeoutMs: 8000, what: 'the agent ringing' }).catch(() => null);
  let calls = await poll(async () => {
    const l = await rpc('verto.calls');
    return Array.isArray(l) && l.some((c) => c.callID === outID) && l.some((c) => c.callID === callID && c.state === 'active') ? l : false;
  }, { timeoutMs: 5000, what: 'both calls listed' }).catch(async () => rpc('verto.calls'));
  const inCall = Array.isArray(calls) ? calls.find((c) => c.callID === callID) : null;
  t.check(ir?.result && ringingAt && inCall && inCall.rtpengine_callid,
    'C/D: the agent rings (180); verto.calls lists the answered call from SIP and the ringing call toward SIP', why({ ir, ringingAt, calls }));
  const rtpCallid = inCall?.rtpengine_callid;
  const q0 = rtpCallid ? ng('query', rtpCallid) : null;
  t.check(q0 && q0.result === 'ok', 'C: rtpengine has a session for the answered call (NG query)', why(q0));
  // the session survives its node: its state and owner are in Redis
  const stKey = `iwg:verto:{${sessid}}`;
  const stored = await poll(() => {
    const v = redisGet(stKey);
    return v.includes(`\ncall ${callID} 0 0 `) ? v : false;
  }, { timeoutMs: 5000, what: 'the session state in Redis' }).catch(() => redisGet(stKey));
  const owner = redisGet(`${stKey}:owner`);
  t.check(stored.startsWith('iwg-verto-state 1\nsession ') && stored.includes(`\ndlg ${rtpCallid} `) && /\npeer v=0%0D%0A/.test(stored) &&
    /^sip:verto@127\.0\.0\.1:5060#[0-9a-f]{16}$/.test(owner) && redisTtl(stKey) > 0,
    'C: the answered call\'s session is in Redis (state with its dialog and the peer\'s SDP, owner this node#incarnation, a TTL)', why({ stored, owner }));

  // the client vanishes: its WebSocket closes and it never comes back
  const dropAt = Date.now();
  await ev(() => window.socks.r.ws.close());
  const cancelled = await poll(() => heard('cancelled', mark), { timeoutMs: 5000, what: 'CANCEL at the agent' }).catch(() => null);
  const snap = await poll(async () => {
    const l = await rpc('verto.calls');
    return Array.isArray(l) && !l.some((c) => c.callID === outID) ? l : false;
  }, { timeoutMs: 3000, what: 'the cancelled call gone from verto.calls' }).catch(async () => rpc('verto.calls'));
  const byeSoFar = heard('bye', mark);
  const detached = Array.isArray(snap) ? snap.find((c) => c.callID === callID) : null;
  t.check(!!cancelled && !byeSoFar, `D: the unanswered call toward SIP is cancelled at once (CANCEL at the agent ${cancelled ? cancelled.at - dropAt : '?'} ms after the loss, before the answered call's grace is over)`,
    why({ cancelled, byeSoFar, afterMs: cancelled ? cancelled.at - dropAt : null }));
  t.check(detached && detached.detached === 1, 'D: meanwhile the answered call waits detached (verto.calls)', why(snap));
  code = await sippEnd(ccCancel);
  t.check(code === 0, 'D: the agent answered the CANCEL 200 and the INVITE 487, got the ACK', sippWhy('cancel', code));

  // C: grace expiry: BYE toward SIP, rtpengine session deleted
  const bye = await poll(() => heard('bye', mark), { timeoutMs: (grace + 10) * 1000, what: 'BYE after grace' }).catch(() => null);
  const graceMs = bye ? bye.at - dropAt : null;
  t.check(bye && graceMs >= (grace - 1) * 1000,
    `C: ${grace} s after the loss the contact center gets a BYE (after ${graceMs} ms)`, why({ said, graceMs }));
  code = await sippEnd(ccGrace);
  t.check(code === 0, 'C: the agent saw nothing but that BYE after its ACK (scenario ok)', sippWhy('grace', code));
  const q1 = ng('query', rtpCallid || 'none');
  t.check(q1 && /Unknown call-id/.test(q1.failed || ''), 'C: the rtpengine session of the call is deleted (NG query: Unknown call-id)', why(q1));
  calls = await poll(async () => { const l = await rpc('verto.calls'); return Array.isArray(l) && l.length === 0 ? l : false; },
    { timeoutMs: 3000, what: 'no calls' }).catch(async () => rpc('verto.calls'));
  t.check(Array.isArray(calls) && calls.length === 0, 'C: verto.calls is empty', why(calls));
  const left = await poll(() => (redisGet(stKey) === '' && redisGet(`${stKey}:owner`) === '' ? true : false),
    { timeoutMs: 3000, what: 'the session state deleted' }).catch(() => redisGet(stKey));
  t.check(left === true, 'C: once its last call is over, the session\'s state and owner are deleted from Redis', why(left));

  // a late login with the old sessid: no verto.attach, clientReady lists nothing
  await ev(([u]) => vopen('late', u), [wsUrl]);
  await ev(([s]) => vsend('late', { jsonrpc: '2.0', id: 'L2', method: 'login', params: { login: '1008@cc.example',
    passwd: '1234', userVariables: {}, loginParams: {}, sessid: s } }), [sessid]);
  const late = await wait('late', "m.id === 'L2'");
  const cr = await wait('late', "m.method === 'verto.clientReady'");
  const msgs = await ev(() => window.socks.late.msgs);
  t.check(late?.result && cr && (cr.params.reattached_sessions || []).length === 0 && !msgs.some((m) => m.method === 'verto.attach'),
    'C: a late login with the old sessid gets no verto.attach (clientReady reattached_sessions [])', why(msgs));
} catch (e) {
  t.check(false, 'recovery test ran to the end', `${e.stack}; logs: ${logDir}`);
}
for (const run of runs) if (run.proc.exitCode === null) run.proc.kill();
agent.close();
twin.close();
if (sdk) await sdk.close();
if (raw) await raw.browser.close();
process.exit(t.failed ? 1 : 0);
