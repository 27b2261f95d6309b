// The contact-center router with Verto calls from Chromium (raw Verto
// JSON-RPC, a real RTCPeerConnection offer) and SIPp entry points (cc.list
// and cc-routing.rules beside this file): failover from a 503, the
// routing rules' set and headers, a probed-dead target skipped, a silent
// one failed over after the failover timeout; bad routing context refused;
// a forged request on the router's loop listener refused; an entry point
// failed over from that answers late (its 2xx ACKed and hung up, the call
// stays with the next one), and the early dialog of the entry point failed
// over to taking the browser's INFO.
// Usage: node routing.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, tap } from '../lib.mjs';
import { sipp as sippRun, sippEnd, twinServer } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;

// one entry point: a SIPp run of one call on PORT of the scenario file
// (sippDir's, or this suite's own for twinSipp); sipp() resolves with its
// exit code, twinSipp() is the run, its scenario talking with the test
// through the 3PCC twin server on port TWIN
const here = path.dirname(fileURLToPath(import.meta.url));
let cp = 8893;
function sippStart(name, port, file, extra = []) {
  cp += 1;
  return sippRun(logDir, name, ['-sf', file, '-i', '127.0.0.1', '-p', String(port),
    '-mi', '127.0.0.1', '-mp', String(41000 + (cp - 8893) * 10), '-key', 'rtp_port', '41100',
    '-m', '1', '-cp', String(cp), ...extra]);
}
const sipp = (name, port, scenario, extra = []) => sippStart(name, port, `${sippDir}/${scenario}`, extra).done;
const twinSipp = (name, port, scenario, twin) =>
  sippStart(name, port, `${here}/${scenario}`, ['-3pcc', `127.0.0.1:${twin}`, '127.0.0.1:5060']);
