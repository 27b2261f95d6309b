// A Verto call taken over by another node (see test.sh): raw Verto from
// Chromium (real RTCPeerConnections), SIPp as the contact center
// (sipp/cc-takeover.xml), the session's keys read in Redis, each node's
// RPC over its ctl socket.
// Usage: node takeover.mjs TAP_START LOGDIR SIPP_DIR RUN_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { launch, tap } from '../lib.mjs';
import { sipp, sippEnd } from '../../../e2e/verto/sdklib.mjs';
import { query } from '../../../e2e/lib/ng.mjs';
import { killNode, kamcmd, node, nodeId, ownedBy as owned, redis, sessionKeys, stats, until } from './nodes.mjs';

const [start, logDir, sippDir, runDir] = process.argv.slice(2);
const t = tap(Number(start));
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir} (kam-a.log, kam-b.log, sipp-takeover-*)`;
const A = node('127.0.0.21', runDir, 'kam-a');
const B = node('127.0.0.22', runDir, 'kam-b');
const url = (n) => `ws://${n.ip}:8082/verto-ws`;

const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const open = (name, n) => ev(([s, u]) => vopen(s, u), [name, url(n)]);
const send = (name, obj) => ev(([s, o]) => vsend(s, o), [name, obj]);
const wait = (name, pred, ms = 8000) => ev(([s, p, m]) => vwait(s, new Function('m', `return ${p}`), m), [name, pred, ms]);
const msgs = (name) => ev((s) => socks[s].msgs, name);
const sendLogin = (name, who, sessid) => send(name, { jsonrpc: '2.0', id: `L-${name}`, method: 'login',
  params: { login: who, passwd: '1234', userVariables: {}, loginParams: {}, ...(sessid ? { sessid } : {}) } });
const login = async (name, who, sessid) => {
  await sendLogin(name, who, sessid);
  return wait(name, `m.id === 'L-${name}'`, 10000);
};
// the arrival rank (across sockets) of the answer to login L-NAME, 0 when none
const answerSeq = (name) => ev((s) => {
  const k = socks[s].msgs.findIndex((m) => m.id === `L-${s}`);
  return k < 0 ? 0 : socks[s].seqs[k];
}, name);

const callID = '8a0b1c2d-0000-4000-8000-0000000000d7';
const dialogParams = (extra = {}) => ({ audio: true, video: false, attach: false,
  userVariables: {}, callID, destination_number: '5000',
  remote_caller_id_name: 'Outbound Call', remote_caller_id_number: '5000',
  caller_id_name: 'Web User', caller_id_number: '1008', ...extra });

const cc = sipp(logDir, 'takeover', ['-sf', `${sippDir}/cc-takeover.xml`, '-i', '127.0.0.1', '-p', '5090',
  '-set', 'node_a', A.ip, '-set', 'node_b', B.ip,
  '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8893']);
