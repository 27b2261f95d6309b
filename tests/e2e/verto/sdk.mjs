// The real @signalwire/js 1.5.0 Verto client (bundled from node_modules by
// esbuild, unmodified) in headless Chromium against iwg_verto. Calls to the
// contact center (SIPp): login through the identity store, 183 then 200,
// audio both ways (getStats), hold/unhold, the WebSocket dropped and the call
// re-attached (audio again, nothing seen by the agent), hang-up seen by the
// agent as BYE; an IVR that asserts the digits 1, 2, 3 (RFC 4733) in its
// SIPp scenario; blind transfer; busy (486) and no answer (480, 408 after
// 180) as causes in the SDK. Calls from the contact center: answered with
// call.answer() (audio both ways, the agent's BYE ends the SDK call), not
// answered (480 after ring_timeout), declined with call.hangup() (486).
// Usage: node sdk.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import { poll } from '../lib/browser.mjs';
import { tap } from '../../integration/verto/lib.mjs';
import { agentMedia, bundle, openSdkPage, sipp, sippEnd, twinServer } from './sdklib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const browserLog = `${logDir}/browser-verto-sdk.log`;
const logs = `${browserLog}, ${logDir}/kamailio.log, ${logDir}/sipp-sdk-*.log`;
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logs}`;
const TWIN = 8895; // SIPp's 3PCC twin (this script)

// the contact center as UAS on 127.0.0.1:5090 (iwg's cc_uri); media at 41100
const uas = (name, scenario, extra = []) => sipp(logDir, `sdk-${name}`, ['-sf', `${sippDir}/${scenario}`,
  '-i', '127.0.0.1', '-p', '5090', '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100',
  '-m', '1', '-cp', '8893', ...extra]);
// the contact center calling sip:1008@cc.example from 127.0.0.1:5091
const uac = (name, scenario, extra = []) => sipp(logDir, `sdk-${name}`, ['127.0.0.1:5060', '-sf', `${sippDir}/${scenario}`,
  '-s', '1008', '-i', '127.0.0.1', '-p', '5091', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8894', ...extra]);
const sippWhy = (name, code) => `sipp exited ${code}; see ${logDir}/sipp-sdk-${name}-messages.log, ${logDir}/sipp-sdk-${name}-errors.log`;

// the IVR's digits: each RFC 4733 event the agent's endpoint decodes is
// reported to the scenario (cc-ivr.xml) through the 3PCC twin, once the
// scenario has said which call collects ("IVR: collecting")
const ivr = { callId: null, pending: [] };
const answered = new Set(); // Call-IDs of cc-sdk-callback.xml runs that got the 200
const flushIvr = () => {
  while (ivr.callId && ivr.pending.length) twin.send(ivr.callId, { 'IVR-Event': ivr.pending.shift() });
};
const twin = await twinServer(TWIN, (h) => {
  if (h.ivr === 'collecting') { ivr.callId = h['call-id']; flushIvr(); }
  if (h.agent === 'answered') answered.add(h['call-id']);
});
const rtp = await agentMedia(41100, (digit) => { ivr.pending.push(digit); flushIvr(); });

let sdk = null;
let cc = null;
try {
  const b = await bundle();
  const sdkFiles = b.inputs.filter((f) => f.includes('node_modules/@signalwire/js/'));
  t.check(sdkFiles.some((f) => f.endsWith('node_modules/@signalwire/js/dist/esm/common/src/webrtc/BaseCall.js')),
    'esbuild bundles the Verto client from node_modules/@signalwire/js', `inputs: ${b.inputs.join(' ')}`);

  sdk = await openSdkPage(b.outfile, browserLog);
  const { vt, events } = sdk;
  const version = await sdk.page.evaluate(() => window.vt.version);
  t.check(version === '1.5.0', 'the page runs @signalwire/js 1.5.0', why(version));

  // login: the identity store maps paas:1008@cc.example (password 1234)
  await vt('connect', wsUrl, '1008@cc.example', '1234', { tenant: 'acme', customer_id: 'C-42' });
  const ready = await poll(async () => (await events()).find((e) => e.type === 'ready' || e.type === 'error'),
    { timeoutMs: 10000, what: 'signalwire.ready' }).catch((e) => ({ type: 'timeout', detail: e.message }));
  t.check(ready.type === 'ready' && ready.detail.sessid, 'the SDK logs in (signalwire.ready with a sessid)', why(ready));
  if (ready.type !== 'ready') throw new Error('login failed; nothing more to check');

  // the call: SIPp answers 183 with SDP, then 200
  cc = uas('agent', 'cc-agent.xml', ['-set', 'hangup', 'browser']);
  const callID = await vt('call', '5000');
  const active = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 15000, what: 'call state active' })
    .catch(async () => vt('state'));
  const states = (await events()).filter((e) => e.type === 'callUpdate' && e.detail.id === callID).map((e) => e.detail.state);
  t.check(active === true, 'the call becomes active (183 then 200 from the agent)', why({ state: active, states }));
  const order = ['requesting', 'trying', 'early', 'active'].map((s) => states.indexOf(s));
  t.check(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
    'the SDK goes requesting, trying, early (verto.media), active (verto.answer)', why(states));

  // audio: the SDK's peer connection sends and receives, the agent hears it
  const st = await poll(async () => { const s = await vt('stats'); return s && s.sent >= 25 && s.received >= 25 ? s : false; },
    { timeoutMs: 10000, what: 'audio packets both ways' }).catch(async () => vt('stats'));
  t.check(st && st.sent >= 25, 'the browser sends audio (getStats outbound-rtp packetsSent)', why(st));
  t.check(st && st.received >= 25, 'the browser receives the agent\'s audio through rtpengine (getStats inbound-rtp packetsReceived)',
    why({ stats: st, agentSent: rtp.sent }));
  t.check(rtp.packets >= 25, 'the agent receives the browser\'s audio as plain RTP', why(rtp.packets));

  // hold/unhold: the scenario checks the re-INVITEs (sendonly, sendrecv)
  await vt('hold');
  const held = await poll(async () => (await vt('state')) === 'held', { timeoutMs: 8000, what: 'held' }).catch(async () => vt('state'));
  t.check(held === true, 'call.hold() makes the call held', why(held));
  await vt('unhold');
  const resumed = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 8000, what: 'active' }).catch(async () => vt('state'));
  t.check(resumed === true, 'call.unhold() makes the call active again', why(resumed));

  // WebSocket lost mid-call: the SDK reconnects with its sessid, iwg sends
  // verto.attach with a fresh offer, the SDK answers with a new peer
  // connection; the agent sees no re-INVITE and no BYE (SIPp would fail)
  const before = await vt('stats');
  const nOpen = (await events()).filter((e) => e.type === 'socket.open').length;
  t.check(await vt('drop'), 'the page closes the SDK\'s WebSocket mid-call', 'no WebSocket');
  const reopened = await poll(async () => (await events()).filter((e) => e.type === 'socket.open').length > nOpen,
    { timeoutMs: 10000, what: 'reconnect' }).catch(() => false);
  t.check(reopened === true, 'the SDK reconnects after the loss', why(await events()));
  const back = await poll(async () => {
    const s = await vt('stats');
    return s && s.pc !== before.pc && s.sent >= 25 && s.received >= 25 && (await vt('state')) === 'active' ? s : false;
  }, { timeoutMs: 15000, what: 'audio after re-attach' }).catch(async () => ({ stats: await vt('stats'), state: await vt('state') }));
  t.check(back && back.pc && back.pc !== before.pc, 'iwg re-attaches the call (verto.attach): the SDK answers with a new peer connection, call active',
    why({ before, back }));
  t.check(back && back.sent >= 25 && back.received >= 25,
    'audio flows again both ways on the re-attached call (getStats packets of the new peer connection rise)', why(back));
  const agentBefore = rtp.packets;
  const agentRises = await poll(() => rtp.packets >= agentBefore + 25, { timeoutMs: 5000, what: 'agent RTP' }).catch(() => false);
  t.check(agentRises === true, 'the agent keeps receiving the browser\'s audio after the re-attach', why(rtp.packets - agentBefore));
  t.check(cc.proc.exitCode === null, 'the agent saw no BYE across the loss (SIPp still in the call)',
    sippWhy('agent', cc.proc.exitCode));

  // hang-up: the SDK sends verto.bye, the agent gets BYE
  await vt('hangup');
  const gone = await poll(async () => (await vt('state')) === 'destroy', { timeoutMs: 8000, what: 'destroy' })
    .catch(async () => vt('state'));
  t.check(gone === true, 'call.hangup() ends the call in the SDK (destroy)', why(gone));
  const code = await sippEnd(cc);
  t.check(code === 0, 'the agent saw INVITE with the mapped identity, hold and unhold re-INVITEs, then BYE and nothing else (SIPp ok)',
    sippWhy('agent', code));

  // an IVR expecting 1, 2, 3: call.dtmf() -> verto.info -> RFC 4733 events
  // injected by rtpengine toward the agent; cc-ivr.xml asserts the digits
  // itself (each decoded event reaches it through the 3PCC twin) and fails
  // on a wrong or missing one. Run with the right digits, then with a
  // wrong one to see the scenario catch it.
  for (const [name, digits, good] of [['ivr', '123', true], ['ivr-wrong', '124', false], ['ivr-missing', '12', false]]) {
    ivr.callId = null;
    ivr.pending = [];
    const evBefore = rtp.events.length;
    cc = uas(name, 'cc-ivr.xml', ['127.0.0.1:5060', '-3pcc', `127.0.0.1:${TWIN}`]);
    const id = await vt('call', '5000');
    const up = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 15000, what: 'IVR call active' })
      .catch(async () => vt('state'));
    // rtpengine injects the events into the browser's audio: let it flow
    const agentBefore = rtp.packets;
    await poll(() => rtp.packets >= agentBefore + 10, { timeoutMs: 5000, what: 'audio toward the IVR' }).catch(() => null);
    await vt('dtmf', digits);
    await poll(() => rtp.events.length >= evBefore + digits.length && ivr.callId && ivr.pending.length === 0,
      { timeoutMs: 5000, what: 'the events reported' }).catch(() => null);
    const seen = rtp.events.slice(evBefore);
    await vt('hangup');
    await poll(async () => (await vt('state')) === 'destroy', { timeoutMs: 8000, what: 'destroy' }).catch(() => null);
    const code = await sippEnd(cc);
    if (good) {
      t.check(up === true && code === 0,
        `call.dtmf("123"): the IVR scenario (cc-ivr.xml) asserted the RFC 4733 events 1, 2, 3 itself (SIPp ok; the endpoint decoded ${seen.join(',')})`,
        `call ${id} state ${up}; ${sippWhy(name, code)}`);
    } else {
      let err = '';
      try { err = fs.readFileSync(`${logDir}/sipp-sdk-${name}-errors.log`, 'utf8'); } catch { /* none */ }
      const caught = digits === '124' ? /Failed regexp match: looking in ' *4', with regexp '\^ \*3 \*\$'/.test(err)
        : /Aborting call on an unexpected BYE/.test(err);
      t.check(up === true && code !== 0 && caught,
        `call.dtmf("${digits}"): the IVR scenario fails on ${digits === '124' ? 'the wrong third digit (4 where it expects 3)' : 'the missing third digit (the BYE comes while it waits)'}; SIPp exit ${code}, the endpoint decoded ${seen.join(',')}`,
        `call ${id} state ${up}; ${sippWhy(name, code)}; errors: ${err.slice(0, 400)}`);
    }
  }

  // blind transfer: call.transfer('6000') -> REFER toward the agent (the
  // scenario checks Refer-To and Referred-By), 202, NOTIFY with the sipfrag
  // SIP/2.0 200 OK -> verto.info to the SDK (a notification of type event
  // with msg {type transfer, status 200, final}), then the agent's BYE
  cc = uas('transfer', 'cc-agent.xml', ['-set', 'hangup', 'transfer']);
  const xferID = await vt('call', '5000');
  const up = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 15000, what: 'second call active' })
    .catch(async () => vt('state'));
  t.check(up === true, 'a second call becomes active', why(up));
  await vt('transfer', '6000');
  const outcome = await poll(async () => (await events()).find((e) => e.type === 'notification' &&
    e.detail.callID === xferID && e.detail.msg && e.detail.msg.type === 'transfer' && e.detail.msg.final),
  { timeoutMs: 10000, what: 'transfer outcome' }).catch(async () => (await events()).filter((e) => e.type === 'notification'));
  t.check(outcome && outcome.detail && outcome.detail.msg.status === 200,
    'call.transfer("6000"): the NOTIFY sipfrag 200 OK reaches the SDK as a notification (verto.info msg {type transfer, status 200})', why(outcome));
  const ended = await poll(async () => (await vt('state')) === 'destroy', { timeoutMs: 10000, what: 'destroy after transfer' })
    .catch(async () => vt('state'));
  t.check(ended === true, 'the agent\'s BYE after the transfer ends the call in the SDK (destroy)', why(ended));
  const xcode = await sippEnd(cc);
  t.check(xcode === 0, 'the agent got REFER with Refer-To <sip:6000@127.0.0.1:5090> and the mapped Referred-By; 202 and NOTIFY 200 sipfrag accepted (SIPp ok)',
    sippWhy('transfer', xcode));


  // the contact center busy: 486 -> verto.bye USER_BUSY/17, as the SDK
  // reports it on the call (callUpdate hangup)
  const hungUp = async (id, what) => poll(async () => (await events()).find((e) => e.type === 'callUpdate'
    && e.detail.id === id && e.detail.state === 'hangup'), { timeoutMs: 10000, what })
    .catch(async () => ({ states: (await events()).filter((e) => e.type === 'callUpdate' && e.detail.id === id).map((e) => e.detail) }));
  cc = uas('busy', 'cc-busy.xml');
  let id = await vt('call', '5000');
  let h = await hungUp(id, 'hangup after 486');
  t.check(h.detail && h.detail.cause === 'USER_BUSY' && Number(h.detail.causeCode) === 17,
    'agent busy (486): the SDK call hangs up with cause USER_BUSY, causeCode 17', why(h));
  let rc = await sippEnd(cc);
  t.check(rc === 0, 'agent busy: SIPp sent 486 and got the ACK', sippWhy('busy', rc));

  // no answer: 180 then 480 or 408 -> NO_ANSWER/19 (the user was alerted)
  for (const status of ['480', '408']) {
    cc = uas(`noanswer-${status}`, 'cc-sdk-noanswer.xml', ['-set', 'status', status]);
    id = await vt('call', '5000');
    h = await hungUp(id, `hangup after ${status}`);
    t.check(h.detail && h.detail.cause === 'NO_ANSWER' && Number(h.detail.causeCode) === 19,
      `agent rings then ${status}: the SDK call hangs up with cause NO_ANSWER, causeCode 19`, why(h));
    rc = await sippEnd(cc);
    t.check(rc === 0, `agent rings then ${status}: SIPp got the ACK`, sippWhy(`noanswer-${status}`, rc));
  }

  // calls from the contact center: the SDK rings (callUpdate ringing)
  const rung = new Set();
  const nextRing = async (what) => poll(async () => {
    const r = (await events()).find((e) => e.type === 'callUpdate' && e.detail.state === 'ringing' && !rung.has(e.detail.id));
    if (r) rung.add(r.detail.id);
    return r;
  }, { timeoutMs: 10000, what }).catch(() => null);

  // answered with call.answer(): audio both ways, the agent hangs up
  answered.clear();
  cc = uac('callback', 'cc-sdk-callback.xml', ['-3pcc', `127.0.0.1:${TWIN}`]);
  let ring = await nextRing('an incoming call');
  t.check(ring && ring.detail.from === '2001',
    'the contact center calls the PaaS user back: the SDK rings (verto.invite from 2001)', why(ring));
  if (!ring) throw new Error('no incoming call; nothing more to check');
  await vt('answer');
  const inActive = await poll(async () => (await vt('state')) === 'active', { timeoutMs: 10000, what: 'answered call active' })
    .catch(async () => vt('info'));
  t.check(inActive === true, 'call.answer(): the call from SIP becomes active', why(inActive));
  const agentAt = rtp.packets;
  const ist = await poll(async () => { const s = await vt('stats'); return s && s.sent >= 25 && s.received >= 25 ? s : false; },
    { timeoutMs: 10000, what: 'audio both ways' }).catch(async () => vt('stats'));
  t.check(ist && ist.sent >= 25 && ist.received >= 25,
    'the answered call from SIP has audio both ways in the browser (getStats packetsSent and packetsReceived)', why(ist));
  const heard = await poll(() => rtp.packets >= agentAt + 25, { timeoutMs: 5000, what: 'agent RTP' }).catch(() => false);
  t.check(heard === true && answered.size === 1, 'the calling agent receives the browser\'s audio as plain RTP (after its 200 and ACK)',
    why({ agentPackets: rtp.packets - agentAt, answered: [...answered] }));
  twin.send([...answered][0], { Agent: 'hangup' });
  h = await hungUp(ring.detail.id, 'hangup after the agent\'s BYE');
  t.check(h.detail && h.detail.cause === 'NORMAL_CLEARING',
    'the agent hangs up (BYE): the SDK call ends with NORMAL_CLEARING', why(h));
  rc = await sippEnd(cc);
  t.check(rc === 0, 'the calling agent got 180, 200 with a plain-RTP PCMA answer, and its BYE answered (SIPp ok)',
    sippWhy('callback', rc));

  // not answered: ring_timeout -> 480 toward SIP, the SDK call ends
  cc = uac('unanswered', 'cc-call-fail.xml', ['-set', 'want', '480']);
  ring = await nextRing('a second incoming call');
  t.check(!!ring, 'a call from SIP rings the SDK', why(ring));
  h = ring ? await hungUp(ring.detail.id, 'hangup after ring_timeout') : null;
  rc = await sippEnd(cc);
  t.check(rc === 0, 'nobody answers in the browser: the contact center gets 480 after ring_timeout', sippWhy('unanswered', rc));
  t.check(h && h.detail && h.detail.cause === 'NO_ANSWER', 'the unanswered call ends in the SDK (verto.bye NO_ANSWER)', why(h));

  // declined: call.hangup() while ringing -> verto.bye -> 486 toward SIP
  cc = uac('declined', 'cc-call-fail.xml', ['-set', 'want', '486']);
  ring = await nextRing('a third incoming call');
  if (ring) await vt('reject');
  h = ring ? await hungUp(ring.detail.id, 'hangup after reject') : null;
  t.check(h && h.detail, 'call.hangup() while ringing ends the SDK call', why(h));
  rc = await sippEnd(cc);
  t.check(rc === 0, 'the browser declines a call from SIP: the contact center gets 486 Busy Here', sippWhy('declined', rc));

  const errors = (await events()).filter((e) => e.type === 'error');
  t.check(errors.length === 0, 'no signalwire.error during the session', why(errors));
  await vt('disconnect');
} catch (e) {
  t.check(false, 'Verto SDK test ran to the end', `${e.stack}; logs: ${logs}`);
}
rtp.close();
twin.close();
if (cc && cc.proc.exitCode === null) cc.proc.kill();
if (sdk) await sdk.close();
process.exit(t.failed ? 1 : 0);
