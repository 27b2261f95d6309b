// Contact-center events with iwg_verto: raw Verto JSON-RPC from Chromium
// (a real RTCPeerConnection offer) and SIPp as the contact center
// (sipp/cc-events.xml): 182 with queue headers -> {"iwg":"queue"}; INFO
// vnd.iwg.cc+json in the early dialog and after the answer -> {"iwg":"cc"};
// the browser's call.message to iwg-cc -> INFO, its final reply ->
// {"iwg":"cc-result"} (200 while queued, 403 once answered); the 200's
// P-Asserted-Identity -> verto.display and {"iwg":"agent"}; INFO
// dtmf-relay and dtmf -> {"iwg":"dtmf"}; bad bodies refused 400/415 (SIPp
// asserts), bad messages and unknown calls -32602; dtmf_mode=info: the
// browser's digits reach the contact center as INFO (SIPp asserts).
// Usage: node events.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { isDeepStrictEqual } from 'node:util';
import { launch, tap } from '../lib.mjs';
import { sipp } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;

// the contact center: one SIPp call; resolves with its exit code
function contactCenter(name, scenario) {
  return sipp(logDir, name, ['-sf', `${sippDir}/${scenario}`, '-i', '127.0.0.1', '-p', '5090',
    '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8893']).done;
}

const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const index = (pred) => ev((p) => socks.a.msgs.findIndex(new Function('m', `return ${p}`)), pred);
const count = (pred) => ev((p) => socks.a.msgs.filter(new Function('m', `return ${p}`)).length, pred);
const offer = () => ev(() => audioOffer());

const callID = '8a0b1c2d-0000-4000-8000-0000000000c1';
const dialogParams = (id = callID) => ({ audio: true, video: false, attach: false,
  userVariables: {}, callID: id, destination_number: '5000',
  remote_caller_id_name: 'Outbound Call', remote_caller_id_number: '5000',
  caller_id_name: 'Web User', caller_id_number: '1008' });
let sessid;
// call.message(to, body) of the SDK: verto.info with msg and dialogParams
const message = (id, to, body, cid) => send({ jsonrpc: '2.0', id, method: 'verto.info',
  params: { sessid, msg: { from: '1008@cc.example', to, body }, dialogParams: dialogParams(cid) } });
// the msg of the first verto.info for the call whose msg matches
const info = (cond, ms) => wait(`m.method === 'verto.info' && m.params?.callID === '${callID}' && m.params.msg && (${cond})`, ms);
const msgIs = (m, want, desc) => t.check(isDeepStrictEqual(m?.params?.msg, want), desc, why(m));