// a 3PCC twin server: what its SIPp said (header objects), heard(agent)
// waits (polling, ms at most) for its "Agent: <agent>" command
async function twin(port) {
  const said = [];
  const srv = await twinServer(port, (h) => said.push(h));
  const heard = async (agent, ms = 15000) => {
    for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 20))) {
      const h = said.find((x) => x.agent === agent);
      if (h) return h;
    }
    return null;
  };
  return { ...srv, said, heard };
}
// a counter of group verto (kamcmd stats.get_statistics), or null
function vertoStat(name) {
  const [cmd, ...args] = process.env.IWG_KAMCMD.split(/\s+/);
  try {
    const out = execFileSync(cmd, [...args, 'stats.get_statistics', 'verto:'], { encoding: 'utf8' });
    const m = out.match(new RegExp(`verto:${name} = (\\d+)`));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}
// polls until counter name of group verto is at least n (ms at most);
// its last value
async function vertoStatReaches(name, n, ms = 5000) {
  let v = vertoStat(name);
  for (const t0 = Date.now(); (v ?? -1) < n && Date.now() - t0 < ms; v = vertoStat(name)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return v;
}
const answering = (name, skill = '', lang = '') =>
  sipp(name, 5091, 'cc-route-answer.xml', ['-set', 'skill', skill, '-set', 'lang', lang]);

const dialog = (callID, userVariables) => ({ audio: true, video: false, useStereo: false,
  attach: false, screenShare: false, userVariables, iceServers: [], localElement: null,
  remoteElement: {}, callID, destination_number: '5000', remote_caller_id_name: 'Outbound Call',
  remote_caller_id_number: '5000', caller_id_name: 'Web User', caller_id_number: '1008' });
const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const offer = () => ev(() => audioOffer());

let sessid;
let n = 0;
// a call with these userVariables: the first of verto.answer or verto.bye
// (or the invite's error); hung up by the browser once answered
async function call(name, userVariables) {
  n += 1;
  const callID = `7c0b1c2d-0000-4000-8000-00000000000${n}`;
  await send({ jsonrpc: '2.0', id: `inv-${name}`, method: 'verto.invite',
    params: { sessid, sdp: await offer(), dialogParams: dialog(callID, userVariables) } });
  const res = await wait(`m.id === 'inv-${name}'`);
  if (res?.error || res?.result?.message !== 'CALL CREATED') return { invite: res };
  const end = await wait(`(m.method === 'verto.answer' || m.method === 'verto.bye') && m.params?.callID === '${callID}'`, 15000);
  if (end?.method === 'verto.answer') {
    await send({ jsonrpc: '2.0', id: `bye-${name}`, method: 'verto.bye',
      params: { sessid, dialogParams: dialog(callID, userVariables) } });
    await wait(`m.id === 'bye-${name}'`);
  }
  return { end };
}

// a request sent to the router's loop listener from another socket
function forged() {
  const s = dgram.createSocket('udp4');
  const msg = ['INVITE sip:5000@127.0.0.1:5090 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5199;branch=z9hG4bK-forged-1;rport',
    'Max-Forwards: 70', 'From: <sip:evil@127.0.0.1>;tag=f1', 'To: <sip:5000@127.0.0.1:5090>',
    'Call-ID: forged-loop-1', 'CSeq: 1 INVITE', 'X-IWG-CC-Set: 2', 'Content-Length: 0', '', ''].join('\r\n');
  return new Promise((resolve) => {
    const timer = setTimeout(() => { s.close(); resolve(null); }, 3000);
    s.on('message', (b) => {
      const line = b.toString().split('\r\n')[0];
      if (line.startsWith('SIP/2.0 1')) return;
      clearTimeout(timer);
      s.close();
      resolve(line);
    });
    s.bind(0, '127.0.0.1', () => s.send(msg, 5069, '127.0.0.1'));
  });
}

// the verto.info event {"iwg":...} of call callID whose msg satisfies cond
const ccEvent = (callID, cond, ms) => wait(`m.method === 'verto.info' && m.params?.callID === '${callID}' && m.params.msg && (${cond})`, ms);
// the SDK's call.message(to, body): verto.info with msg and dialogParams
const message = (id, callID, userVariables, body) => send({ jsonrpc: '2.0', id, method: 'verto.info',
  params: { sessid, msg: { from: '1008@cc.example', to: 'iwg-cc', body: JSON.stringify(body) },
    dialogParams: dialog(callID, userVariables) } });
// two entry points of a set, A and B ({ name, port, file, twin }: this
// suite's scenario file, its own 3PCC twin port): fn(runA, runB, twinA,
// twinB) makes the call; the SIPp runs still going after it (a failed
// check) are ended
async function entryPair(A, B, fn) {
  const tws = [await twin(A.twin), await twin(B.twin)];
  const runs = [A, B].map((e) => twinSipp(e.name, e.port, e.file, e.twin));
  try {
    await fn(...runs, ...tws);
  } finally {
    await Promise.all(runs.map(async (r) => {
      if (await sippEnd(r, 10000) === 'still running') r.proc.kill();
    }));
    tws.forEach((x) => x.close());
  }
}

// 8: set 5's first entry point stays silent past the failover timeout;
// the second answers; then the first answers 200 late (tm on the router
// forwards it), five times with new To tags: iwg_verto ACKs and hangs up
// two of those dialogs; it sends nothing for one over that limit nor for
// two without the INVITE's From tag or Call-ID (verto:other_2xx_ignored);
// the browser's call stays with the second (its INFO and the browser's
// come and go in its dialog, the browser's BYE reaches it)
const lateAnswer = () => entryPair({ name: 'late-a', port: 5096, file: 'cc-late-a.xml', twin: 8880 },
  { name: 'late-b', port: 5097, file: 'cc-late-b.xml', twin: 8881 }, async (a, b, twA, twB) => {
    const uv = { queue: 'late' };
    const callID = '7c0b1c2d-0000-4000-8000-0000000000a8';
    await send({ jsonrpc: '2.0', id: 'inv-late', method: 'verto.invite',
      params: { sessid, sdp: await offer(), dialogParams: dialog(callID, uv) } });
    const ans = await wait(`(m.method === 'verto.answer' || m.method === 'verto.bye') && m.params?.callID === '${callID}'`, 15000);
    t.check(ans?.method === 'verto.answer' && !!(await twB.heard('answered')),
      'late 200: the entry point failed over to after the silent one answers the call', why(ans));
    const inv = await twA.heard('invited', 1000);
    t.check(!!inv, 'late 200: the silent entry point got the INVITE first', why(twA.said));
    const ignored0 = vertoStat('other_2xx_ignored') ?? 0;
    twA.send(inv?.['call-id'], { Agent: 'answer' });
    // A waits in the call (an ACK or BYE for an ignored 200 would fail it)
    // until the three ignored ones are counted
    const done = await twA.heard('late-done', 15000);
    const ignored = done ? await vertoStatReaches('other_2xx_ignored', ignored0 + 3) : null;
    twA.send(inv?.['call-id'], { Agent: 'end' });
    t.check(ignored === ignored0 + 3,
      'late 200: a 200 over the limit of two other dialogs and two without the INVITE\'s From tag or Call-ID are ignored (verto:other_2xx_ignored)',
      `other_2xx_ignored ${ignored0} -> ${ignored}; late-done ${!!done}; see kamailio.log`);
    const codeA = await sippEnd(a, 15000);
    t.check(codeA === 0, 'late 200: the first entry point\'s late 200s are ACKed (their To tags, the INVITE\'s CSeq) and their dialogs hung up with BYE, two of them; nothing for the others',
      `exit ${codeA}; see ${logDir}/sipp-late-a-*.log and kamailio.log`);
    twB.send(inv?.['call-id'], { Agent: 'info' });
    const note = await ccEvent(callID, "m.params.msg.event === 'agent-note'");
    t.check(note?.params?.msg?.agent === 'b',
      'late 200: the call stays in the second entry point\'s dialog (its INFO reaches the browser)', why(note));
    await message('msg-late', callID, uv, { event: 'after-late' });
    const res = await ccEvent(callID, "m.params.msg.iwg === 'cc-result' && m.params.msg.event === 'after-late'");
    t.check(res?.params?.msg?.code === 200, 'late 200: the browser\'s message goes to the second entry point\'s dialog (200)', why(res));
    const early = await ev(([id]) => socks.a.msgs.find((m) => m.method === 'verto.bye' && m.params?.callID === id), [callID]);
    t.check(!early, 'late 200: the browser\'s call was not ended meanwhile (no verto.bye)', why(early));
    await send({ jsonrpc: '2.0', id: 'bye-late', method: 'verto.bye', params: { sessid, dialogParams: dialog(callID, uv) } });
    await wait("m.id === 'bye-late'");
    const codeB = await sippEnd(b, 15000);
    t.check(codeB === 0, 'late 200: the second entry point took the INFOs and the browser\'s BYE in its dialog',
      `exit ${codeB}; see ${logDir}/sipp-late-b-*.log`);
  });

// 9: set 6's first entry point rings (180 with a To tag: an early
// dialog), then fails 500; the second queues the call (182, another To
// tag): its early dialog is the call's now, its INFO is taken and the
// browser's message goes to it, not to the first
const earlyAfterFailover = () => entryPair({ name: 'early-a', port: 5098, file: 'cc-early-a.xml', twin: 8882 },
  { name: 'early-b', port: 5099, file: 'cc-early-b.xml', twin: 8883 }, async (a, b, twA, twB) => {
    const uv = { queue: 'early' };
    const callID = '7c0b1c2d-0000-4000-8000-0000000000a9';
    await send({ jsonrpc: '2.0', id: 'inv-early', method: 'verto.invite',
      params: { sessid, sdp: await offer(), dialogParams: dialog(callID, uv) } });
    const q5 = await ccEvent(callID, "m.params.msg.iwg === 'queue' && m.params.msg.position === 5", 15000);
    const ringing = await twA.heard('ringing', 1000);
    t.check(!!q5 && !!ringing, 'early dialogs: the first entry point rings (queue position 5)', why(q5));
    twA.send(ringing?.['call-id'], { Agent: 'fail' });
    const q1 = await ccEvent(callID, "m.params.msg.iwg === 'queue' && m.params.msg.position === 1", 15000);
    const queued = await twB.heard('queued', 1000);
    t.check(!!q1 && !!queued, 'early dialogs: after its 500 the next entry point queues the call (position 1)', why(q1));
    twB.send(queued?.['call-id'], { Agent: 'ivr' });
    const ivr = await ccEvent(callID, "m.params.msg.event === 'ivr'");
    t.check(ivr?.params?.msg?.menu === 'queue-b',
      'early dialogs: the INFO of the entry point failed over to is taken in its early dialog', why(ivr));
    await message('msg-early', callID, uv, { event: 'callback', number: '+33612345678' });
    const sent = await wait("m.id === 'msg-early'");
    const res = await ccEvent(callID, "m.params.msg.iwg === 'cc-result' && m.params.msg.event === 'callback'");
    t.check(sent?.result?.message === 'SENT' && res?.params?.msg?.code === 200,
      'early dialogs: the browser\'s message goes as INFO in the latest early dialog (200 from the entry point failed over to)',
      why([sent, res]));
    const ans = await wait(`(m.method === 'verto.answer' || m.method === 'verto.bye') && m.params?.callID === '${callID}'`);
    t.check(ans?.method === 'verto.answer', 'early dialogs: the entry point failed over to answers', why(ans));
    await send({ jsonrpc: '2.0', id: 'bye-early', method: 'verto.bye', params: { sessid, dialogParams: dialog(callID, uv) } });
    await wait("m.id === 'bye-early'");
    const codeB = await sippEnd(b, 15000);
    t.check(codeB === 0, 'early dialogs: the entry point failed over to got the INFO in its early dialog (To tag early-b), the ACK and the BYE',
      `exit ${codeB}; see ${logDir}/sipp-early-b-*.log`);
    twA.send(ringing?.['call-id'], { Agent: 'end' });
    const codeA = await sippEnd(a, 15000);
    t.check(codeA === 0, 'early dialogs: the first entry point got no INFO after it failed (the early-dialog copy moved)',
      `exit ${codeA}; see ${logDir}/sipp-early-a-*.log`);
  });

try {
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example',
    passwd: '1234', userVariables: {}, loginParams: {} } });
  const r = await wait("m.id === 'L1'");
  sessid = r?.result?.sessid;
  t.check(!!sessid, 'login through the identity store', why(r));

  // 1: the first entry point of set 1 answers 503, the second answers
  let refuse = sipp('refuse-503', 5090, 'cc-route-refuse.xml');
  let ans = answering('after-503');
  let c = await call('failover', {});
  t.check(c.end?.method === 'verto.answer',
    'failover: a 503 from the first entry point is not seen by the browser, the next one answers', why(c));
  t.check(await refuse === 0, 'failover: the first entry point got the INVITE and the ACK of its 503',
    `see ${logDir}/sipp-refuse-503-*.log`);
  t.check(await ans === 0, 'failover: the second entry point took the call (no router header)',
    `see ${logDir}/sipp-after-503-*.log`);

  // 2: the refusing entry point is down now: the call goes straight on
  ans = answering('down-skipped');
  c = await call('down-skipped', {});
  t.check(c.end?.method === 'verto.answer' && await ans === 0,
    'a target marked down by its 503 is skipped by the next call', why(c));

  // 3: queue=billing, language=fr: set 2, with the rule's headers
  ans = answering('billing', 'billing-fr', 'fr');
  c = await call('billing', { queue: 'billing', language: 'fr', page: 'https://shop.example/help?x=1' });
  t.check(c.end?.method === 'verto.answer', 'rules: queue=billing language=fr is answered', why(c));
  t.check(await ans === 0, 'rules: the billing entry point got X-Skill: billing-fr and X-Language: fr',
    `see ${logDir}/sipp-billing-*.log`);

  // 4: set 3's first target never answers its probes: skipped
  ans = answering('probed');
  c = await call('probed', { queue: 'probed' });
  t.check(c.end?.method === 'verto.answer' && await ans === 0,
    'a target that stops answering OPTIONS is skipped: the call reaches the next one', why(c));

  // 5: set 4's first target never answers the call: failed over after the timeout
  ans = answering('silent');
  c = await call('silent', { queue: 'silent' });
  t.check(c.end?.method === 'verto.answer' && await ans === 0,
    'a target that does not answer the INVITE is failed over after the failover timeout', why(c));

  // 6: routing context that could inject headers is refused
  c = await call('inject', { queue: 'billing\r\nX-Evil: 1' });
  t.check(c.invite?.error?.message === 'Invalid userVariables.queue' || c.invite?.result?.message === 'Invalid userVariables.queue'
    || JSON.stringify(c.invite || {}).includes('Invalid userVariables.queue'),
  'a queue with CR/LF is refused (Invalid userVariables.queue), nothing is sent', why(c));

  // 7: the loop listener takes nothing but iwg_verto's own requests
  const line = await forged();
  t.check(line === 'SIP/2.0 403 Forbidden', 'a forged INVITE on the router\'s loop listener gets 403', why(line));

  await lateAnswer();
  await earlyAfterFailover();
} catch (e) {
  t.check(false, 'routing checks ran', e.stack);
} finally {
  await browser.close();
}
process.exit(t.failed ? 1 : 0);
