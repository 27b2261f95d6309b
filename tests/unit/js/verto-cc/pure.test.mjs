// @iwg/verto-cc's pure parts, without SDK or browser: notifications shaped
// as @signalwire/js 1.5 builds them (BaseCall.handleMessage: verto.info ->
// {...params, type: 'event', call}; VertoHandler for an unknown callID ->
// {callID, msg, type: 'event'}; verto.display -> {type: 'participantData',
// call, displayName, displayNumber, displayDirection}; setState ->
// {type: 'callUpdate', call}) parsed into events; the call's state machine;
// the checks and bodies of what the page sends; Waiters.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, parseNotification } from '../../../../web/verto-cc/src/events.js';
import { initialState, publicState, reduce } from '../../../../web/verto-cc/src/state.js';
import {
  Waiters, callbackMembers, checkDestination, checkToken, defaultPage, dtmfDigits, encodePage, requestBody, timeoutOf, userVariables,
} from '../../../../web/verto-cc/src/requests.js';

const CALL_ID = '71aad9cb-6d8f-4c6e-9d4e-0d2f7f1e7a10';
// the SDK's call object as far as the parser looks at it
const sdkCall = (state = 'early', extra = {}) => ({ id: CALL_ID, state, direction: 'outbound', options: {}, ...extra });
// verto.info {callID, msg} for a known call, as BaseCall.handleMessage passes it on
const info = (msg, call = sdkCall()) => ({ callID: CALL_ID, msg, type: 'event', call });
// verto.display as BaseCall.handleMessage passes it on (direction inverted)
const display = (name, number) => ({ type: 'participantData', call: sdkCall('active'), displayName: name, displayNumber: number, displayDirection: 'outbound' });
const update = (state, extra) => ({ type: 'callUpdate', call: sdkCall(state, extra) });

test('verto.info queue (a 182 or 18x with queue headers) -> a queue event, source provisional', () => {
  const msg = { iwg: 'queue', code: 182, reason: 'Queued', position: 3, wait: 120, menu: 'main' };
  const p = parseNotification(info(msg));
  assert.equal(p.callID, CALL_ID);
  assert.equal(p.sdkCall.id, CALL_ID);
  assert.deepEqual(p.event, { type: 'queue', source: 'provisional', queue: null, position: 3, wait: 120, reason: 'Queued',
    code: 182, menu: 'main', data: { code: 182, reason: 'Queued', position: 3, wait: 120, menu: 'main' } });
  const partial = parseNotification(info({ iwg: 'queue', code: 183, reason: 'Session Progress', wait: 0 })).event;
  assert.deepEqual([partial.position, partial.wait, partial.menu, partial.code], [null, 0, null, 183], 'absent members are null, 0 is kept');
  const lax = parseMessage({ iwg: 'queue', position: '4', wait: -1, menu: 7 });
  assert.deepEqual([lax.position, lax.wait, lax.menu], [4, null, '7'], 'digits in a string taken, a negative wait refused');
});

test('verto.info agent, cc (supervisor, ivr, queue, others), dtmf, cc-result -> their events with the members beside iwg in data', () => {
  const agent = parseNotification(info({ iwg: 'agent', name: 'Alice Agent', number: '2001' })).event;
  assert.deepEqual(agent, { type: 'agent', source: 'agent', name: 'Alice Agent', number: '2001', data: { name: 'Alice Agent', number: '2001' } });
  assert.equal(parseMessage({ iwg: 'agent', number: 2001 }).number, '2001', 'a number sent as a JSON number');
  assert.equal(parseMessage({ iwg: 'agent', name: '2001', number: '2001' }).name, null, 'the gateway repeats the number as the name when it has none');
  const sup = parseNotification(info({ iwg: 'cc', event: 'supervisor', name: 'Sam', mode: 'listen' })).event;
  assert.deepEqual(sup, { type: 'supervisor', name: 'Sam', mode: 'listen', data: { event: 'supervisor', name: 'Sam', mode: 'listen' } });
  const ivr = parseNotification(info({ iwg: 'cc', event: 'ivr', menu: 'billing', prompt: 'press 1 for invoices' })).event;
  assert.deepEqual([ivr.type, ivr.menu, ivr.prompt], ['ivr', 'billing', 'press 1 for invoices']);
  const q = parseNotification(info({ iwg: 'cc', event: 'queue', queue: 'billing', position: 2 })).event;
  assert.deepEqual([q.type, q.source, q.queue, q.position, q.wait], ['queue', 'info', 'billing', 2, null]);
  const other = parseNotification(info({ iwg: 'cc', event: 'wrapup', reason: 'done', extra: { a: 1 } })).event;
  assert.deepEqual(other, { type: 'cc', event: 'wrapup', data: { event: 'wrapup', reason: 'done', extra: { a: 1 } } });
  const dtmf = parseNotification(info({ iwg: 'dtmf', digits: '5', duration: 160 })).event;
  assert.deepEqual([dtmf.type, dtmf.digits, dtmf.duration], ['dtmf', '5', 160]);
  const res = parseNotification(info({ iwg: 'cc-result', event: 'callback', code: 200 })).event;
  assert.deepEqual([res.type, res.event, res.code], ['result', 'callback', 200]);
});

