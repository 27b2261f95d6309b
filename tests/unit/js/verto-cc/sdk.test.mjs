// @iwg/verto-cc on the real @signalwire/js 1.5 Verto client, in Node
// without a browser (fake-wire.mjs: the SDK's ES module build, a scripted
// Verto server behind a fake WebSocket, fake media through the SDK's own
// overrides). What goes on the wire (userVariables of verto.invite, one
// verto.info per digit, call.message to iwg-cc) and what comes back
// (verto.info, verto.display, verto.media/answer, verto.attach, verto.bye)
// go through the SDK's own code.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, FakeWebSocket, loadSdk, mediaOverrides, until, OFFER, ANSWER } from './fake-wire.mjs';
import { ContactCenter } from '../../../../web/verto-cc/src/contact-center.js';

let server;
let client;
let raw; // every signalwire.notification the page's own listener got

before(async () => {
  server = new FakeServer();
  FakeWebSocket.server = server;
  const sdk = await loadSdk();
  assert.equal(sdk.VERSION, '1.5.0');
  assert.ok(sdk.inputs.some((f) => f.endsWith('node_modules/@signalwire/js/dist/esm/common/src/webrtc/BaseCall.js')),
    `the SDK's ES module build from node_modules: ${sdk.inputs.slice(0, 5).join(' ')}`);
  client = new sdk.Verto({ host: 'ws://127.0.0.1:9/verto-ws', login: '1008@cc.example', passwd: '1234',
    userVariables: { tenant: 'acme' }, ...mediaOverrides });
  client.__logger.setLevel('silent');
  raw = [];
  client.on('signalwire.notification', (n) => raw.push(n));
  let ready = false;
  client.on('signalwire.ready', () => { ready = true; });
  client.connect();
  await until(() => ready, 3000, 'signalwire.ready');
});

after(() => {
  if (client) client.disconnect();
});

// the events a ContactCenter and one of its calls tell, by name
function record(emitter, names = ['queue', 'agent', 'supervisor', 'ivr', 'dtmf', 'cc', 'result', 'state', 'ended']) {
  const got = [];
  for (const n of names) emitter.on(n, (p) => got.push([n, p]));
  got.of = (n) => got.filter(([k]) => k === n).map(([, p]) => p);
  return got;
}

const frameOf = (method, pred = () => true) => (f) => f.method === method && pred(f.params || {});

// a call placed with enterQueue, its invite answered: state trying
async function placed(cc, queue = 'billing', options = {}) {
  const from = server.frames.length;
  const call = cc.enterQueue(queue, { audio: true, video: false, callerName: 'Web User', callerNumber: '1008', ...options });
  const invite = await server.next(frameOf('verto.invite', (p) => p.dialogParams.callID === call.id), 3000, from);
  await until(() => call.sdkCall.state === 'trying', 3000, 'state trying');
  return { call, invite };
}

test('enterQueue: verto.invite to the destination with userVariables {session\'s, queue, language, page}', async () => {
  const cc = new ContactCenter(client, { destination: '5000', language: 'en' });
  const { call, invite } = await placed(cc, 'billing', { language: 'fr', page: 'https://shop.example/help', userVariables: { priority: 5 } });
  const dp = invite.params.dialogParams;
  assert.equal(dp.destination_number, '5000');
  assert.deepEqual(dp.userVariables, { tenant: 'acme', priority: 5, queue: 'billing', language: 'fr', page: 'https://shop.example/help' });
  assert.deepEqual([call.phase, call.queue, call.state.language, call.sdkCall, cc.call(call.id)], ['calling', 'billing', 'fr', client.calls[call.id], call]);
  const other = await placed(cc, 'sales', { destination: '5001' });
  assert.equal(other.invite.params.dialogParams.destination_number, '5001');
  assert.deepEqual(other.invite.params.dialogParams.userVariables, { tenant: 'acme', queue: 'sales', language: 'en' },
    'the ContactCenter\'s language; no page outside a browser');
  assert.equal(cc.calls.length, 2);
  call.hangup();
  other.call.hangup();
  await until(() => call.ended && other.call.ended, 3000, 'both ended');
  assert.equal(cc.calls.length, 0);
  assert.throws(() => new ContactCenter(client).enterQueue('billing'), { name: 'CCError', code: 'invalid_argument' }, 'no destination');
  assert.throws(() => cc.enterQueue('two words'), { name: 'CCError', code: 'invalid_argument' });
  assert.throws(() => new ContactCenter({}), { name: 'CCError', code: 'invalid_argument' });
  cc.close();
});

