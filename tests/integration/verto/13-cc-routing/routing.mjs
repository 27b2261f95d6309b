// The contact-center router with Verto calls from Chromium (raw Verto
// JSON-RPC, a real RTCPeerConnection offer) and SIPp entry points (cc.list
// and cc-routing.rules beside this file): failover from a 503, the
// routing rules' set and headers, a probed-dead target skipped, a silent
// one failed over after the failover timeout; bad routing context refused;
// a forged request on the router's loop listener refused.
// Usage: node routing.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import { launch, tap } from '../lib.mjs';
import { sipp as sippRun } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;

// one entry point: a SIPp run of one call on PORT; resolves with its exit code
let cp = 8893;
function sipp(name, port, scenario, extra = []) {
  cp += 1;
  return sippRun(logDir, name, ['-sf', `${sippDir}/${scenario}`, '-i', '127.0.0.1', '-p', String(port),
    '-mi', '127.0.0.1', '-mp', String(41000 + (cp - 8893) * 10), '-key', 'rtp_port', '41100',
    '-m', '1', '-cp', String(cp), ...extra]).done;
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
} catch (e) {
  t.check(false, 'routing checks ran', e.stack);
} finally {
  await browser.close();
}
process.exit(t.failed ? 1 : 0);