test('a verto.info for a callID the SDK does not know ({callID, msg, type} without call) still names the call', () => {
  const p = parseNotification({ callID: CALL_ID, msg: { iwg: 'cc-result', event: 'change-queue', code: 488 }, type: 'event' });
  assert.equal(p.callID, CALL_ID);
  assert.equal(p.sdkCall, null);
  assert.equal(p.event.code, 488);
});

test('what is not an iwg contact-center message is ignored', () => {
  const none = [
    null, 'x', {}, { type: 'event' }, info(undefined), info('text'), info(['iwg']),
    info({ type: 'transfer', status: 200, final: true }), // the gateway's transfer outcome (no iwg)
    info({ iwg: 'future-thing', a: 1 }), info({ iwg: 'cc' }), info({ iwg: 'cc', event: '' }), info({ iwg: 'cc', event: 3 }),
    info({ iwg: 'dtmf' }), info({ iwg: 'cc-result', event: 'callback' }), info({ iwg: 'cc-result', code: 200 }),
    { type: 'event', msg: { iwg: 'agent', name: 'x' } }, // no callID, no call
    display(undefined, undefined), // verto.attach's participantData (no display_name/number)
    { type: 'conferenceUpdate', call: sdkCall(), action: 'join' }, { type: 'vertoClientReady', reattached_sessions: [] },
    { type: 'callUpdate', call: { id: CALL_ID } },
  ];
  for (const n of none) assert.equal(parseNotification(n), null, JSON.stringify(n, (k, v) => (k === 'call' ? '[call]' : v)));
});

test('participantData (verto.display) -> display (the name dropped when the gateway repeated the number); callUpdate -> sdk with the cause', () => {
  assert.deepEqual(parseNotification(display('Alice Agent', '2001')).event, { type: 'display', name: 'Alice Agent', number: '2001' });
  assert.deepEqual(parseNotification(display('2001', '2001')).event, { type: 'display', name: null, number: '2001' });
  assert.deepEqual(parseNotification(update('trying')).event, { type: 'sdk', state: 'trying', cause: null, causeCode: null });
  assert.deepEqual(parseNotification(update('hangup', { cause: 'USER_BUSY', causeCode: 17 })).event,
    { type: 'sdk', state: 'hangup', cause: 'USER_BUSY', causeCode: 17 });
  assert.equal(parseNotification(update('hangup', { cause: 'PURGE', causeCode: '01' })).event.causeCode, 1, "purge's '01'");
});

// the state after feeding the notifications in order; outs: the events told
function run(notifications, state = initialState('billing', 'fr')) {
  const outs = [];
  for (const n of notifications) {
    const p = parseNotification(n);
    assert.ok(p, `parsed: ${JSON.stringify(n, (k, v) => (k === 'call' ? '[call]' : v))}`);
    const r = reduce(state, p.event);
    state = r.state;
    if (r.out) outs.push(r.out);
  }
  return { state, outs };
}

