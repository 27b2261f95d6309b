// The real @signalwire/js 1.5.0 Verto client with @iwg/verto-cc (the
// project's contact-center extension, the bundle make web builds) in
// headless Chromium against iwg_verto and a SIPp contact center
// (cc-sdk-queue.xml): enterQueue with queue and language (the routing
// rules' headers asserted by SIPp), the queue position and wait, the agent
// by name, audio both ways, a supervisor joining, IVR digits sent when the
// menu is announced (RFC 4733, decoded at the agent's endpoint), a
// callback request answered 200, then agent A's consultation transfer to
// agent B (REFER with Replaces, cc-sdk-xfer-b.xml): the SDK call stays up
// on the same peer connection, audio both ways with B, the extension names
// B; hang-up (reaches B).
// Usage: node cc.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { poll } from '../lib/browser.mjs';
import { tap } from '../../integration/verto/lib.mjs';
import { agentMedia, bundle, openSdkPage, sipp, sippEnd, twinServer } from './sdklib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const browserLog = `${logDir}/browser-verto-cc.log`;
const logs = `${browserLog}, ${logDir}/kamailio.log, ${logDir}/sipp-cc-{queue,xfer-b}-*.log`;
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
const rtpB = await agentMedia(41200); // agent B's media endpoint, after the transfer

let sdk = null;
let cc = null;
let ccB = null;
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

  cc = sipp(logDir, 'cc-queue', ['-sf', `${sippDir}/cc-sdk-queue.xml`, '-i', '127.0.0.1', '-p', '5090',
    '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8897',
    '127.0.0.1:5060', '-3pcc', `127.0.0.1:${TWIN}`]);
  // agent B, waiting for the transfer's INVITE
  ccB = sipp(logDir, 'cc-xfer-b', ['-sf', `${sippDir}/cc-sdk-xfer-b.xml`, '-i', '127.0.0.1', '-p', '5092',
    '-mi', '127.0.0.1', '-mp', '41010', '-key', 'rtp_port', '41200', '-m', '1', '-cp', '8898']);
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

  // agent A's consultation transfer to agent B (REFER with Replaces)
  twin.send(ivr.callId, { Agent: 'refer' });
  const sc = await sippEnd(cc);
  t.check(sc === 0, 'the contact center saw the routing headers, the digit 1, the callback request; agent A\'s REFER '
    + 'with Replaces got 202, NOTIFY sipfrag 100 Trying then 200 OK (terminated) and iwg\'s BYE (SIPp ok)',
    `sipp exited ${sc}; see ${logDir}/sipp-cc-queue-messages.log, ${logDir}/sipp-cc-queue-errors.log`);
  rtp.close(); // agent A has hung up: what the browser receives from now on is agent B's
  const agentB = await poll(async () => (await events()).find((e) => e.type === 'cc.agent'
    && e.detail.callID === callID && e.detail.number === '2002'), { timeoutMs: 10000, what: 'cc.agent 2002' })
    .catch(() => null);
  const nowAgent = await vt('ccAgent');
  t.check(agentB?.detail.name === 'Bob Agent' && nowAgent?.number === '2002' && nowAgent.name === 'Bob Agent',
    'after the transfer the extension names the new agent: Bob Agent, 2002 (agent event and ccCall.agent)',
    why({ agentB, nowAgent }));
  const s0 = await vt('stats');
  const b0 = rtpB.packets;
  const grown = (s) => s && s0 && s.sent - s0.sent >= 25 && s.received - s0.received >= 25 && rtpB.packets - b0 >= 25;
  const s1 = await poll(async () => {
    const s = await vt('stats');
    return grown(s) ? s : false;
  }, { timeoutMs: 10000, what: 'audio both ways with agent B' }).catch(async () => vt('stats'));
  t.check(grown(s1) && s1.pc === st?.pc,
    'audio both ways after the transfer, same peer connection: the browser\'s sent and received RTP grow by 25+, '
    + 'agent B receives 25+', why({ before: s0, after: s1, agentB: rtpB.packets - b0 }));
  const ended = (await events()).filter((e) => e.type === 'callUpdate' && e.detail.id === callID
    && ['hangup', 'destroy'].includes(e.detail.state));
  const state = await vt('state');
  t.check(ended.length === 0 && state === 'active' && (await vt('ccPhase')) === 'connected',
    'the SDK call stayed up through the transfer (no hangup, state active, ccCall.phase connected)',
    why({ ended, state }));

  await vt('hangup');
  const sb = await sippEnd(ccB);
  t.check(sb === 0, 'agent B got the INVITE with Replaces, Referred-By and the browser\'s identity, and the BYE of '
    + 'the hang-up (SIPp ok)', `sipp exited ${sb}; see ${logDir}/sipp-cc-xfer-b-messages.log, `
    + `${logDir}/sipp-cc-xfer-b-errors.log`);
} catch (e) {
  t.check(false, 'contact-center extension checks ran', e.stack);
} finally {
  if (sdk) await sdk.close();
  for (const run of [cc, ccB]) if (run && run.proc.exitCode === null) run.proc.kill();
  twin.close();
  rtp.close();
  rtpB.close();
}
process.exit(t.failed ? 1 : 0);
