// iwg_verto outbound calls: raw Verto JSON-RPC from Chromium with a real
// RTCPeerConnection offer (m=audio sendrecv + m=video recvonly, as the
// @signalwire/js client makes it), SIPp playing the contact center (183/200, DTMF, hold, BYE both ways,
// busy, blind transfer; the contact center's re-INVITEs and UPDATE with a new
// P-Asserted-Identity -> verto.display; a refused REFER; attended transfer
// with Replaces between two agents).
// The contact center's re-INVITE, UPDATE and BYE overlapping while
// rtpengine is stopped (SIGSTOP of the suite's own rtpengine, by PID).
// Usage: node outbound.mjs TAP_START LOGDIR WS_URL SIPP_DIR RTPENGINE_PID
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { launch, tap } from '../lib.mjs';

const [start, logDir, wsUrl, sippDir, rtpPid] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;

// the contact center: one SIPp run per call; resolves with its exit code
function sipp(name, scenario, extra = [], calls = 1) {
  const args = ['-sf', `${sippDir}/${scenario}`, '-i', '127.0.0.1', '-p', '5090',
    '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', String(calls), '-cp', '8893', '-nostdin',
    '-timeout', '30', '-timeout_error', '-trace_msg', '-trace_err',
    '-message_file', `${logDir}/sipp-${name}-messages.log`,
    '-error_file', `${logDir}/sipp-${name}-errors.log`, ...extra];
  const p = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

// page side: an offer like the SDK's, with ICE gathered (no trickle)
const PAGE_CALL = () => {
  window.newOffer = async (name) => {
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
    window.pcs = window.pcs || {};
    window.pcs[name] = pc;
    return pc.localDescription.sdp;
  };
  window.applyAnswer = async (name, sdp) => {
    try {
      await window.pcs[name].setRemoteDescription({ type: 'answer', sdp });
      return 'ok';
    } catch (e) { return String(e); }
  };
  // RTP packets the browser has sent on the call (outbound-rtp audio)
  window.sentPackets = (name, atLeast, ms) => new Promise((resolve) => {
    const t0 = Date.now();
    const tick = async () => {
      let n = 0;
      (await window.pcs[name].getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'audio') n = r.packetsSent;
      });
      if (n >= atLeast || Date.now() - t0 > ms) return resolve(n);
      setTimeout(tick, 50);
    };
    tick();
  });
  window.iceState = (name, ms) => new Promise((resolve) => {
    const pc = window.pcs[name];
    const t0 = Date.now();
    const tick = () => {
      const s = pc.iceConnectionState;
      if (s === 'connected' || s === 'completed' || Date.now() - t0 > ms) return resolve(s);
      setTimeout(tick, 50);
    };
    tick();
  });
};

const dialog = (callID, dest) => ({ audio: true, video: false, useStereo: false, attach: false,
  screenShare: false, userVariables: { tenant: 'acme' }, iceServers: [], localElement: null,
  remoteElement: {}, callID, destination_number: dest, remote_caller_id_name: 'Outbound Call',
  remote_caller_id_number: dest, caller_id_name: 'Web User', caller_id_number: '1008' });
const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const index = (pred) => ev((p) => socks.a.msgs.findIndex(new Function('m', `return ${p}`)), pred);