test('phases: calling, waiting in queue (last position and wait kept), IVR menus, connected with the agent, ended with the cause', () => {
  let { state } = run([update('requesting'), update('trying')]);
  assert.deepEqual([state.phase, state.sdkState, state.queue, state.language], ['calling', 'trying', 'billing', 'fr']);
  ({ state } = run([info({ iwg: 'queue', code: 182, reason: 'Queued', position: 3, wait: 120, menu: 'main' })], state));
  assert.deepEqual([state.phase, state.position, state.wait, state.menu, state.code], ['waiting', 3, 120, 'main', 182]);
  ({ state } = run([info({ iwg: 'queue', code: 182, position: 2 })], state));
  assert.deepEqual([state.position, state.wait, state.menu], [2, 120, 'main'], 'a member not sent keeps its last value');
  ({ state } = run([info({ iwg: 'cc', event: 'ivr', menu: 'billing', prompt: 'press 1 for invoices' }), update('active')], state));
  assert.deepEqual([state.phase, state.menu, state.prompt, state.sdkState], ['waiting', 'billing', 'press 1 for invoices', 'active'],
    'answered by the IVR: still waiting');
  ({ state } = run([info({ iwg: 'cc', event: 'queue', queue: 'invoices', position: 5 })], state));
  assert.deepEqual([state.queue, state.position, state.wait, state.menu, state.prompt], ['invoices', 5, null, 'billing', 'press 1 for invoices'],
    'another queue: its own position, the old wait dropped');
  ({ state } = run([info({ iwg: 'cc', event: 'ivr', menu: 'survey' })], state));
  assert.equal(state.prompt, null, 'a new menu without a prompt drops the old prompt');
  const r = run([info({ iwg: 'agent', name: 'Alice Agent', number: '2001' })], state);
  state = r.state;
  assert.deepEqual([state.phase, state.agent, state.menu, state.position, state.wait],
    ['connected', { name: 'Alice Agent', number: '2001', source: 'agent' }, null, null, null]);
  assert.ok(Object.isFrozen(state) && Object.isFrozen(state.agent), 'snapshots are frozen');
  ({ state } = run([info({ iwg: 'cc', event: 'supervisor', name: 'Sam', mode: 'listen' })], state));
  assert.deepEqual([state.phase, state.supervisor.name, state.supervisor.mode], ['connected', 'Sam', 'listen']);
  ({ state } = run([info({ iwg: 'cc', event: 'queue', queue: 'sales', position: 1 })], state));
  assert.deepEqual([state.phase, state.agent, state.position], ['waiting', null, 1], 're-queued: back to waiting, no agent');
  ({ state } = run([update('hangup', { cause: 'NORMAL_CLEARING', causeCode: 16 })], state));
  assert.deepEqual([state.phase, state.cause, state.causeCode], ['ended', 'NORMAL_CLEARING', 16]);
  const after = run([info({ iwg: 'agent', name: 'Bob', number: '2002' }), update('destroy')], state);
  assert.equal(after.state, state, 'nothing moves an ended call');
  assert.deepEqual(after.outs, [], 'nor is told');
});

test('a direct answer (nothing said queue or IVR) is connected; a busy contact center ends the call with USER_BUSY', () => {
  assert.equal(run([update('trying'), update('early'), update('active')]).state.phase, 'connected');
  const busy = run([update('trying'), update('hangup', { cause: 'USER_BUSY', causeCode: 17 })]).state;
  assert.deepEqual([busy.phase, busy.cause, busy.causeCode], ['ended', 'USER_BUSY', 17]);
  assert.equal(run([update('held')]).state.phase, 'connected');
});

test('verto.display stands for the agent only while the gateway sent no agent message for the call', () => {
  // a gateway without contact-center messages: the connected line is the agent
  let r = run([update('active'), display('Alice Agent', '2001')]);
  assert.deepEqual(r.outs.map((e) => [e.type, e.source, e.name, e.number]), [['agent', 'display', 'Alice Agent', '2001']]);
  assert.equal(r.state.agent.source, 'display');
  r = run([display('Alice Agent', '2001')], r.state);
  assert.deepEqual(r.outs, [], 'the same line again is not told twice');
  // iwg sends both: the agent message, then (or before) verto.display
  r = run([info({ iwg: 'agent', name: 'Alice Agent', number: '2001' }), display('Alice Agent', '2001')]);
  assert.deepEqual(r.outs.map((e) => e.source), ['agent']);
  assert.deepEqual(r.state.display, { name: 'Alice Agent', number: '2001' });
  r = run([display('Alice Agent', '2001'), info({ iwg: 'agent', name: 'Alice Agent', number: '2001' }), display('Bob', '2002')]);
  assert.deepEqual(r.outs.map((e) => e.source), ['display', 'agent'], 'after an agent message, displays only update state.display');
  assert.deepEqual([r.state.agent.number, r.state.display.number], ['2001', '2002']);
});

test('dtmf, cc and result events are told; result is kept as lastResult; publicState hides the internal flag', () => {
  const r = run([info({ iwg: 'dtmf', digits: '5', duration: 160 }), info({ iwg: 'cc', event: 'note', text: 'hi' }),
    info({ iwg: 'cc-result', event: 'callback', code: 200 })]);
  assert.deepEqual(r.outs.map((e) => e.type), ['dtmf', 'cc', 'result']);
  assert.deepEqual(r.state.lastResult, { event: 'callback', code: 200 });
  assert.equal(r.state.phase, 'calling');
  const pub = publicState(r.state);
  assert.equal('agentSeen' in pub, false);
  assert.ok('display' in pub && Object.isFrozen(pub));
  assert.equal(publicState(r.state), pub, 'the same snapshot for the same state');
});

