// The real @signalwire/js 1.5.0 Verto client with @iwg/verto-cc (the
// project's contact-center extension, the bundle make web builds) in
// headless Chromium against iwg_verto and a SIPp contact center
// (cc-sdk-queue.xml): enterQueue with queue and language (the routing
// rules' headers asserted by SIPp), the queue position and wait, the agent
// by name, audio both ways, a supervisor joining, IVR digits sent when the
// menu is announced (RFC 4733, decoded at the agent's endpoint), a
// callback request answered 200, hang-up.
// Usage: node cc.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { poll } from '../lib/browser.mjs';
import { tap } from '../../integration/verto/lib.mjs';
import { agentMedia, bundle, openSdkPage, sipp, twinServer } from './sdklib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const browserLog = `${logDir}/browser-verto-cc.log`;
const logs = `${browserLog}, ${logDir}/kamailio.log, ${logDir}/sipp-cc-queue-*.log`;
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logs}`;
const TWIN = 8896; // SIPp's 3PCC twin (this script)

// the IVR's digits, decoded at the agent's endpoint, go to the scenario
const ivr = { callId: null, pending: [] };
const flushIvr = () => {
  while (ivr.callId && ivr.pending.length) twin.send(ivr.callId, { 'IVR-Event': ivr.pending.shift() });
};
const twin = await twinServer(TWIN, (h) => {
  if (h.ivr === 'collecting') { ivr.callId = h['call-id']; flushIvr(); }
});
const rtp = await agentMedia(41100, (digit) => { ivr.pending.push(digit); flushIvr(); });

let sdk = null;
try {
  const b = await bundle();
  sdk = await openSdkPage(b.outfile, browserLog);
  const { vt, events } = sdk;
  const loaded = await sdk.page.evaluate(() => typeof window.IWGContactCenter?.ContactCenter);
  t.check(loaded === 'function', 'the page loads @iwg/verto-cc beside the SDK (global IWGContactCenter)', why(loaded));

  await vt('connect', wsUrl, '1008@cc.example', '1234', { tenant: 'acme' });
  const ready = await poll(async () => (await events()).find((e) => e.type === 'ready' || e.type === 'error'),
    { timeoutMs: 10000, what: 'signalwire.ready' }).catch((e) => ({ type: 'timeout', detail: e.message }));
  t.check(ready.type === 'ready', 'the SDK logs in', why(ready));
  if (ready.type !== 'ready') throw new Error('login failed; nothing more to check');

  const cc = sipp(logDir, 'cc-queue', ['-sf', `${sippDir}/cc-sdk-queue.xml`, '-i', '127.0.0.1', '-p', '5090',
    '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8897',
    '127.0.0.1:5060', '-3pcc', `127.0.0.1:${TWIN}`]);
  const callID = await vt('ccEnter', 'sales', { language: 'en' });
  const ev = (type) => poll(async () => (await events()).find((e) => e.type === `cc.${type}` && e.detail.callID === callID),
    { timeoutMs: 15000, what: `cc.${type}` }).catch(() => null);

  const q = await ev('queue');
  t.check(q?.detail.position === 3 && q.detail.wait === 120 && q.detail.code === 182,
    'enterQueue: the extension reports the queue position 3 and the wait 120 s of the 182', why(q));
  const agent = await ev('agent');
  t.check(agent?.detail.name === 'Alice Agent' && agent.detail.number === '2001',
    'the agent who answers is named: Alice Agent, 2001', why(agent));
  const phase = await poll(async () => (await vt('ccPhase')) === 'connected', { timeoutMs: 10000, what: 'connected' })
    .catch(async () => vt('ccPhase'));
  t.check(phase === true, 'the call is connected (ccCall.phase)', why(phase));
  const st = await poll(async () => {
    const s = await vt('stats');
    return s && s.sent >= 25 && s.received >= 25 ? s : false;
  }, { timeoutMs: 10000, what: 'audio both ways' }).catch(async () => vt('stats'));
  t.check(st && st.sent >= 25 && st.received >= 25 && rtp.packets >= 25,
    'audio both ways: the browser sends and receives, the agent receives', why({ st, agent: rtp.packets }));

  const sup = await ev('supervisor');
  t.check(sup?.detail.name === 'Sam' && sup.detail.mode === 'listen', 'a supervisor joining is reported (Sam, listen)', why(sup));
  const menu = await ev('ivr');
  t.check(menu?.detail.menu === 'main', 'the IVR announces its menu (main)', why(menu));
  const after = await vt('ccIvr', '1', 'invoices');
  t.check(after === 'invoices', 'ivr.send("1", {expectMenu: "invoices"}) resolves once the IVR moved on', why(after));

  const code = await vt('ccCallback', '+33612345678');
  t.check(code === 200, 'requestCallback reaches the contact center as INFO and resolves with its 200', why(code));

  await vt('hangup');
  const sc = await cc.done;
  t.check(sc === 0, 'the contact center saw the routing headers, the digit 1, the callback request and the BYE (SIPp ok)',
    `sipp exited ${sc}; see ${logDir}/sipp-cc-queue-messages.log, ${logDir}/sipp-cc-queue-errors.log`);
} catch (e) {
  t.check(false, 'contact-center extension checks ran', e.stack);
} finally {
  if (sdk) await sdk.close();
  twin.close();
  rtp.close?.();
}
process.exit(t.failed ? 1 : 0);