// one call up to verto.answer; returns the answer SDP and callID
async function callUp(name, callID, dest = '5000') {
  const sdp = await ev((n) => newOffer(n), name);
  await send({ jsonrpc: '2.0', id: `inv-${name}`, method: 'verto.invite',
    params: { sessid, sdp, dialogParams: dialog(callID, dest) } });
  const res = await wait(`m.id === 'inv-${name}'`);
  t.check(res?.result?.message === 'CALL CREATED' && res.result.callID === callID,
    `${name}: verto.invite result is CALL CREATED with the callID`, why(res));
  const media = await wait(`m.method === 'verto.media' && m.params?.callID === '${callID}'`);
  const ans = await wait(`m.method === 'verto.answer' && m.params?.callID === '${callID}'`);
  const [iRes, iMed, iAns] = [await index(`m.id === 'inv-${name}'`),
    await index(`m.method === 'verto.media' && m.params?.callID === '${callID}'`),
    await index(`m.method === 'verto.answer' && m.params?.callID === '${callID}'`)];
  t.check(media && ans && iRes < iMed && iMed < iAns,
    `${name}: invite result, then verto.media (183), then verto.answer (200)`, why({ iRes, iMed, iAns }));
  const asdp = media?.params?.sdp || '';
  const mlines = asdp.split('\r\n').filter((l) => l.startsWith('m='));
  t.check(mlines.length === 2 && /^m=audio [1-9]/.test(mlines[0]) && /^m=video 0 /.test(mlines[1]),
    `${name}: answer SDP keeps both m-lines, video rejected with port 0`, why(mlines));
  t.check(asdp.endsWith('\r\n') && !/[^\r]\n/.test(asdp) && /a=fingerprint:/.test(asdp) && /a=candidate:/.test(asdp),
    `${name}: answer SDP is CRLF throughout and carries ICE and DTLS`, why(asdp));
  const applied = await ev(([n, s]) => applyAnswer(n, s), [name, asdp]);
  t.check(applied === 'ok', `${name}: Chromium accepts the answer SDP`, why(applied));
  const ice = await ev((n) => iceState(n, 8000), name);
  t.check(ice === 'connected' || ice === 'completed', `${name}: ICE connects with rtpengine`, why(ice));
  return callID;
}