test('userVariables: the session\'s, the page\'s, then queue, language, page; what the gateway would refuse is refused with invalid_argument', () => {
  assert.deepEqual(userVariables({ base: { tenant: 'acme', queue: 'x' }, extra: { priority: 5 }, queue: 'billing', language: 'fr', page: 'https://shop.example/help' }),
    { tenant: 'acme', priority: 5, queue: 'billing', language: 'fr', page: 'https://shop.example/help' });
  assert.deepEqual(userVariables({ base: { language: 'de', page: 'old' }, queue: 'sales' }), { queue: 'sales' }, 'no language, no page: none sent');
  assert.deepEqual(userVariables({ queue: 'fr.billing_2-b', language: 'fr-FR_x' }), { queue: 'fr.billing_2-b', language: 'fr-FR_x' });
  const invalid = { name: 'CCError', code: 'invalid_argument' };
  // iwg_verto takes queue [A-Za-z0-9._-]{1,64}, language [A-Za-z0-9_-]{1,64}
  for (const q of ['', 'two words', 'a|b', 'a+b', "o'neil", 'x'.repeat(65), 7, null, undefined, 'é']) {
    assert.throws(() => userVariables({ queue: q }), invalid, `queue ${JSON.stringify(q)}`);
  }
  for (const l of ['fr FR', 'fr.FR', '', 'x'.repeat(65), 3]) assert.throws(() => userVariables({ queue: 'q', language: l }), invalid, `language ${l}`);
  assert.throws(() => userVariables({ queue: 'q', page: `https://x/${'a'.repeat(250)}` }), invalid, 'page > 256 bytes');
  assert.throws(() => userVariables({ queue: 'q', page: `https://x/${'é'.repeat(42)}` }), invalid, 'page > 256 bytes once encoded');
  assert.equal(userVariables({ queue: 'q', page: `https://x/${'é'.repeat(41)}` }).page.length, 256, 'é is 6 bytes encoded: 10 + 246');
  assert.throws(() => userVariables({ queue: 'q', page: '' }), invalid);
  assert.throws(() => userVariables({ queue: 'q', page: 42 }), invalid);
  assert.equal(userVariables({ queue: 'q', page: 'https://x/\r\nX-Bad: 1' }).page, 'https://x/%0D%0AX-Bad:%201', 'CR LF space encoded');
  assert.throws(() => userVariables({ queue: 'q', extra: 'x' }), invalid);
  assert.equal(userVariables({ queue: 'q', page: false }).page, undefined);
  assert.equal(checkToken("fr-FR_1.x!%*+`'~", 'event'), "fr-FR_1.x!%*+`'~", 'every RFC 3261 token character (event names, menus)');
  assert.equal(checkDestination('+33*5000#ext_1.a@b-c'), '+33*5000#ext_1.a@b-c');
  for (const d of ['', '50 00', 'sip:5000', 'x'.repeat(129), null]) assert.throws(() => checkDestination(d), invalid, `destination ${d}`);
});

test('page URLs: what the gateway does not take is percent-encoded; the default is location.href, shortened or dropped when too long', () => {
  assert.equal(encodePage("https://shop.example/a b/é?q={x}|'\"<>^`\\#frag"), 'https://shop.example/a%20b/%C3%A9?q=%7Bx%7D%7C%27%22%3C%3E%5E%60%5C#frag');
  const ok = "https://u:p@shop.example:8443/p;a=1/[x]?a=1&b=(2)*3+4,5!$~_.-#f%20";
  assert.equal(encodePage(ok), ok, 'a valid URL comes out unchanged');
  assert.equal(defaultPage('https://shop.example/help?x=1#top'), 'https://shop.example/help?x=1#top');
  assert.equal(defaultPage('https://shop.example/aide?q=été'), 'https://shop.example/aide?q=%C3%A9t%C3%A9');
  assert.equal(defaultPage(`https://shop.example/help?${'q'.repeat(300)}`), 'https://shop.example/help');
  assert.equal(defaultPage(`https://shop.example/${'p'.repeat(300)}`), null);
  assert.equal(defaultPage(`https://shop.example/${'é'.repeat(40)}`), null, '40 é are 240 bytes encoded: too long with the rest');
  assert.equal(defaultPage(null), null);
  assert.equal(defaultPage(''), null);
});

