// iwg_verto: the contact center transfers or conferences the browser's call
// and the browser's media keeps working. Raw Verto JSON-RPC from Chromium
// with a real RTCPeerConnection; SIPp plays the agents (A on 5090, the
// transfer targets on 5091), driven through SIPp's 3PCC twin; the agents'
// media endpoints (RTP counted, PCMA sent back) are this script's sockets.
//
//   0. REFER in an early dialog: 403 Dialog Not Confirmed
//   1. REFER from an address outside the contact center (refused by the
//      cfg), without Refer-To (400), with an http Refer-To (400), to a busy
//      target (202, NOTIFY 100 then 486): the call stays with agent A and
//      A gets the browser's media again
//   2. attended transfer: A's REFER with Replaces; B gets the INVITE with
//      Replaces and answers; the browser's media reaches B, the browser
//      receives B's, A gets NOTIFY 100, 200 and the BYE, no verto.bye,
//      verto.display of agent B; the browser's hang-up reaches B
//   3. a call of the contact center to the browser moved into a conference
//      (REFER without Replaces); the bridge re-INVITEs with new media,
//      which follows; the bridge's BYE ends the call (verto.bye)
//   4. a blind transfer to a queue whose transferor hangs up right after
//      the NOTIFY 100: the call waits for the queue and moves to it
//
// Usage: node transfer.mjs TAP_START LOGDIR WS_URL HERE
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import fs from 'node:fs';
import { launch, tap } from '../lib.mjs';
import { rpcUntil } from '../../../lib/wsload.mjs';
import { agentMedia, sipp, sippEnd, sleep, twinServer } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, here] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 700)}; logs: ${logDir} (kamailio.log, sipp-xfer-*)`;
const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const msgs = () => ev(() => socks.a.msgs);
const TWIN = 8897;
const until = async (pred, ms) => {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await sleep(50);
  return pred();
};

// page side: an offer like the SDK's (audio sendrecv + video recvonly, ICE
// gathered), and the RTP packets each peer connection received
const PAGE = () => {
  window.xpcs = {};
  window.offerFor = async (name) => {
    const pc = new RTCPeerConnection();
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc.addTrack(mic.getAudioTracks()[0], mic);
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => {
      if (pc.iceGatheringState === 'complete') return r();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
      setTimeout(r, 3000);
    });
    window.xpcs[name] = pc;
    return pc.localDescription.sdp;
  };
  window.answerFor = async (name, sdp) => {
    try {
      await window.xpcs[name].setRemoteDescription({ type: 'answer', sdp });
      return 'ok';
    } catch (e) { return String(e); }
  };
  window.received = async (name) => {
    const pc = window.xpcs[name] || window.pcs[name];
    let n = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') n += r.packetsReceived;
    });
    return n;
  };
  window.iceOf = (name) => (window.xpcs[name] || window.pcs[name]).iceConnectionState;
};

// RTP received by the browser grows by at least n within ms
async function browserReceives(name, n, ms = 10000) {
  const first = await ev((x) => received(x), name);
  const t0 = Date.now();
  let now = first;
  while (now - first < n && Date.now() - t0 < ms) {
    await sleep(100);
    now = await ev((x) => received(x), name);
  }
  return now - first;
}

// RTP that reaches sock grows by at least n within ms; the growth
async function grows(media, n, ms = 10000) {
  const first = media.packets;
  await until(() => media.packets - first >= n, ms);
  return media.packets - first;
}

const said = [];
const twin = await twinServer(TWIN, (h) => said.push(h));
const heard = async (callId, agent, ms = 15000) => {
  await until(() => said.some((h) => h.agent === agent && (!callId || h['call-id'] === callId)), ms);
  return said.find((h) => h.agent === agent && (!callId || h['call-id'] === callId));
};
const sippArgs = (scenario, port, extra) => ['127.0.0.1:5060', '-sf', `${here}/${scenario}`, '-i', '127.0.0.1',
  '-p', String(port), '-m', '1', ...extra];

const dialog = (callID, dest) => ({ audio: true, video: false, useStereo: false, attach: false,
  screenShare: false, userVariables: { tenant: 'acme' }, iceServers: [], localElement: null,
  remoteElement: {}, callID, destination_number: dest, remote_caller_id_name: 'Outbound Call',
  remote_caller_id_number: dest, caller_id_name: 'Web User', caller_id_number: '1008' });
let sessid;

// the browser calls dest; resolves when verto.answer came and ICE is up
async function callUp(name, callID, dest = '5000') {
  const sdp = await ev((n) => offerFor(n), name);
  await send({ jsonrpc: '2.0', id: `inv-${name}`, method: 'verto.invite',
    params: { sessid, sdp, dialogParams: dialog(callID, dest) } });
  const ans = await wait(`m.method === 'verto.answer' && m.params?.callID === '${callID}'`, 10000);
  const applied = ans?.params?.sdp ? await ev(([n, s]) => answerFor(n, s), [name, ans.params.sdp]) : 'no sdp';
  let ice = '';
  for (let i = 0; i < 100 && !['connected', 'completed'].includes(ice); i++) {
    ice = await ev((n) => iceOf(n), name);
    await sleep(80);
  }
  t.check(applied === 'ok' && ['connected', 'completed'].includes(ice),
    `${name}: the browser's call is answered by agent A and ICE connects with rtpengine`, why({ applied, ice }));
}