test('a queued call: the SDK\'s notifications become queue, ivr, agent, supervisor, dtmf, cc events, per call and globally, and the state follows', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const global = record(cc);
  const { call } = await placed(cc);
  const mine = record(call);
  const n0 = raw.length;
  server.send('verto.info', { callID: call.id, msg: { iwg: 'queue', code: 182, reason: 'Queued', position: 3, wait: 120, menu: 'main' } });
  // the notification as the SDK 1.5 built it
  const n = raw.slice(n0).find((x) => x.type === 'event');
  assert.deepEqual(Object.keys(n).sort(), ['call', 'callID', 'msg', 'type']);
  assert.equal(n.call, call.sdkCall);
  const q = mine.of('queue')[0];
  assert.deepEqual([q.source, q.position, q.wait, q.reason, q.code, q.menu, q.callID, q.call, q.sdkCall],
    ['provisional', 3, 120, 'Queued', 182, 'main', call.id, call, call.sdkCall]);
  assert.equal(global.of('queue')[0], q, 'the same event object globally');
  assert.deepEqual([call.phase, call.position, call.wait, call.ivr.menu], ['waiting', 3, 120, 'main']);

  server.send('verto.media', { callID: call.id, sdp: ANSWER });
  await until(() => call.sdkCall.state === 'early', 3000, 'early');
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc', event: 'ivr', menu: 'billing', prompt: 'press 1 for invoices' } });
  assert.deepEqual([call.ivr.menu, call.ivr.prompt, mine.of('ivr').length], ['billing', 'press 1 for invoices', 1]);
  server.send('verto.answer', { callID: call.id });
  await until(() => call.sdkCall.state === 'active', 3000, 'active');
  assert.equal(call.phase, 'waiting', 'answered by the IVR: still waiting');

  server.send('verto.info', { callID: call.id, msg: { iwg: 'agent', name: 'Alice Agent', number: '2001' } });
  server.send('verto.display', { callID: call.id, display_name: 'Alice Agent', display_number: '2001', display_direction: 'inbound' });
  const pd = raw.slice(n0).find((x) => x.type === 'participantData');
  assert.deepEqual([pd.displayName, pd.displayNumber, pd.call], ['Alice Agent', '2001', call.sdkCall], 'verto.display as the SDK passes it on');
  assert.deepEqual(mine.of('agent').map((a) => [a.source, a.name, a.number]), [['agent', 'Alice Agent', '2001']], 'one agent event');
  assert.deepEqual([call.phase, call.agent.name, call.agent.number, call.ivr.menu, call.position], ['connected', 'Alice Agent', '2001', null, null]);
  assert.deepEqual(call.state.display, { name: 'Alice Agent', number: '2001' });

  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc', event: 'supervisor', name: 'Sam', mode: 'listen' } });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'dtmf', digits: '5', duration: 160 } });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc', event: 'wrapup', code: 'A1' } });
  server.send('verto.info', { callID: call.id, msg: { type: 'transfer', status: 200, final: true } });
  assert.deepEqual([call.supervisor.name, call.supervisor.mode], ['Sam', 'listen']);
  assert.deepEqual(mine.of('dtmf').map((d) => [d.digits, d.duration]), [['5', 160]]);
  assert.deepEqual(mine.of('cc').map((c) => [c.event, c.data.code]), [['wrapup', 'A1']]);
  assert.deepEqual(global.filter(([k]) => k !== 'state').map(([k]) => k), ['queue', 'ivr', 'agent', 'supervisor', 'dtmf', 'cc'],
    'told globally in order; the transfer outcome is not a contact-center event');
  const changes = mine.of('state');
  const phases = [changes[0].previous.phase, ...changes.map((s) => s.state.phase)];
  assert.deepEqual([...new Set(phases)], ['calling', 'waiting', 'connected']);
  assert.ok(changes.every((s, i) => i === 0 || s.previous === changes[i - 1].state), 'each change starts where the last one ended');
  assert.equal(call.state, changes[changes.length - 1].state, 'call.state is the last snapshot told');

  server.send('verto.bye', { callID: call.id, cause: 'NORMAL_CLEARING', causeCode: 16 });
  await until(() => call.ended, 3000, 'ended');
  assert.deepEqual(mine.of('ended').map((e) => [e.cause, e.causeCode]), [['NORMAL_CLEARING', 16]]);
  assert.equal(global.of('ended').length, 1);
  assert.deepEqual([call.state.cause, call.state.causeCode], ['NORMAL_CLEARING', 16]);
  cc.close();
});

