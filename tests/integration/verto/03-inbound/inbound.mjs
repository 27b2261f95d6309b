// iwg_verto calls from the contact center to a PaaS user: SIPp (UAC) plays
// the contact center calling sip:1008@cc.example; two Verto sessions of
// that user in Chromium (raw Verto JSON-RPC, a real RTCPeerConnection).
// Usage: node inbound.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { launch, tap } from '../lib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// the contact center calling: one SIPp run per call; resolves with its exit code
function sipp(name, scenario, user, extra = []) {
  const args = ['127.0.0.1:5060', '-sf', `${sippDir}/${scenario}`, '-s', user,
    '-i', '127.0.0.1', '-p', '5091', '-key', 'rtp_port', '41200', '-m', '1',
    '-cp', '8894', '-nostdin', '-timeout', '30', '-timeout_error', '-trace_msg', '-trace_err',
    '-message_file', `${logDir}/sipp-${name}-messages.log`,
    '-error_file', `${logDir}/sipp-${name}-errors.log`, ...extra];
  const p = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

// page side: packet counts of the answered calls (getStats)
const PAGE_ANSWER = () => {
  window.packets = (callID, dir, atLeast, ms) => new Promise((resolve) => {
    const t0 = Date.now();
    const tick = async () => {
      let n = 0;
      (await window.pcs[callID].getStats()).forEach((r) => {
        if (r.type === dir && r.kind === 'audio') n = dir === 'outbound-rtp' ? r.packetsSent : r.packetsReceived;
      });
      if (n >= atLeast || Date.now() - t0 > ms) return resolve(n);
      setTimeout(tick, 50);
    };
    tick();
  });
};

const send = (s, obj) => ev(([n, o]) => vsend(n, o), [s, obj]);
const wait = (s, pred, ms = 8000) => ev(([n, p, m]) => vwait(n, new Function('m', `return ${p}`), m), [s, pred, ms]);
const seen = new Set(); // verto.invite ids already used
const nextInvite = async (s, ms = 8000) => {
  const m = await ev(([n, m2, used]) => vwait(n, (x) => x.method === 'verto.invite' && !used.includes(x.id), m2),
    [s, ms, [...seen]]);
  if (m) seen.add(m.id);
  return m;
};
const ack = (s, inv) => send(s, { jsonrpc: '2.0', id: inv.id, result: { method: 'verto.invite' } });
const dialog = (callID) => ({ audio: true, video: false, useStereo: false, attach: false, screenShare: false,
  userVariables: {}, iceServers: [], callID, destination_number: '1008', remote_caller_id_name: 'Agent Smith',
  remote_caller_id_number: '2001', caller_id_name: 'Web User', caller_id_number: '1008' });

// the agent's media: count RTP from rtpengine (the browser's audio)
const rtp = { packets: 0 };
const agentMedia = dgram.createSocket('udp4');
agentMedia.on('message', (b) => { if (b.length >= 12 && (b[0] >> 6) === 2) rtp.packets += 1; });
await new Promise((r) => agentMedia.bind(41200, '127.0.0.1', r));
const sessid = {};
const finalOf = (name) => {
  const log = fs.readFileSync(`${logDir}/sipp-${name}-messages.log`, 'utf8');
  return (log.match(/^SIP\/2\.0 ([2-6][0-9][0-9])/mg) || []).map((l) => l.slice(8)).filter((c) => c >= '200').join(',');
};

try {
  await ev(PAGE_ANSWER);
  for (const s of ['a', 'b']) {
    await ev(([n, u]) => vopen(n, u), [s, wsUrl]);
    await send(s, { jsonrpc: '2.0', id: `L-${s}`, method: 'login', params: { login: '1008@cc.example',
      passwd: '1234', userVariables: {}, loginParams: {} } });
    const r = await wait(s, `m.id === 'L-${s}'`);
    sessid[s] = r?.result?.sessid;
  }
  t.check(sessid.a && sessid.b && sessid.a !== sessid.b, 'two sessions of 1008@cc.example logged in', why(sessid));

  // 1: both sessions ring, a answers, b gets verto.bye LOSE_RACE; media; agent hangs up
  let cc = sipp('answer', 'cc-call-answer.xml', '1008', ['-d', '4000']);
  const ia = await nextInvite('a');
  const ib = await nextInvite('b');
  t.check(ia && ib && ia.params.callID === ib.params.callID && /^m=audio /m.test(ia.params.sdp)
    && /a=fingerprint:/.test(ia.params.sdp) && /a=ice-ufrag:/.test(ia.params.sdp),
  'call1: verto.invite with a WebRTC offer (ICE, DTLS) on both sessions', why([ia, ib]));
  t.check(ia?.params?.caller_id_name === 'Agent Smith' && ia.params.caller_id_number === '2001'
    && ia.params.callee_id_number === '1008@cc.example',
  'call1: verto.invite names the caller (From) and the callee', why(ia?.params));
  const c1 = ia.params.callID;
  await ack('a', ia);
  await ack('b', ib);
  const asdp = await ev(([i]) => answerInvite(i), [ia]);
  await send('a', { jsonrpc: '2.0', id: 'ans1', method: 'verto.answer',
    params: { sessid: sessid.a, sdp: asdp, dialogParams: dialog(c1) } });
  const ar = await wait('a', "m.id === 'ans1'");
  t.check(ar?.result && !ar.error, 'call1: verto.answer from session a is answered with a result', why(ar));
  const lose = await wait('b', `m.method === 'verto.bye' && m.params?.callID === '${c1}'`);
  t.check(lose?.params?.cause === 'LOSE_RACE', 'call1: session b gets verto.bye LOSE_RACE', why(lose));
  const got = await ev(([c]) => packets(c, 'outbound-rtp', 25, 8000), [c1]);
  t.check(got >= 25, 'call1: the browser sends audio through rtpengine (DTLS-SRTP up)', why(got));
  const t0 = Date.now();
  while (rtp.packets < 10 && Date.now() - t0 < 5000) await sleep(50);
  t.check(rtp.packets >= 10, 'call1: the agent receives the browser\'s audio as plain RTP', why(rtp.packets));
  const bye1 = await wait('a', `m.method === 'verto.bye' && m.params?.callID === '${c1}'`, 15000);
  t.check(bye1?.params?.cause === 'NORMAL_CLEARING', 'call1: the agent\'s BYE becomes verto.bye NORMAL_CLEARING', why(bye1));
  let code = await cc;
  t.check(code === 0, 'call1: the contact center saw 180, 200 with a PCMA plain-RTP answer, and its BYE answered',
    `sipp exited ${code}; see ${logDir}/sipp-answer-*.log`);

  // 2: CANCEL while ringing
  cc = sipp('cancel', 'cc-call-cancel.xml', '1008');
  const i2 = await nextInvite('a');
  if (i2) await ack('a', i2);
  const b2 = await wait('a', `m.method === 'verto.bye' && m.params?.callID === '${i2?.params?.callID}'`);
  t.check(b2?.params?.cause === 'ORIGINATOR_CANCEL', 'call2: CANCEL becomes verto.bye ORIGINATOR_CANCEL', why(b2));
  code = await cc;
  t.check(code === 0, 'call2: the CANCEL got 200 and the INVITE 487', `sipp exited ${code}; see ${logDir}/sipp-cancel-*.log`);

  // 3: busy: every session declines (verto.bye while ringing)
  cc = sipp('busy', 'cc-call-fail.xml', '1008', ['-set', 'want', '486']);
  const i3a = await nextInvite('a');
  for (const s of ['a', 'b']) {
    const i3 = s === 'a' ? i3a : await wait('b', `m.method === 'verto.invite' && m.params?.callID === '${i3a?.params?.callID}'`);
    if (i3) {
      await ack(s, i3);
      await send(s, { jsonrpc: '2.0', id: `bye3-${s}`, method: 'verto.bye',
        params: { sessid: sessid[s], dialogParams: dialog(i3.params.callID) } });
    }
  }
  code = await cc;
  t.check(code === 0, 'call3: both sessions decline: 486 Busy Here', `final ${finalOf('busy')}; sipp exited ${code}`);

  // 4: no answer: ring_timeout (4 s) -> 480, the browsers get verto.bye NO_ANSWER
  cc = sipp('noanswer', 'cc-call-fail.xml', '1008', ['-set', 'want', '480']);
  const i4 = await nextInvite('a');
  if (i4) await ack('a', i4);
  const b4 = await wait('a', `m.method === 'verto.bye' && m.params?.callID === '${i4?.params?.callID}'`, 10000);
  t.check(b4?.params?.cause === 'NO_ANSWER', 'call4: unanswered: verto.bye NO_ANSWER', why(b4));
  code = await cc;
  t.check(code === 0, 'call4: unanswered: 480 after the ring timeout', `final ${finalOf('noanswer')}; sipp exited ${code}`);

  // 5: a user without a live session: 480; 6: no such user: 404
  code = await sipp('nosession', 'cc-call-fail.xml', '1009', ['-set', 'want', '480']);
  t.check(code === 0, 'call5: a PaaS user without a live session: 480', `final ${finalOf('nosession')}; sipp exited ${code}`);
  code = await sipp('unknown', 'cc-call-fail.xml', '7777', ['-set', 'want', '404']);
  t.check(code === 0, 'call6: no PaaS user with that SIP identity: 404', `final ${finalOf('unknown')}; sipp exited ${code}`);
} catch (e) {
  t.check(false, 'inbound test ran to the end', e.stack);
}
agentMedia.close();
await browser.close();
process.exit(t.failed ? 1 : 0);