const byes = async (callID) => (await msgs()).filter((m) => m.method === 'verto.bye' && m.params?.callID === callID);

// a REFER from another address than the contact center's, in the dialog
async function outsiderRefer(ids) {
  const s = dgram.createSocket('udp4');
  let code = null;
  s.on('message', (b) => {
    const m = /^SIP\/2\.0 (\d{3})/.exec(b.toString('latin1'));
    if (m && Number(m[1]) >= 200) code = Number(m[1]);
  });
  await new Promise((r) => s.bind(0, '127.0.0.2', r));
  const port = s.address().port;
  const text = 'REFER sip:verto@127.0.0.1:5060 SIP/2.0\r\n'
    + `Via: SIP/2.0/UDP 127.0.0.2:${port};branch=z9hG4bK-outsider-1\r\n`
    + `From: <sip:5000@127.0.0.1:5090>;tag=${ids.rtag}\r\n`
    + `To: "Web User" <sip:1008@cc.example>;tag=${ids.ltag}\r\n`
    + `Call-ID: ${ids['call-id']}\r\nCSeq: 77 REFER\r\n`
    + `Contact: <sip:intruder@127.0.0.2:${port}>\r\n`
    + 'Refer-To: <sip:agentB@127.0.0.1:5091>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
  s.send(Buffer.from(text, 'latin1'), 5060, '127.0.0.1');
  await until(() => code !== null, 4000);
  s.close();
  return code;
}