test('IVR: send() sends one verto.info per digit and resolves when the expected menu is announced; times out otherwise', async () => {
  const cc = new ContactCenter(client, { destination: '5000', menuTimeout: 2000 });
  const { call } = await placed(cc);
  server.send('verto.answer', { callID: call.id, sdp: ANSWER });
  await until(() => call.sdkCall.state === 'active', 3000, 'active');
  const from = server.frames.length;
  const sent = call.ivr.send('1#2', { expectMenu: 'invoices' });
  const last = await server.next(frameOf('verto.info', (p) => p.dtmf === '2'), 3000, from);
  const digits = server.frames.slice(from).filter((f) => f.method === 'verto.info').map((f) => f.params.dtmf);
  assert.deepEqual(digits, ['1', '#', '2'], 'one request per digit, in order');
  assert.equal(last.params.dialogParams.callID, call.id);
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc', event: 'ivr', menu: 'other' } });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'queue', code: 182, menu: 'invoices', position: 1 } });
  const ev = await sent;
  assert.deepEqual([ev.type, ev.menu, ev.position], ['queue', 'invoices', 1], 'a queue event may announce it too');
  assert.equal(call.ivr.menu, 'invoices');

  const any = call.ivr.send('3', { expectMenu: true });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc', event: 'ivr', menu: 'confirm', prompt: 'press 1 to confirm' } });
  assert.equal((await any).menu, 'confirm');
  assert.equal(await call.ivr.send('4'), null, 'without expectMenu: null once sent');
  await assert.rejects(call.ivr.send('5', { expectMenu: 'never', timeout: 50 }), { name: 'CCError', code: 'timeout' });
  await assert.rejects(call.ivr.send('x'), { name: 'CCError', code: 'invalid_argument' });
  const pending = call.ivr.send('6', { expectMenu: 'late', timeout: 0 });
  call.hangup();
  await assert.rejects(pending, { name: 'CCError', code: 'ended' }, 'the end rejects a wait');
  await assert.rejects(call.ivr.send('7'), { name: 'CCError', code: 'ended' });
  cc.close();
});

test('requests: callback and change-queue go as call.message("iwg-cc", JSON) and settle on their cc-result', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const { call } = await placed(cc);
  const results = record(cc, ['result']);
  let from = server.frames.length;
  const cb = call.requestCallback('+33 6 12 34 56 78');
  const f = await server.next(frameOf('verto.info', (p) => p.msg), 3000, from);
  assert.deepEqual(f.params.msg, { from: '1008@cc.example', to: 'iwg-cc', body: '{"event":"callback","number":"+33612345678","when":"asap"}' });
  assert.equal(f.params.dialogParams.callID, call.id);
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc-result', event: 'change-queue', code: 200 } });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc-result', event: 'callback', code: 202 } });
  const ok = await cb;
  assert.deepEqual([ok.type, ok.event, ok.code, ok.call], ['result', 'callback', 202, call], 'the result of its own event');
  assert.deepEqual(results.of('result').map((r) => [r.event, r.code]), [['change-queue', 200], ['callback', 202]], 'every result is told');
  assert.deepEqual(call.state.lastResult, { event: 'callback', code: 202 });

  from = server.frames.length;
  const cq = call.changeQueue('sales');
  const g = await server.next(frameOf('verto.info', (p) => p.msg), 3000, from);
  assert.deepEqual(JSON.parse(g.params.msg.body), { event: 'change-queue', queue: 'sales' });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc-result', event: 'change-queue', code: 488 } });
  await assert.rejects(cq, (e) => e.name === 'CCError' && e.code === 'rejected' && e.status === 488);

  const later = new Date(Date.UTC(2030, 5, 1, 9, 30));
  from = server.frames.length;
  const sched = call.requestCallback('0612345678', { when: later, timeout: 60 });
  const h = await server.next(frameOf('verto.info', (p) => p.msg), 3000, from);
  assert.deepEqual(JSON.parse(h.params.msg.body), { event: 'callback', number: '0612345678', when: '2030-06-01T09:30:00.000Z' });
  await assert.rejects(sched, { name: 'CCError', code: 'timeout' }, 'no cc-result in time');
  await assert.rejects(call.request('note', { text: 'x'.repeat(5000) }), { name: 'CCError', code: 'invalid_argument' });
  await assert.rejects(call.requestCallback('not a number'), { name: 'CCError', code: 'invalid_argument' });

  const generic = call.request('note', { text: 'VIP' });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'cc-result', event: 'note', code: 200 } });
  assert.equal((await generic).code, 200);
  const dangling = call.changeQueue('sales', { timeout: 0 });
  server.send('verto.bye', { callID: call.id, cause: 'NORMAL_CLEARING', causeCode: 16 });
  await assert.rejects(dangling, { name: 'CCError', code: 'ended' });
  await assert.rejects(call.requestCallback('2001'), { name: 'CCError', code: 'ended' });
  cc.close();
});