let sessid = null;
try {
  // ---- the call through node A ----
  await open('a', A);
  const r = await login('a', '1008@cc.example');
  sessid = r?.result?.sessid;
  t.check(!!sessid, 'the browser logs in on node A', why(r));
  const sdp = await ev(() => audioOffer());
  await send('a', { jsonrpc: '2.0', id: 'inv', method: 'verto.invite', params: { sessid, sdp, dialogParams: dialogParams() } });
  const ans = await wait('a', `m.method === 'verto.answer' && m.params?.callID === '${callID}'`, 10000);
  t.check(!!ans, 'the contact center answers the call placed through node A', why(await msgs('a')));
  const { state: stateKey, owner: ownerKey } = sessionKeys(sessid);
  const ownedBy = (n) => owned(n, sessid);
  t.check(await until(() => ownedBy(A) && redis('EXISTS', stateKey) === '1', 'A owns the session'),
    'Redis: node A owns the session (owner key, state)', `owner ${redis('GET', ownerKey)}`);

  // ---- node A lives: a login on B with the sessid does not take the session ----
  // Its claim waits (up to 3.5 s) for A's key to lapse, without holding a
  // thread of B's login lane: a second login with the sessid is not made to
  // wait too (one waiting claim per sessid), and another user's login is
  // answered meanwhile (auth_workers 2: two sleeping claims held both).
  await open('s', B);
  await open('s2', B);
  await open('o2', B);
  await sendLogin('s', '1008@cc.example', sessid);
  await sendLogin('s2', '1008@cc.example', sessid);
  await sendLogin('o2', '1009@cc.example');
  const o2 = await wait('o2', "m.id === 'L-o2'", 10000);
  const s2 = await wait('s2', "m.id === 'L-s2'", 10000);
  // s answered before o2 or s2 would mean they waited behind its claim
  // (arrival order, not a time: s may well be answered by now)
  const sSeq = await answerSeq('s');
  const sEarly = sSeq > 0 && (sSeq < await answerSeq('o2') || sSeq < await answerSeq('s2'));
  t.check(o2?.result?.sessid && s2?.result?.sessid && s2.result.sessid !== sessid && !sEarly,
    'while one login with A\'s sessid waits on B for A\'s key, a second one with it gets a new session at once and another user logs in',
    why({ o2, s2, sEarly }));
  const steal = await wait('s', "m.id === 'L-s'", 10000);
  await wait('s', "m.method === 'verto.clientReady'", 3000);
  const sm = await msgs('s');
  t.check(steal?.result?.sessid && steal.result.sessid !== sessid && !sm.some((m) => m.method === 'verto.attach')
    && ownedBy(A),
  'node A alive: a login on B with its sessid gets a new session, no verto.attach; A still owns the session',
  why({ steal, sm, owner: redis('GET', ownerKey) }));
  t.check(await until(() => /takeovers_alive = 2\b/.test(stats(B)), 'takeovers_alive 2'),
    'node B counts both (verto:takeovers_alive 2)', stats(B));
  await ev(() => { for (const n of ['s', 's2', 'o2']) socks[n].ws.close(); });

  // ---- node A dies: every process of it, by PID ----
  const { pids, gone } = await killNode(A);
  t.check(pids.length > 3 && gone, `node A killed (${pids.length} processes, SIGKILL by PID)`, `pids ${pids}`);
  t.check(!!(await ev(() => vclosed('a', 5000))), 'the browser loses its WebSocket to node A', 'still open');
  // A "restarts" with its id at once: its node key exists again, with
  // another incarnation (what a new start of A writes) and a long TTL. Its
  // old sessions' owner is dead all the same.
  const aKey = `iwg:verto:node:{${nodeId(A)}}`;
  redis('SET', aKey, '00000000000000aa', 'PX', '60000');
  t.check(redis('GET', aKey) === '00000000000000aa' && !redis('GET', ownerKey).endsWith('#00000000000000aa'),
    'node A\'s key holds a new incarnation (a restart with the same id), the owner key the old one',
    `node key ${redis('GET', aKey)}, owner ${redis('GET', ownerKey)}`);

  // ---- the browser logs in on B with its sessid ----
  await open('b', B);
  const back = await login('b', '1008@cc.example', sessid);
  t.check(back?.result?.sessid === sessid, 'node B resumes the session: the login result carries the same sessid', why(back));
  const att = await wait('b', `m.method === 'verto.attach' && m.params?.callID === '${callID}'`, 10000);
  t.check(/a=ice-ufrag/.test(att?.params?.sdp || '') && /a=fingerprint/.test(att?.params?.sdp || ''),
    'node B sends verto.attach with a fresh offer (ICE, DTLS)', why(att));
  if (att) {
    const answer = await ev((m) => answerInvite(m), att);
    await send('b', { jsonrpc: '2.0', id: 'att', method: 'verto.attach', params: { sessid, sdp: answer,
      dialogParams: dialogParams({ attach: true }) } });
    const res = await wait('b', "m.id === 'att'");
    t.check(!!res?.result, 'the browser\'s answer to the re-attach is accepted', why(res));
  }
  const ready = await wait('b', "m.method === 'verto.clientReady'");
  t.check((ready?.params?.reattached_sessions || []).includes(callID), 'verto.clientReady lists the call', why(ready));
  t.check(await until(() => ownedBy(B), 'B owns the session'), 'Redis: the owner key now names node B',
    `owner ${redis('GET', ownerKey)}`);
  // the RPC snapshot is up to 1 s old
  const taken = () => kamcmd(B, 'verto.sessions').split(/\n(?=\{)/)
    .find((o) => o.includes(sessid) && /taken_over:\s*1/.test(o) && /calls:\s*1/.test(o));
  t.check(await until(taken, 'verto.sessions'), 'verto.sessions on B shows the session with its call, taken_over 1',
    kamcmd(B, 'verto.sessions'));
  t.check(await until(() => /sessions_taken = 1\b/.test(stats(B)), 'sessions_taken 1'),
    'node B counts it (verto:sessions_taken 1)', stats(B));

  // ---- another user with the sessid gets nothing of it ----
  await open('o', B);
  const other = await login('o', '1009@cc.example', sessid);
  await wait('o', "m.method === 'verto.clientReady'", 3000);
  t.check(other?.result?.sessid && other.result.sessid !== sessid && !(await msgs('o')).some((m) => m.method === 'verto.attach')
    && ownedBy(B), 'another user\'s login with the sessid gets a new session, no verto.attach; B keeps it',
  why({ other, owner: redis('GET', ownerKey) }));
  await ev(() => socks.o.ws.close());

  // ---- the contact center answers 491 to B's re-INVITE; B sends it again ----
  t.check(await until(() => /o=cc%20\d+%202%20IN/.test(redis('GET', stateKey)), 'the re-INVITE answered', 15000),
    'B sends its re-INVITE again after the contact center\'s 491 and stores the SDP of its 200',
    `state ${redis('GET', stateKey).slice(0, 300)}; see ${logDir}/kam-b.log`);

  // ---- media after the take-over: the browser's new peer connection
  // reaches rtpengine (ICE) and rtpengine's browser leg now sends to it.
  // (Its DTLS may not come up: rtpengine 10.5 checks a ClientHello that
  // arrives before the attach answer against the old fingerprint and
  // Chromium does not retry; docs/verto-ha.md, Limits.) ----
  const dlg = (redis('GET', stateKey).split('\n').find((l) => l.startsWith('dlg ')) || '').split(' ');
  const sipCid = decodeURIComponent(dlg[1] || 'none');
  const btag = decodeURIComponent(dlg[2] || 'none'); // the browser's leg: our local tag
  const pcPort = () => ev(async (id) => {
    const pc = pcs[id];
    if (!pc || !['connected', 'completed'].includes(pc.iceConnectionState)) return null;
    const st = [...(await pc.getStats()).values()];
    const tr = st.find((x) => x.type === 'transport' && x.selectedCandidatePairId);
    const pair = st.find((x) => x.id === tr?.selectedCandidatePairId)
      || st.find((x) => x.type === 'candidate-pair' && x.state === 'succeeded');
    return pair ? st.find((x) => x.id === pair.localCandidateId)?.port ?? null : null;
  }, callID);
  const rtpPort = async () => (await query(sipCid)).reply?.tags?.[btag]?.medias?.[0]?.streams?.[0]?.endpoint?.port;
  const port = await until(pcPort, 'ICE of the new peer connection', 10000);
  const same = port && await until(async () => (await rtpPort()) === port, 'rtpengine endpoint', 10000);
  t.check(port && same,
    'after the take-over the browser\'s new peer connection reaches rtpengine (ICE) and rtpengine\'s browser leg sends to it (NG query endpoint)',
    `pc port ${port}, rtpengine endpoint ${await rtpPort()} (call ${sipCid}, tag ${btag})`);

  // ---- the call goes on through B: a message, then the agent's BYE ----
  await send('b', { jsonrpc: '2.0', id: 'msg', method: 'verto.info', params: { sessid,
    msg: { from: '1008@cc.example', to: 'iwg-cc', body: JSON.stringify({ event: 'note', text: 'still here' }) },
    dialogParams: dialogParams({ attach: true }) } });
  const sent = await wait('b', "m.id === 'msg'");
  t.check(sent?.result?.message === 'SENT', 'the browser\'s message goes to the contact center through B', why(sent));
  const bye = await wait('b', `m.method === 'verto.bye' && m.params?.callID === '${callID}'`, 10000);
  t.check(!!bye, 'the contact center\'s BYE reaches node B: the browser gets verto.bye', why(await msgs('b')));
  const code = await cc.done;
  t.check(code === 0, 'SIPp: INVITE from A (no a=msid/ssrc); re-INVITE from B (same dialog, CSeq 2, B\'s Contact, plain RTP) answered 491, sent again (CSeq 3, no a=msid/ssrc); INFO CSeq 4; BYE answered 200 by B',
    `sipp exited ${code}; see ${logDir}/sipp-takeover-messages.log, sipp-takeover-errors.log`);
  t.check(await until(() => redis('EXISTS', stateKey, ownerKey) === '0', 'keys deleted'),
    'Redis: the session\'s keys go with its last call', `${redis('EXISTS', stateKey, ownerKey)} keys left`);
} catch (e) {
  t.check(false, 'the test ran to its end', e.stack);
} finally {
  // sdk-takeover.mjs's contact center takes the same ports next
  cc.proc.kill();
  if (await sippEnd(cc, 3000) === 'still running') cc.proc.kill('SIGKILL');
  await browser.close();
}
process.exit(t.failed ? 1 : 0);