try {
  const cc = contactCenter('events', 'cc-events.xml');
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example',
    passwd: '1234', userVariables: {}, loginParams: {} } });
  const r = await wait("m.id === 'L1'");
  sessid = r?.result?.sessid;
  t.check(!!sessid, 'login through the identity store', why(r));

  const sdp = await offer();
  await send({ jsonrpc: '2.0', id: 'inv', method: 'verto.invite', params: { sessid, sdp, dialogParams: dialogParams() } });
  const res = await wait("m.id === 'inv'");
  t.check(res?.result?.message === 'CALL CREATED', 'verto.invite result is CALL CREATED', why(res));

  // queued: 182 with X-Queue-Position, X-Queue-Wait, X-IVR-Menu
  msgIs(await info("m.params.msg.iwg === 'queue'", 15000),
    { iwg: 'queue', code: 182, reason: 'Queued', position: 3, wait: 120, menu: 'main' },
    '182 Queued with X-Queue-Position 3, X-Queue-Wait 120, X-IVR-Menu main becomes the queue event');
  // the IVR's INFO in the early dialog
  msgIs(await info("m.params.msg.event === 'ivr'"),
    { iwg: 'cc', event: 'ivr', menu: 'billing', prompt: 'press 1 for invoices' },
    'INFO vnd.iwg.cc+json from the contact center in the early dialog becomes the cc event (members copied)');

  // the browser asks to be called back while queued
  await message('cb', 'iwg-cc', JSON.stringify({ event: 'callback', number: '+33612345678', when: 'asap' }));
  const cb = await wait("m.id === 'cb'");
  t.check(cb?.result?.message === 'SENT', 'call.message to iwg-cc while queued is answered SENT', why(cb));
  msgIs(await info("m.params.msg.iwg === 'cc-result' && m.params.msg.event === 'callback'"),
    { iwg: 'cc-result', event: 'callback', code: 200 },
    'the contact center\'s 200 to the INFO (body asserted by SIPp) comes back as cc-result 200');

  // an agent answers
  const ans = await wait(`m.method === 'verto.answer' && m.params?.callID === '${callID}'`);
  t.check(/^v=0/.test(ans?.params?.sdp || ''), 'the 200 becomes verto.answer with the SDP', why(ans));
  const disp = await wait(`m.method === 'verto.display' && m.params?.callID === '${callID}'`);
  t.check(disp?.params?.display_name === 'Alice Agent' && disp.params.display_number === '2001',
    'the 200\'s P-Asserted-Identity becomes verto.display Alice Agent / 2001', why(disp));
  msgIs(await info("m.params.msg.iwg === 'agent'"), { iwg: 'agent', name: 'Alice Agent', number: '2001' },
    'the 200\'s P-Asserted-Identity "Alice Agent" <sip:2001@cc.example> becomes the agent event');
  const [iAns, iAgent] = [await index(`m.method === 'verto.answer' && m.params?.callID === '${callID}'`),
    await index("m.method === 'verto.info' && m.params?.msg?.iwg === 'agent'")];
  t.check(iAns >= 0 && iAns < iAgent, 'the agent event follows verto.answer', why({ iAns, iAgent }));

  // the contact center's INFOs in the answered call
  msgIs(await info("m.params.msg.event === 'supervisor'"),
    { iwg: 'cc', event: 'supervisor', name: 'Sam', mode: 'listen' },
    'INFO vnd.iwg.cc+json supervisor becomes the cc event');
  msgIs(await info("m.params.msg.iwg === 'dtmf' && m.params.msg.digits === '5'"),
    { iwg: 'dtmf', digits: '5', duration: 160 },
    'INFO application/dtmf-relay Signal=5 Duration=160 becomes the dtmf event');
  const d7 = await info("m.params.msg.iwg === 'dtmf' && m.params.msg.digits === '7'");
  t.check(d7?.params?.msg?.duration > 0 && Object.keys(d7.params.msg).length === 3,
    'INFO application/dtmf 7 becomes the dtmf event with the default duration', why(d7));
  const n = { cc: await count("m.method === 'verto.info' && m.params?.msg?.iwg === 'cc'"),
    dtmf: await count("m.method === 'verto.info' && m.params?.msg?.iwg === 'dtmf'") };
  t.check(n.cc === 2 && n.dtmf === 2,
    'the refused INFOs (no event, Signal=X, text/plain) told the browser nothing', why(n));

  // bad messages: -32602, nothing reaches the contact center
  await message('bad1', 'iwg-cc', 'not json');
  let e = await wait("m.id === 'bad1'");
  t.check(e?.error?.code === -32602 && /JSON/.test(e.error.message),
    'call.message to iwg-cc with a body that is not a JSON object is refused -32602', why(e));
  await message('bad2', 'iwg-cc', JSON.stringify({ queue: 'sales' }));
  e = await wait("m.id === 'bad2'");
  t.check(e?.error?.code === -32602 && /event/.test(e.error.message),
    'call.message to iwg-cc without a string event is refused -32602', why(e));
  await message('bad3', 'iwg-cc', JSON.stringify({ event: 'callback' }), 'no-such-call');
  e = await wait("m.id === 'bad3'");
  t.check(e?.error?.code === -32602 && /Unknown call/.test(e.error.message),
    'call.message to iwg-cc for an unknown callID is refused -32602', why(e));
  await message('chat', '1009@cc.example', 'hello');
  e = await wait("m.id === 'chat'");
  t.check(e?.result && !e.error, 'a chat message to someone else is answered and not relayed', why(e));

  // a request the contact center refuses: the code comes back
  await message('cq', 'iwg-cc', JSON.stringify({ event: 'change-queue', queue: 'sales' }));
  e = await wait("m.id === 'cq'");
  t.check(e?.result?.message === 'SENT', 'call.message change-queue in the answered call is SENT', why(e));
  msgIs(await info("m.params.msg.iwg === 'cc-result' && m.params.msg.event === 'change-queue'"),
    { iwg: 'cc-result', event: 'change-queue', code: 403 },
    'the contact center\'s 403 to change-queue comes back as cc-result 403');

  // dtmf_mode=info: the digits go as INFO (SIPp asserts Signal=5 then #)
  await send({ jsonrpc: '2.0', id: 'dtmf', method: 'verto.info', params: { sessid, dtmf: '5#', dialogParams: dialogParams() } });
  e = await wait("m.id === 'dtmf'");
  t.check(e?.result?.message === 'SENT', 'verto.info dtmf 5# is answered SENT (dtmf_mode info)', why(e));

  const bye = await wait(`m.method === 'verto.bye' && m.params?.callID === '${callID}'`, 15000);
  t.check(bye?.params?.cause === 'NORMAL_CLEARING', 'the contact center\'s BYE ends the call', why(bye));
  const code = await cc;
  t.check(code === 0, 'the contact center got the callback and change-queue INFOs (type and body), 400 to the bodies without event and with Signal=X, 415 with Accept to text/plain, 200 to the others, and the digits 5 and # as INFO dtmf-relay',
    `sipp exited ${code}; see ${logDir}/sipp-events-*.log`);
} catch (err) {
  t.check(false, 'cc-events test ran to the end', err.stack);
}
await browser.close();
process.exit(t.failed ? 1 : 0);