const runs = [];
const media = [];
try {
  await ev(PAGE);
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example',
    passwd: '1234', userVariables: { tenant: 'acme' }, loginParams: {} } });
  sessid = (await wait("m.id === 'L1'"))?.result?.sessid;
  t.check(!!sessid, 'login through the identity store', why(sessid));

  // 0: a REFER in the early dialog (the agent rings, not answered)
  const c0 = '9c0b1c2d-0000-4000-8000-000000000000';
  let run = sipp(logDir, 'xfer-early', ['-sf', `${here}/xfer-early.xml`, '-i', '127.0.0.1', '-p', '5090',
    '-m', '1', '-cp', '8890', '-mp', '41000']);
  runs.push(run);
  const sdp0 = await ev((n) => offerFor(n), 'call0');
  await send({ jsonrpc: '2.0', id: 'inv-call0', method: 'verto.invite',
    params: { sessid, sdp: sdp0, dialogParams: dialog(c0, '5000') } });
  const b0 = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c0}'`, 10000);
  let code = await sippEnd(run);
  t.check(code === 0, 'call0: a REFER in an early dialog gets 403 Dialog Not Confirmed',
    `sipp exited ${code}; see ${logDir}/sipp-xfer-early-*.log`);
  t.check(b0?.params?.cause === 'USER_BUSY', 'call0: the call then ends as the agent declines it (USER_BUSY)', why(b0));

  // 1: refusals, and a transfer to a busy target that falls back
  const agentA1 = await agentMedia(41100);
  media.push(agentA1);
  const c1 = '9c0b1c2d-0000-4000-8000-000000000001';
  const a1 = sipp(logDir, 'xfer-a1', sippArgs('xfer-agent-refused.xml', 5090,
    ['-key', 'rtp_port', '41100', '-cp', '8891', '-mp', '41010', '-3pcc', `127.0.0.1:${TWIN}`]));
  const busy = sipp(logDir, 'xfer-busy', ['-sf', `${here}/xfer-target-busy.xml`, '-i', '127.0.0.1',
    '-p', '5091', '-m', '1', '-cp', '8892', '-mp', '41020']);
  runs.push(a1, busy);
  await callUp('call1', c1);
  const ids1 = await heard(null, 'answered');
  t.check(!!(ids1?.ltag && ids1?.rtag), 'call1: agent A answered and told the dialog\'s tags', why(said));
  let n = await grows(agentA1, 25);
  t.check(n >= 25, 'call1: the browser\'s media reaches agent A', why(n));
  n = await browserReceives('call1', 25);
  t.check(n >= 25, 'call1: the browser receives agent A\'s media', why(n));
  code = await outsiderRefer(ids1);
  t.check(code !== null && code >= 400,
    'call1: a REFER with the dialog\'s tags from 127.0.0.2 (not a contact-center peer) is refused', why(code));
  twin.send(ids1['call-id'], { Agent: 'refer' });
  code = await sippEnd(busy);
  t.check(code === 0, 'call1: the busy target got the INVITE (no Replaces, Referred-By agent A) and answered 486',
    `sipp exited ${code}; see ${logDir}/sipp-xfer-busy-*.log`);
  const failed = await heard(ids1['call-id'], 'failed');
  t.check(!!failed, 'call1: agent A got 400 Missing Refer-To, 400 Bad Refer-To (not a sip or sips URI), '
    + 'then 202, NOTIFY 100 Trying and NOTIFY 486 Busy Here', `see ${logDir}/sipp-xfer-a1-*.log`);
  n = await grows(agentA1, 25);
  t.check(n >= 25, 'call1: after the failed transfer the browser\'s media reaches agent A again', why(n));
  n = await browserReceives('call1', 25);
  t.check(n >= 25, 'call1: ... and the browser still receives agent A', why(n));
  twin.send(ids1['call-id'], { Agent: 'outside' });
  const outside = await heard(ids1['call-id'], 'refused');
  t.check(!!outside && /transfer to sip:victim@127\.0\.0\.9:5091 refused, not in IWG_CC_PEERS/.test(
    fs.readFileSync(`${logDir}/kamailio.log`, 'utf8')),
  'call1: a transfer to an address outside IWG_CC_PEERS: 202, NOTIFY 100, NOTIFY 503, the new leg never sent',
  `see ${logDir}/sipp-xfer-a1-*.log, ${logDir}/kamailio.log`);
  n = await grows(agentA1, 25);
  t.check(n >= 25, 'call1: ... and the browser\'s media still reaches agent A', why(n));
  t.check((await byes(c1)).length === 0, 'call1: the browser got no verto.bye meanwhile', why(await byes(c1)));
  twin.send(ids1['call-id'], { Agent: 'hangup' });
  const b1 = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c1}'`, 10000);
  t.check(b1?.params?.cause === 'NORMAL_CLEARING', 'call1: agent A\'s BYE ends the call', why(b1));
  code = await sippEnd(a1);
  t.check(code === 0, 'call1: agent A\'s scenario completed', `sipp exited ${code}; see ${logDir}/sipp-xfer-a1-*.log`);
  agentA1.close();

  // 2: attended transfer with Replaces
  const agentA2 = await agentMedia(41110);
  const agentB = await agentMedia(41200);
  media.push(agentA2, agentB);
  const c2 = '9c0b1c2d-0000-4000-8000-000000000002';
  const a2 = sipp(logDir, 'xfer-a2', sippArgs('xfer-agent-attended.xml', 5090,
    ['-key', 'rtp_port', '41110', '-cp', '8893', '-mp', '41030', '-3pcc', `127.0.0.1:${TWIN}`]));
  const bb = sipp(logDir, 'xfer-b', ['-sf', `${here}/xfer-target-b.xml`, '-i', '127.0.0.1', '-p', '5091',
    '-m', '1', '-key', 'rtp_port', '41200', '-cp', '8894', '-mp', '41040']);
  runs.push(a2, bb);
  await callUp('call2', c2);
  const ids2 = await until(() => said.filter((h) => h.agent === 'answered').length >= 2, 15000)
    && said.filter((h) => h.agent === 'answered')[1];
  t.check(!!ids2, 'call2: agent A answered', why(said));
  n = await grows(agentA2, 25);
  t.check(n >= 25, 'call2: the browser\'s media reaches agent A', why(n));
  const before2 = (await rpcUntil('verto.calls', (x) => Array.isArray(x) && x.some((c) => c.callID === c2)))
    ?.find((c) => c.callID === c2);
  twin.send(ids2['call-id'], { Agent: 'refer' });
  code = await sippEnd(a2);
  t.check(code === 0, 'call2: agent A got 202, NOTIFY 100 Trying, NOTIFY 200 OK (terminated) and iwg_verto\'s BYE',
    `sipp exited ${code}; see ${logDir}/sipp-xfer-a2-*.log`);
  n = await grows(agentB, 50);
  t.check(n >= 50, 'call2: the browser\'s media reaches agent B (RTP at B\'s port)', why(n));
  const afterA = agentA2.packets;
  await sleep(1000);
  t.check(agentA2.packets - afterA <= 2, 'call2: agent A no longer gets the browser\'s media',
    why(agentA2.packets - afterA));
  agentA2.close(); // A has hung up: what the browser receives now is B's
  n = await browserReceives('call2', 50);
  t.check(n >= 50, 'call2: the browser keeps receiving (inbound-rtp grows, from agent B)', why(n));
  const disp = await wait(`m.method === 'verto.display' && m.params?.callID === '${c2}' `
    + "&& m.params?.display_number === '2002'");
  t.check(disp?.params?.display_name === 'Agent B', 'call2: the browser is told the new agent (verto.display)',
    why(disp));
  const agentEv = await wait(`m.method === 'verto.info' && m.params?.callID === '${c2}' `
    + "&& m.params?.msg?.iwg === 'agent' && m.params.msg.number === '2002'");
  t.check(!!agentEv, 'call2: ... and the agent event', why(agentEv));
  t.check((await byes(c2)).length === 0, 'call2: the browser got no verto.bye (same callID, same peer connection)',
    why(await byes(c2)));
  const moved2 = (c) => c.callID === c2 && c.state === 'active' && before2
    && c.sip_callid !== before2.sip_callid && c.rtpengine_callid === before2.sip_callid;
  const calls = await rpcUntil('verto.calls', (x) => Array.isArray(x) && x.some(moved2));
  t.check(Array.isArray(calls) && calls.some(moved2),
    'call2: verto.calls lists the call active in the new dialog (new SIP Call-ID, the same rtpengine call)',
    why({ before2, calls }));
  await send({ jsonrpc: '2.0', id: 'bye2', method: 'verto.bye', params: { sessid, dialogParams: dialog(c2, '5000') } });
  const r2 = await wait("m.id === 'bye2'");
  t.check(r2?.result?.callID === c2, 'call2: the browser hangs up (verto.bye answered)', why(r2));
  code = await sippEnd(bb);
  t.check(code === 0, 'call2: agent B got the INVITE with Replaces, Referred-By and the browser\'s identity, '
    + 'and the BYE of the hang-up', `sipp exited ${code}; see ${logDir}/sipp-xfer-b-*.log`);
  agentB.close();

  // 3: the contact center's call to the browser, moved into a conference
  const agentA3 = await agentMedia(41120);
  const bridge = await agentMedia(41300);
  const moved = await agentMedia(41302);
  media.push(agentA3, bridge, moved);
  const conf = sipp(logDir, 'xfer-conf', sippArgs('xfer-conference.xml', 5091,
    ['-key', 'rtp_port', '41300', '-key', 'moved_port', '41302', '-cp', '8895', '-mp', '41050',
      '-3pcc', `127.0.0.1:${TWIN}`]));
  const a3 = sipp(logDir, 'xfer-a3', sippArgs('xfer-agent-inbound.xml', 5090,
    ['-s', '1008', '-key', 'rtp_port', '41120', '-cp', '8896', '-mp', '41060', '-3pcc', `127.0.0.1:${TWIN}`]));
  runs.push(conf, a3);
  const inv = await wait("m.method === 'verto.invite'", 10000);
  const c3 = inv?.params?.callID;
  await send({ jsonrpc: '2.0', id: inv?.id, result: { method: 'verto.invite' } });
  const asdp = await ev(([i]) => answerInvite(i), [inv]);
  await send({ jsonrpc: '2.0', id: 'ans3', method: 'verto.answer', params: { sessid, sdp: asdp, dialogParams: { callID: c3 } } });
  const ar = await wait("m.id === 'ans3'");
  t.check(!!c3 && ar?.result && !ar.error, 'call3: the contact center calls the browser, which answers', why(ar));
  const ids3 = await until(() => said.filter((h) => h.agent === 'answered').length >= 3, 15000)
    && said.filter((h) => h.agent === 'answered')[2];
  n = await grows(agentA3, 25);
  t.check(!!ids3 && n >= 25, 'call3: the browser\'s media reaches agent A', why({ ids3, n }));
  twin.send(ids3['call-id'], { Agent: 'refer' });
  code = await sippEnd(a3);
  t.check(code === 0, 'call3: agent A\'s REFER to sip:conf-123@... got 202, NOTIFY 100, NOTIFY 200 and the BYE',
    `sipp exited ${code}; see ${logDir}/sipp-xfer-a3-*.log`);
  const confIds = await heard(null, 'answered', 5000) && said.filter((h) => h.agent === 'answered')[3];
  t.check(!!confIds, 'call3: the conference bridge got the INVITE (no Replaces, Referred-By) and answered',
    why(said));
  n = await grows(bridge, 50);
  t.check(n >= 50, 'call3: the browser\'s media reaches the conference', why(n));
  agentA3.close();
  n = await browserReceives(c3, 50);
  t.check(n >= 50, 'call3: the browser receives the conference', why(n));
  // a bridge that moves its media stops sending from the old port: while
  // the old port still sent, rtpengine's endpoint learning (the 3 s after
  // each signal) followed its packets back there, and the moved port got
  // only part of the browser's RTP (a flaky count under load)
  bridge.close();
  twin.send(confIds?.['call-id'], { Agent: 'move' });
  const mv = await heard(confIds?.['call-id'], 'moved');
  // the moved port gets nothing before the re-INVITE: count all it got
  await until(() => moved.packets >= 50, 10000);
  n = moved.packets;
  t.check(!!mv && n >= 50, 'call3: the bridge\'s re-INVITE in the new dialog moves the media, which follows',
    why({ mv, n }));
  n = await browserReceives(c3, 50);
  t.check(n >= 50, 'call3: the browser still receives after the re-INVITE', why(n));
  t.check((await byes(c3)).length === 0, 'call3: no verto.bye until the conference ends', why(await byes(c3)));
  twin.send(confIds?.['call-id'], { Agent: 'hangup' });
  const b3 = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c3}'`, 10000);
  t.check(b3?.params?.cause === 'NORMAL_CLEARING', 'call3: the bridge\'s BYE ends the call (verto.bye)', why(b3));
  code = await sippEnd(conf);
  t.check(code === 0, 'call3: the conference scenario completed', `sipp exited ${code}; see ${logDir}/sipp-xfer-conf-*.log`);

  // 4: blind transfer, the transferor leaves before the target answers
  const agentA4 = await agentMedia(41130);
  const queue = await agentMedia(41210);
  media.push(agentA4, queue);
  const c4 = '9c0b1c2d-0000-4000-8000-000000000004';
  const a4 = sipp(logDir, 'xfer-a4', sippArgs('xfer-agent-quickbye.xml', 5090,
    ['-key', 'rtp_port', '41130', '-cp', '8897', '-mp', '41070', '-3pcc', `127.0.0.1:${TWIN}`]));
  const q = sipp(logDir, 'xfer-queue', sippArgs('xfer-target-queue.xml', 5091,
    ['-key', 'rtp_port', '41210', '-cp', '8898', '-mp', '41080', '-3pcc', `127.0.0.1:${TWIN}`]));
  runs.push(a4, q);
  await callUp('call4', c4);
  const ids4 = await until(() => said.filter((h) => h.agent === 'answered').length >= 5, 15000)
    && said.filter((h) => h.agent === 'answered')[4];
  n = await grows(agentA4, 25);
  t.check(!!ids4 && n >= 25, 'call4: agent A answered, the browser\'s media reaches it', why({ ids4, n }));
  twin.send(ids4['call-id'], { Agent: 'refer' });
  const ringing = await heard(null, 'ringing');
  code = await sippEnd(a4);
  t.check(!!ringing && code === 0, 'call4: the queue rings while agent A takes 202 and NOTIFY 100 and hangs up',
    `sipp exited ${code}; ${JSON.stringify(ringing)}; see ${logDir}/sipp-xfer-a4-*.log`);
  t.check((await byes(c4)).length === 0, 'call4: the transferor\'s BYE does not end the browser\'s call',
    why(await byes(c4)));
  agentA4.close();
  twin.send(ringing?.['call-id'], { Agent: 'answer' });
  n = await grows(queue, 50);
  t.check(n >= 50, 'call4: the queue answers and gets the browser\'s media', why(n));
  n = await browserReceives('call4', 50);
  t.check(n >= 50, 'call4: the browser receives the queue', why(n));
  const disp4 = await wait(`m.method === 'verto.display' && m.params?.callID === '${c4}' `
    + "&& m.params?.display_number === '7000'");
  t.check(disp4?.params?.display_name === 'Sales Queue' && (await byes(c4)).length === 0,
    'call4: the browser is told the queue, and got no verto.bye', why({ disp4, byes: await byes(c4) }));
  await send({ jsonrpc: '2.0', id: 'bye4', method: 'verto.bye', params: { sessid, dialogParams: dialog(c4, '5000') } });
  await wait("m.id === 'bye4'");
  code = await sippEnd(q);
  t.check(code === 0, 'call4: the queue got the INVITE (no Replaces) and, at the end, the browser\'s BYE',
    `sipp exited ${code}; see ${logDir}/sipp-xfer-queue-*.log`);

  // what iwg_verto logged of each REFER
  const klog = fs.readFileSync(`${logDir}/kamailio.log`, 'utf8');
  const seen = {
    early: /REFER from the contact center: 403 Dialog Not Confirmed/.test(klog),
    missing: /REFER from the contact center: 400 Missing Refer-To/.test(klog),
    scheme: /REFER from the contact center: 400 Bad Refer-To \(not a sip or sips URI\)/.test(klog),
    accepted: (klog.match(/REFER from the contact center accepted/g) || []).length,
    transferred: (klog.match(/transferred to sip:/g) || []).length,
    left: /the transferor ended the dialog, the transfer goes on/.test(klog),
  };
  t.check(seen.early && seen.missing && seen.scheme && seen.accepted === 5 && seen.transferred === 3 && seen.left,
    'kamailio.log names each refusal, five accepted REFERs, three completed transfers (none from 127.0.0.2) '
    + 'and the transferor that left', why(seen));
} catch (e) {
  t.check(false, 'transfer test ran', e.stack);
} finally {
  twin.close();
  for (const m of media) {
    try { m.close(); } catch { /* closed already */ }
  }
  for (const r of runs) r.proc.kill();
  await browser.close();
}
process.exitCode = t.failed ? 1 : 0;
