// A Verto call to a contact center on another host (SIPp on 10.9.0.2 in
// the namespace of process NS_PID; the shipped rules' X-Skill sales):
// answered, then the ACK and the
// browser's BYE must reach it (cc-route-answer.xml exits 0 only then).
// Usage: node remote.mjs TAP_START LOGDIR WS_URL SIPP_DIR NS_PID
// SPDX-License-Identifier: GPL-2.0-or-later
import { launch, tap } from '../lib.mjs';
import { sipp } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, sippDir, nsPid] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;
const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const callID = '8a0b1c2d-0000-4000-8000-0000000016cc';
const dp = { audio: true, video: false, attach: false, userVariables: {}, callID,
  destination_number: '5000', caller_id_name: 'Web User', caller_id_number: '1008' };

try {
  // sipp inside the contact center's namespace (nsenter runs it there)
  const cc = sipp(logDir, 'remote-cc', ['-t', String(nsPid), '-n', 'sipp', '-sf', `${sippDir}/cc-route-answer.xml`,
    '-set', 'skill', 'sales', '-set', 'lang', '', '-i', '10.9.0.2', '-p', '5090', '-mi', '10.9.0.2', '-mp', '41000',
    '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8893'], 'nsenter');
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example', passwd: '1234',
    userVariables: {}, loginParams: {} } });
  const sessid = (await wait("m.id === 'L1'"))?.result?.sessid;
  t.check(!!sessid, 'login', why(sessid));
  await send({ jsonrpc: '2.0', id: 'inv', method: 'verto.invite',
    params: { sessid, sdp: await ev(() => audioOffer()), dialogParams: dp } });
  const a = await wait(`(m.method === 'verto.answer' || m.method === 'verto.bye') && m.params?.callID === '${callID}'`, 15000);
  t.check(a?.method === 'verto.answer', 'the contact center on 10.9.0.2 answers the call (through the router)', why(a));
  await send({ jsonrpc: '2.0', id: 'bye', method: 'verto.bye', params: { sessid, dialogParams: dp } });
  await wait("m.id === 'bye'");
  const code = await cc.done;
  t.check(code === 0, 'the ACK and the browser\'s BYE reach the contact center on 10.9.0.2 (SIPp ok)',
    `sipp exited ${code}; see ${logDir}/sipp-remote-cc-messages.log, ${logDir}/sipp-remote-cc-errors.log`);
} catch (e) {
  t.check(false, 'remote contact-center checks ran', e.stack);
} finally {
  await browser.close();
}
process.exit(t.failed ? 1 : 0);