test('request bodies: {event, ...members} as JSON of at most 4096 bytes; callback number and time; DTMF digits; timeouts', () => {
  assert.equal(requestBody('callback', { number: '+33612345678', when: 'asap' }), '{"event":"callback","number":"+33612345678","when":"asap"}');
  assert.equal(requestBody('change-queue', { queue: 'sales', event: 'ignored' }), '{"event":"change-queue","queue":"sales"}');
  const invalid = { name: 'CCError', code: 'invalid_argument' };
  assert.throws(() => requestBody('x', { text: 'a'.repeat(4096) }), invalid);
  assert.ok(requestBody('x', { text: 'a'.repeat(4096 - 25) }).length <= 4096);
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => requestBody('x', cyclic), invalid);
  assert.throws(() => requestBody('bad event', {}), invalid);
  assert.throws(() => requestBody('x', ['a']), invalid);
  const deep = (n) => (n === 0 ? 1 : { d: deep(n - 1) });
  assert.doesNotThrow(() => requestBody('x', { a: deep(7) }), 'the body and 7 objects in it: 8 deep');
  assert.throws(() => requestBody('x', { a: [deep(7)] }), invalid, 'an array more: 9 deep');
  assert.deepEqual(callbackMembers('+33 6 12-34.56 (78)'), { number: '+33612345678', when: 'asap' });
  assert.deepEqual(callbackMembers('2001', new Date(Date.UTC(2030, 0, 2, 3, 4, 5))), { number: '2001', when: '2030-01-02T03:04:05.000Z' });
  assert.equal(callbackMembers('2001', Date.UTC(2030, 0, 2)).when, '2030-01-02T00:00:00.000Z');
  assert.equal(callbackMembers('2001', '2030-01-02T10:00+01:00').when, '2030-01-02T10:00+01:00');
  for (const n of ['', '+', '1', 'sip:2001@x', '12a4', '+'.repeat(3) + '12', '1'.repeat(21), 2001]) {
    assert.throws(() => callbackMembers(n), invalid, `number ${JSON.stringify(n)}`);
  }
  for (const w of ['soon', '2030-01-02', '2030-01-02T10:00', new Date('x'), {}]) assert.throws(() => callbackMembers('2001', w), invalid, `when ${w}`);
  assert.deepEqual(dtmfDigits('12#*ab'), ['1', '2', '#', '*', 'A', 'B']);
  for (const d of ['', '1 2', 'E', 12, null]) assert.throws(() => dtmfDigits(d), invalid, `digits ${d}`);
  assert.equal(timeoutOf(undefined, 35000), 35000);
  assert.equal(timeoutOf(0, 35000), 0);
  for (const t of [-1, NaN, Infinity, '10']) assert.throws(() => timeoutOf(t, 1), invalid);
});

// timers that only move when the test says so
function fakeTimers() {
  let now = 0;
  let seq = 0;
  const due = new Map();
  return {
    setTimeout: (fn, ms) => { seq += 1; due.set(seq, { at: now + ms, fn }); return seq; },
    clearTimeout: (id) => due.delete(id),
    advance(ms) {
      now += ms;
      for (const [id, t] of [...due]) if (t.at <= now) { due.delete(id); t.fn(); }
    },
    get pending() { return due.size; },
  };
}

test('Waiters: the oldest or every matching waiter resolves; the others time out; cancel and failAll', async () => {
  const timers = fakeTimers();
  const w = new Waiters(timers);
  const a = w.wait((v) => v.event === 'callback', 1000, () => new Error('a timed out'));
  const b = w.wait((v) => v.event === 'callback', 1000, () => new Error('b timed out'));
  const c = w.wait((v) => v.menu === 'x', 500, () => new Error('c timed out'));
  assert.equal(w.offer({ event: 'other' }, { one: true }), false);
  assert.equal(w.offer({ event: 'callback', code: 200 }, { one: true }), true);
  assert.deepEqual(await a.promise, { event: 'callback', code: 200 }, 'the oldest first');
  assert.equal(w.size, 2);
  timers.advance(500);
  await assert.rejects(c.promise, /c timed out/);
  const d = w.wait((v) => v.menu === 'm', 0, () => new Error('never'));
  const e = w.wait((v) => v.menu === 'm', 0, () => new Error('never'));
  assert.equal(w.offer({ menu: 'm' }), true);
  assert.deepEqual([await d.promise, await e.promise], [{ menu: 'm' }, { menu: 'm' }], 'every matching one without one: true');
  b.cancel();
  assert.equal(timers.pending, 0, 'cancel clears the timer');
  const f = w.wait(() => true, 1000, () => new Error('x'));
  w.failAll(new Error('ended'));
  await assert.rejects(f.promise, /ended/);
  assert.equal(w.size, 0);
  assert.equal(timers.pending, 0);
  const g = w.wait(() => { throw new Error('bad match'); }, 0, () => null);
  assert.equal(w.offer({}), false, 'a throwing match is a no');
  g.cancel();
});