// the agent's media: RTP that reaches 127.0.0.1:41100 (the SDP of the
// SIPp answers points there); RFC 4733 events are recorded by their code
const rtp = { packets: 0, events: [] };
const agentMedia = dgram.createSocket('udp4');
agentMedia.on('message', (b) => {
  if (b.length < 12 || (b[0] >> 6) !== 2) return;
  rtp.packets += 1;
  const off = 12 + 4 * (b[0] & 0x0f);
  const pt = b[1] & 0x7f;
  // an RFC 4733 event is one RTP timestamp: 4-byte payloads, not PCMA
  if (pt !== 8 && b.length === off + 4 && b.readUInt32BE(4) !== rtp.lastTs) {
    rtp.lastTs = b.readUInt32BE(4);
    rtp.events.push(b[off]);
  }
});
await new Promise((r) => agentMedia.bind(41100, '127.0.0.1', r));
// the agent's media after it moved (the ACK's SDP in cc-reinvite.xml)
const moved = { packets: 0 };
const movedMedia = dgram.createSocket('udp4');
movedMedia.on('message', (b) => { if (b.length >= 12 && (b[0] >> 6) === 2) moved.packets += 1; });
await new Promise((r) => movedMedia.bind(41102, '127.0.0.1', r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const untilRtp = async (pred, ms) => {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await sleep(50);
  return pred();
};

let sessid;
try {
  await ev(PAGE_CALL);
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example',
    passwd: '1234', userVariables: { tenant: 'acme', customer_id: 'C-42' }, loginParams: {} } });
  const r = await wait("m.id === 'L1'");
  sessid = r?.result?.sessid;
  t.check(!!sessid, 'login through the identity store', why(r));

  // 1: agent answers (183 then 200); the browser hangs up
  let cc = sipp('browser-bye', 'cc-agent.xml', ['-set', 'hangup', 'browser']);
  const c1 = await callUp('call1', '8a0b1c2d-0000-4000-8000-000000000001');
  // in-call: DTMF (RFC 4733 through rtpengine), hold and unhold (re-INVITEs)
  const modify = async (id, params) => {
    await send({ jsonrpc: '2.0', id, method: id.startsWith('dtmf') ? 'verto.info' : 'verto.modify',
      params: { sessid, dialogParams: dialog(c1, '5000'), ...params } });
    return wait(`m.id === '${id}'`);
  };
  const sent = await ev((n) => sentPackets(n, 25, 8000), 'call1');
  t.check(sent >= 25, 'call1: the browser sends audio through rtpengine (DTLS-SRTP up)', why(sent));
  let m = await modify('dtmf1', { dtmf: '123' });
  t.check(m?.result?.message === 'SENT', 'call1: verto.info dtmf 123 is injected by rtpengine (SENT)', why(m));
  await untilRtp(() => rtp.events.length >= 3, 5000);
  t.check(rtp.events.slice(0, 3).join(',') === '1,2,3',
    'call1: the agent receives the digits 1, 2, 3 as RFC 4733 events', why(rtp.events));
  m = await modify('hold1', { action: 'hold' });
  t.check(m?.result?.holdState === 'held', 'call1: hold is answered holdState held after the re-INVITE', why(m));
  await sleep(300);
  let before = rtp.packets;
  await sleep(1000);
  t.check(rtp.packets - before === 0, 'call1: no media reaches the agent while held',
    why(rtp.packets - before));
  m = await modify('unhold1', { action: 'unhold' });
  t.check(m?.result?.holdState === 'active', 'call1: unhold is answered holdState active', why(m));
  before = rtp.packets;
  t.check(await untilRtp(() => rtp.packets - before >= 10, 5000),
    'call1: media reaches the agent again after unhold', why(rtp.packets - before));
  await send({ jsonrpc: '2.0', id: 'bye1', method: 'verto.bye', params: { sessid, dialogParams: dialog(c1, '5000') } });
  let b = await wait("m.id === 'bye1'");
  t.check(b?.result?.callID === c1, 'call1: verto.bye is answered', why(b));
  let code = await cc;
  t.check(code === 0, 'call1: the contact center got the INVITE it expects (identity, tenant, PCMA), sendonly and sendrecv re-INVITEs, the BYE',
    `sipp exited ${code}; see ${logDir}/sipp-browser-bye-*.log`);

  // 2: the agent hangs up
  cc = sipp('agent-bye', 'cc-agent.xml', ['-set', 'hangup', 'agent']);
  const c2 = await callUp('call2', '8a0b1c2d-0000-4000-8000-000000000002');
  b = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c2}'`);
  t.check(b?.params?.cause === 'NORMAL_CLEARING' && b.params.causeCode === 16,
    'call2: the agent\'s BYE becomes verto.bye NORMAL_CLEARING (16)', why(b));
  code = await cc;
  t.check(code === 0, 'call2: the agent\'s BYE got its 200', `sipp exited ${code}; see ${logDir}/sipp-agent-bye-*.log`);

  // 3: busy
  cc = sipp('busy', 'cc-busy.xml');
  const sdp3 = await ev((n) => newOffer(n), 'call3');
  const c3 = '8a0b1c2d-0000-4000-8000-000000000003';
  await send({ jsonrpc: '2.0', id: 'inv-call3', method: 'verto.invite',
    params: { sessid, sdp: sdp3, dialogParams: dialog(c3, '5001') } });
  b = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c3}'`);
  t.check(b?.params?.cause === 'USER_BUSY' && b.params.causeCode === 17,
    'call3: 486 Busy Here becomes verto.bye USER_BUSY (17)', why(b));
  code = await cc;
  t.check(code === 0, 'call3: the contact center saw INVITE, 486, ACK', `sipp exited ${code}; see ${logDir}/sipp-busy-*.log`);

  // 4: blind transfer: REFER to the agent, NOTIFY 200 sipfrag, agent leaves
  cc = sipp('transfer', 'cc-agent.xml', ['-set', 'hangup', 'transfer']);
  const c4 = await callUp('call4', '8a0b1c2d-0000-4000-8000-000000000004');
  await send({ jsonrpc: '2.0', id: 'xfer4', method: 'verto.modify',
    params: { sessid, action: 'transfer', destination: '6000', dialogParams: dialog(c4, '5000') } });
  m = await wait("m.id === 'xfer4'");
  t.check(m?.result?.message === 'CALL TRANSFERRED', 'call4: verto.modify transfer is answered CALL TRANSFERRED', why(m));
  const info = await wait(`m.method === 'verto.info' && m.params?.callID === '${c4}'`);
  t.check(info?.params?.msg?.type === 'transfer' && info.params.msg.status === 200 && info.params.msg.final === true,
    'call4: the NOTIFY sipfrag SIP/2.0 200 OK reaches the browser as verto.info msg {type transfer, status 200, final}', why(info));
  b = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c4}'`);
  t.check(b?.params?.cause === 'NORMAL_CLEARING', 'call4: the agent leaves after the transfer: verto.bye NORMAL_CLEARING', why(b));
  code = await cc;
  t.check(code === 0, 'call4: the agent got REFER with Refer-To <sip:6000@127.0.0.1:5090> and the mapped Referred-By, its 202 and NOTIFY 200 sipfrag were accepted',
    `sipp exited ${code}; see ${logDir}/sipp-transfer-*.log`);
  // 5: the contact center re-INVITEs (hold with a new connected line,
  // resume, no SDP) and UPDATEs (a supervisor): verto.display, media goes on
  cc = sipp('reinvite', 'cc-reinvite.xml', ['-key', 'rtp_port2', '41102']);
  const c5 = await callUp('call5', '8a0b1c2d-0000-4000-8000-000000000005');
  let d = await wait(`m.method === 'verto.display' && m.params?.callID === '${c5}'`, 10000);
  t.check(d?.params?.display_name === 'Agent Smith' && d.params.display_number === '2001' &&
    d.params.display_direction === 'inbound',
    'call5: the agent\'s re-INVITE with P-Asserted-Identity "Agent Smith" <sip:2001@...> gives verto.display Agent Smith / 2001', why(d));
  d = await wait(`m.method === 'verto.display' && m.params?.callID === '${c5}' && m.params.display_number === '3001'`, 10000);
  t.check(d?.params?.display_name === 'Supervisor Jones',
    'call5: the UPDATE with P-Asserted-Identity "Supervisor Jones" <sip:3001@...> gives verto.display Supervisor Jones / 3001', why(d));
  const shown = await ev((c) => socks.a.msgs.filter((x) => x.method === 'verto.display' && x.params?.callID === c).length, c5);
  t.check(shown === 2, 'call5: the second re-INVITE with the same identity sends no verto.display', why(shown));
  t.check(await untilRtp(() => moved.packets >= 10, 5000),
    'call5: media reaches the agent at the address of the SDP in its ACK (re-INVITE without SDP), after the re-INVITEs and the UPDATE',
    why(moved.packets));
  const ice5 = await ev((n) => window.pcs[n].iceConnectionState, 'call5');
  t.check(ice5 === 'connected' || ice5 === 'completed', 'call5: the browser\'s ICE is still connected (it was not re-negotiated)', why(ice5));
  await send({ jsonrpc: '2.0', id: 'bye5', method: 'verto.bye', params: { sessid, dialogParams: dialog(c5, '5000') } });
  b = await wait("m.id === 'bye5'");
  code = await cc;
  t.check(code === 0, 'call5: the contact center got 200s with a=recvonly to its a=sendonly, a=sendrecv to a=sendrecv (same o= session, version bumped), an SDP offer to the re-INVITE without SDP, 491 to an UPDATE with SDP before that ACK (our offer out), 500 with Retry-After to an UPDATE with a lower CSeq, 200 to the UPDATE, then the BYE sent to the Contact the UPDATE gave',
    `sipp exited ${code}; see ${logDir}/sipp-reinvite-*.log`);

  // 6: the contact center refuses the transfer: the browser hears 403,
  // the call stays up
  cc = sipp('refer-refused', 'cc-refer-refused.xml');
  const c6 = await callUp('call6', '8a0b1c2d-0000-4000-8000-000000000006');
  await send({ jsonrpc: '2.0', id: 'xfer6', method: 'verto.modify',
    params: { sessid, action: 'transfer', destination: '6000', dialogParams: dialog(c6, '5000') } });
  m = await wait("m.id === 'xfer6'");
  t.check(m?.result?.message === 'CALL TRANSFERRED', 'call6: verto.modify transfer is answered at once', why(m));
  const info6 = await wait(`m.method === 'verto.info' && m.params?.callID === '${c6}'`);
  t.check(info6?.params?.msg?.type === 'transfer' && info6.params.msg.status === 403 && info6.params.msg.final === true,
    'call6: REFER refused 403 reaches the browser as verto.info msg {type transfer, status 403, final}', why(info6));
  before = rtp.packets;
  t.check(await untilRtp(() => rtp.packets - before >= 10, 5000),
    'call6: media still reaches the agent after the refused transfer', why(rtp.packets - before));
  await send({ jsonrpc: '2.0', id: 'bye6', method: 'verto.bye', params: { sessid, dialogParams: dialog(c6, '5000') } });
  b = await wait("m.id === 'bye6'");
  t.check(b?.result?.callID === c6, 'call6: the call was still up: verto.bye is answered', why(b));
  code = await cc;
  t.check(code === 0, 'call6: the contact center got the REFER, refused it, then got the BYE',
    `sipp exited ${code}; see ${logDir}/sipp-refer-refused-*.log`);

  // 7: attended transfer: calls to agent A (5000) and agent B (5001), then
  // verto.modify replace: REFER to A with Replaces of B's dialog
  cc = sipp('attended', 'cc-attended.xml', [], 2);
  const c7a = await callUp('call7a', '8a0b1c2d-0000-4000-8000-00000000007a');
  const c7b = await callUp('call7b', '8a0b1c2d-0000-4000-8000-00000000007b', '5001');
  const replace = async (id, callID, other) => {
    await send({ jsonrpc: '2.0', id, method: 'verto.modify',
      params: { sessid, action: 'replace', replaceCallID: other, dialogParams: dialog(callID, '5000') } });
    return wait(`m.id === '${id}'`);
  };
  m = await replace('rep7x', c7a, '8a0b1c2d-0000-4000-8000-0000000000ff');
  t.check(m?.error?.code === -32002 && /replaceCallID/.test(m.error.message),
    'call7: replace with an unknown replaceCallID is refused -32002 (no REFER)', why(m));
  m = await replace('rep7s', c7a, c7a);
  t.check(m?.error?.code === -32002 && /itself/.test(m.error.message),
    'call7: replace of a call by itself is refused -32002 (no REFER)', why(m));
  m = await replace('rep7', c7a, c7b);
  t.check(m?.result?.message === 'CALL TRANSFERRED', 'call7: verto.modify replace is answered CALL TRANSFERRED', why(m));
  const info7 = await wait(`m.method === 'verto.info' && m.params?.callID === '${c7a}'`);
  t.check(info7?.params?.msg?.type === 'transfer' && info7.params.msg.status === 200 && info7.params.msg.final === true,
    'call7: agent A\'s NOTIFY 200 sipfrag reaches the browser as verto.info {type transfer, status 200, final}', why(info7));
  b = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c7a}'`);
  t.check(b?.params?.cause === 'NORMAL_CLEARING', 'call7: agent A leaves after the transfer: verto.bye NORMAL_CLEARING', why(b));
  await send({ jsonrpc: '2.0', id: 'bye7b', method: 'verto.bye', params: { sessid, dialogParams: dialog(c7b, '5001') } });
  b = await wait("m.id === 'bye7b'");
  t.check(b?.result?.callID === c7b, 'call7: the call to agent B was up until the browser hung it up', why(b));
  code = await cc;
  t.check(code === 0, 'call7: agent A got REFER with Refer-To <B\'s Contact?Replaces=B\'s Call-ID (@ as %40)%3Bto-tag%3D<B\'s tag>%3Bfrom-tag%3D<our tag>> and the mapped Referred-By; agent B got the BYE',
    `sipp exited ${code}; see ${logDir}/sipp-attended-*.log`);

  // 8: rtpengine stopped; the REFER (refused) tells the contact center so;
  // its re-INVITE with SDP waits for rtpengine, an UPDATE meanwhile gets
  // 500 + Retry-After, its BYE makes the re-INVITE end 487
  cc = sipp('glare-busy', 'cc-glare-busy.xml');
  const c8 = await callUp('call8', '8a0b1c2d-0000-4000-8000-000000000008');
  process.kill(Number(rtpPid), 'SIGSTOP');
  try {
    await send({ jsonrpc: '2.0', id: 'xfer8', method: 'verto.modify',
      params: { sessid, action: 'transfer', destination: '6000', dialogParams: dialog(c8, '5000') } });
    b = await wait(`m.method === 'verto.bye' && m.params?.callID === '${c8}'`, 15000);
    t.check(b?.params?.cause === 'NORMAL_CLEARING',
      'call8: the contact center\'s BYE during its pending re-INVITE reaches the browser (verto.bye NORMAL_CLEARING)', why(b));
  } finally {
    process.kill(Number(rtpPid), 'SIGCONT');
  }
  code = await cc;
  t.check(code === 0, 'call8: while its re-INVITE waits for rtpengine, the contact center\'s UPDATE gets 500 with Retry-After 0-10, its BYE 200, then the re-INVITE 487',
    `sipp exited ${code}; see ${logDir}/sipp-glare-busy-*.log`);
} catch (e) {
  t.check(false, 'outbound test ran to the end', e.stack);
}
agentMedia.close();
movedMedia.close();
await browser.close();
process.exit(t.failed ? 1 : 0);