test('a call re-attached after a reconnection (verto.attach) stays the same CCCall, with the SDK\'s new call object', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const { call } = await placed(cc);
  const mine = record(call);
  server.send('verto.answer', { callID: call.id, sdp: ANSWER });
  await until(() => call.sdkCall.state === 'active', 3000, 'active');
  server.send('verto.info', { callID: call.id, msg: { iwg: 'agent', name: 'Alice Agent', number: '2001' } });
  const old = call.sdkCall;
  // the WebSocket drops; the SDK reconnects (1 s), logs in with its sessid;
  // the gateway re-attaches the call with a fresh offer
  const sockets = server.sockets.length;
  server.socket.close(1006);
  await until(() => server.sockets.length > sockets && server.frames.filter((x) => x.method === 'login').length >= 2, 5000, 'reconnected');
  await until(() => client.connected, 3000, 'socket open');
  await new Promise((r) => setTimeout(r, 50)); // the login results delivered
  const from = server.frames.length;
  server.send('verto.attach', { callID: call.id, sdp: OFFER, caller_id_name: 'Alice Agent', caller_id_number: '2001',
    callee_id_name: 'Web User', callee_id_number: '1008', display_direction: 'outbound' });
  await server.next(frameOf('verto.attach', (p) => p.dialogParams.callID === call.id), 3000, from);
  await until(() => call.sdkCall !== old && call.sdkCall.state === 'active', 3000, 'the new call object active');
  assert.equal(client.calls[call.id], call.sdkCall);
  assert.equal(old.state, 'destroy', 'the SDK dropped the old object');
  assert.deepEqual([call.ended, call.phase, call.agent.number, mine.of('ended').length], [false, 'connected', '2001', 0]);
  assert.equal(cc.call(call.id), call);
  // later events and requests go through the new object
  const f2 = server.frames.length;
  const sent = call.ivr.send('9');
  const d = await server.next(frameOf('verto.info', (p) => p.dtmf === '9'), 3000, f2);
  await sent;
  assert.equal(d.params.dialogParams.attach, true, 'sent by the re-attached call');
  server.send('verto.info', { callID: call.id, msg: { iwg: 'agent', name: 'Bob Agent', number: '2002' } });
  assert.equal(call.agent.number, '2002');
  server.send('verto.bye', { callID: call.id, cause: 'NORMAL_CLEARING', causeCode: 16 });
  await until(() => call.ended, 3000, 'ended');
  assert.equal(mine.of('ended').length, 1);
  cc.close();
});

test('failures: a busy contact center, an invite refused by the gateway, the session punted', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const { call } = await placed(cc);
  server.send('verto.bye', { callID: call.id, cause: 'USER_BUSY', causeCode: 17 });
  await until(() => call.ended, 3000, 'busy ended');
  assert.deepEqual([call.state.cause, call.state.causeCode], ['USER_BUSY', 17]);

  server.inviteReply = () => ({ error: { code: -32002, message: 'CALL ERROR', cause: 'NO_ROUTE_DESTINATION', causeCode: 3 } });
  const refused = cc.enterQueue('billing');
  await until(() => refused.ended, 3000, 'refused ended');
  server.inviteReply = null;
  assert.equal(refused.phase, 'ended');
});

test('onNotification given to enterQueue is still called, and the call is followed though the SDK gives its notifications to it alone', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const seen = [];
  const { call } = await placed(cc, 'billing', { onNotification: (n) => seen.push(n.type) });
  const n0 = raw.length;
  server.send('verto.info', { callID: call.id, msg: { iwg: 'queue', code: 182, position: 7 } });
  assert.equal(call.position, 7);
  assert.ok(seen.includes('event'), `the page's handler saw it: ${seen}`);
  assert.equal(raw.slice(n0).filter((x) => x.type === 'event').length, 0, 'the SDK did not give it to the client\'s listeners');
  call.hangup();
  await until(() => call.ended, 3000, 'ended');
  cc.close();
});

test('calls not followed: their events are told globally with call null; track() follows the contact center calling back', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const global = record(cc);
  server.send('verto.info', { callID: 'c0ffee00-0000-4000-8000-000000000001', msg: { iwg: 'cc-result', event: 'callback', code: 200 } });
  const r = global.of('result')[0];
  assert.deepEqual([r.callID, r.call, r.sdkCall, r.code], ['c0ffee00-0000-4000-8000-000000000001', null, null, 200]);

  // the contact center calls back: verto.invite from the server, ringing
  let ringing = null;
  const onRing = (n) => { if (n.type === 'callUpdate' && n.call.state === 'ringing') ringing = n.call; };
  client.on('signalwire.notification', onRing);
  server.send('verto.invite', { callID: '0ce8e0a1-0000-4000-8000-000000000002', sdp: OFFER, caller_id_name: 'Alice Agent',
    caller_id_number: '2001', callee_id_name: 'Web User', callee_id_number: '1008', display_direction: 'outbound' });
  await until(() => ringing, 3000, 'ringing');
  client.off('signalwire.notification', onRing);
  server.send('verto.info', { callID: ringing.id, msg: { iwg: 'agent', name: 'Alice Agent', number: '2001' } });
  assert.deepEqual(global.of('agent').map((a) => a.call), [null], 'not followed yet');
  const back = cc.track(ringing, { queue: 'billing' });
  assert.equal(cc.track(ringing), back, 'the same CCCall');
  assert.equal(back.phase, 'calling');
  ringing.answer();
  await until(() => back.sdkCall.state === 'active', 3000, 'answered');
  assert.equal(back.phase, 'connected');
  server.send('verto.info', { callID: back.id, msg: { iwg: 'cc', event: 'supervisor', name: 'Sam', mode: 'whisper' } });
  assert.equal(back.supervisor.mode, 'whisper');
  back.hangup();
  await until(() => back.ended, 3000, 'ended');
  cc.close();
});

test('close(): the client\'s listener removed, pending promises rejected with closed, nothing told after', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const global = record(cc);
  const { call } = await placed(cc);
  const pending = call.changeQueue('sales', { timeout: 0 });
  cc.close();
  await assert.rejects(pending, { name: 'CCError', code: 'closed' });
  server.send('verto.info', { callID: call.id, msg: { iwg: 'queue', code: 182, position: 1 } });
  assert.equal(global.of('queue').length, 0);
  assert.throws(() => cc.enterQueue('billing'), { name: 'CCError', code: 'closed' });
  await assert.rejects(call.requestCallback('2001'), { name: 'CCError', code: 'closed' });
  call.sdkCall.hangup();
  await until(() => !client.calls[call.id], 3000, 'SDK call gone');
  const gone = new ContactCenter(client).track(call.sdkCall);
  assert.deepEqual([gone.ended, gone.state.sdkState], [true, 'destroy'], 'a call tracked after its end is ended');
});

// last: the session ends
test('verto.punt: the SDK disconnects and purges its calls; they end with its cause PURGE', async () => {
  const cc = new ContactCenter(client, { destination: '5000' });
  const { call } = await placed(cc);
  const ended = record(call, ['ended']);
  server.send('verto.punt', {});
  await until(() => call.ended, 3000, 'purged');
  assert.deepEqual(ended.of('ended').map((e) => [e.cause, e.causeCode]), [['PURGE', 1]]);
  assert.equal(call.state.sdkState === 'hangup' || call.state.sdkState === 'destroy', true, call.state.sdkState);
  assert.deepEqual(cc.calls, []);
});
