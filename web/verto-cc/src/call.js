// CCCall: one SDK call seen as a contact-center call (state, typed events,
// IVR digits, requests to the contact center). Made by
// ContactCenter.enterQueue() or ContactCenter.track(); fed by the
// ContactCenter with the parsed notifications of its call.
// SPDX-License-Identifier: GPL-2.0-or-later
import { Emitter } from './emitter.js';
import { CCError } from './errors.js';
import { parseNotification } from './events.js';
import { END_STATES, initialState, publicState, reduce } from './state.js';
import { Waiters, callbackMembers, checkQueue, checkToken, dtmfDigits, requestBody, timeoutOf } from './requests.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// the IVR of a call: the menu announced last, and digits sent to it
export class IVR {
  constructor(call) {
    this._call = call;
    this._menus = new Waiters();
  }

  // the menu of the latest queue or ivr event that named one (null: none
  // yet, or an agent took the call since)
  get menu() {
    return this._call._state.menu;
  }

  // the prompt of the latest ivr event for that menu, or null
  get prompt() {
    return this._call._state.prompt;
  }

  // sends digits one at a time with the SDK's call.dtmf(), gap ms apart;
  // with expectMenu (a menu name, or true: any menu) resolves with the
  // first queue/ivr event announcing it after the call to send(), else
  // with null once the digits went out. Rejects: invalid_argument, ended,
  // timeout (no such event within timeout ms, default the ContactCenter's
  // menuTimeout).
  async send(digits, { expectMenu, timeout, gap = 0 } = {}) {
    const call = this._call;
    const list = dtmfDigits(digits);
    if (expectMenu !== undefined && expectMenu !== true) checkToken(expectMenu, 'expectMenu');
    if (typeof gap !== 'number' || !(gap >= 0) || gap === Infinity) {
      throw new CCError('invalid_argument', `gap must be ms >= 0, not ${gap}`);
    }
    const ms = timeoutOf(timeout, call._opts.menuTimeout);
    call._mustBeLive('send DTMF');
    let waiter = null;
    if (expectMenu !== undefined) {
      waiter = this._menus.wait((ev) => ev.menu !== null && (expectMenu === true || ev.menu === expectMenu), ms,
        () => new CCError('timeout', `no menu ${expectMenu === true ? '' : `"${expectMenu}" `}announced within ${ms} ms of the digits ${digits}`));
      // an end or a close while the digits go out rejects it: handled below
      waiter.promise.catch(() => {});
    }
    try {
      for (let i = 0; i < list.length; i++) {
        if (i > 0 && gap > 0) await sleep(gap);
        call._mustBeLive('send DTMF');
        call.sdkCall.dtmf(list[i]);
      }
    } catch (e) {
      if (waiter) waiter.cancel();
      throw e;
    }
    return waiter ? waiter.promise : null;
  }
}

export class CCCall extends Emitter {
  // cc: the ContactCenter; sdkCall: the SDK call; opts: { queue, language,
  // requestTimeout, menuTimeout }
  constructor(cc, sdkCall, opts) {
    super();
    this._cc = cc;
    this._sdk = sdkCall;
    this._opts = opts;
    this._state = initialState(opts.queue || null, opts.language || null);
    this._results = new Waiters();
    this._closedWith = null; // the CCError of cc.close()
    /** the IVR helpers of this call */
    this.ivr = new IVR(this);
    if (typeof sdkCall.state === 'string' && sdkCall.state !== 'new') {
      this._state = reduce(this._state, { type: 'sdk', state: sdkCall.state, cause: null, causeCode: null }).state;
    }
  }

  /** the Verto callID (the SDK call's id) */
  get id() {
    return this._sdk.id;
  }

  /** the SDK call now: after a reconnection (verto.attach) the SDK makes a new object with the same id */
  get sdkCall() {
    return this._sdk;
  }

  /** the contact-center state (a frozen snapshot; a new object at each change) */
  get state() {
    return publicState(this._state);
  }

  get phase() {
    return this._state.phase;
  }

  get queue() {
    return this._state.queue;
  }

  get position() {
    return this._state.position;
  }

  get wait() {
    return this._state.wait;
  }

  get agent() {
    return this._state.agent;
  }

  get supervisor() {
    return this._state.supervisor;
  }

  get ended() {
    return this._state.phase === 'ended';
  }

  // hangs up (verto.bye); nothing when the call has ended
  hangup() {
    if (!this.ended) this._sdk.hangup();
  }

  // sends {event, ...members} to the contact center (a SIP INFO by the
  // gateway) and resolves with its cc-result (code < 300); rejects with
  // rejected (code >= 300, in .status), timeout, ended, closed,
  // invalid_argument
  async request(event, members = {}, { timeout } = {}) {
    const body = requestBody(event, members);
    const ms = timeoutOf(timeout, this._opts.requestTimeout);
    this._mustBeLive(`send the ${event} request`);
    const w = this._results.wait((ev) => ev.event === event, ms,
      () => new CCError('timeout', `no answer to the ${event} request within ${ms} ms`));
    try {
      this._sdk.message('iwg-cc', body);
    } catch (e) {
      w.cancel();
      throw e;
    }
    const ev = await w.promise;
    if (ev.code >= 300) throw new CCError('rejected', `the contact center refused the ${event} request (${ev.code})`, ev.code);
    return ev;
  }

  // asks to be called back at number (leaving the queue); when: 'asap'
  // (default), a Date, ms since the epoch or an ISO 8601 time
  async requestCallback(number, { when, timeout } = {}) {
    return this.request('callback', callbackMembers(number, when), { timeout });
  }

  // asks the contact center to move the call to another queue
  async changeQueue(queue, { timeout } = {}) {
    return this.request('change-queue', { queue: checkQueue(queue) }, { timeout });
  }

  // throws ended or closed when the call can no longer be used
  _mustBeLive(what) {
    if (this._closedWith) throw this._closedWith;
    if (this.ended) throw new CCError('ended', `cannot ${what}: the call has ended`);
  }

  // the SDK object of this call became sdkCall when the SDK holds it under
  // the call's id (a re-attached call); true when it is ours now
  _adopt(sdkCall) {
    if (!sdkCall || sdkCall === this._sdk) return !!sdkCall;
    const calls = this._cc.client.calls;
    if (calls && calls[this.id] === sdkCall) {
      this._sdk = sdkCall;
      return true;
    }
    return false;
  }

  // a callUpdate of the call (ev from events.js, type 'sdk')
  _sdkUpdate(sdkCall, ev) {
    if (this.ended) return;
    if (sdkCall !== this._sdk) {
      // the old object of a re-attached call goes hangup, destroy: not ours
      if (END_STATES.includes(ev.state) || !this._adopt(sdkCall)) return;
    } else if (END_STATES.includes(ev.state)) {
      // verto.attach ends the old object and makes the new one in the same
      // turn: decide after it whether the call really ended, with the cause
      // the SDK holds by then (a purge sets it after telling the state)
      queueMicrotask(() => {
        if (this._sdk !== sdkCall) return;
        const now = parseNotification({ type: 'callUpdate', call: sdkCall });
        this._step(now && END_STATES.includes(now.event.state) ? now.event : ev, sdkCall);
      });
      return;
    }
    this._step(ev, sdkCall);
  }

  // an event of the call (events.js), from a notification that came with
  // sdkCall (or null)
  _event(ev, sdkCall) {
    if (this.ended) return;
    if (sdkCall) this._adopt(sdkCall);
    this._step(ev, sdkCall);
  }

  _step(ev, sdkCall) {
    const before = this._state;
    const { state, out } = reduce(before, ev);
    this._state = state;
    if (out) {
      const payload = { ...out, callID: this.id, call: this, sdkCall: sdkCall || null };
      if (out.type === 'result') this._results.offer(payload, { one: true });
      if (out.type === 'queue' || out.type === 'ivr') this.ivr._menus.offer(payload);
      this._emit(out.type, payload);
      this._cc._emit(out.type, payload);
    }
    if (state !== before) {
      const change = { call: this, state: publicState(state), previous: publicState(before) };
      this._emit('state', change);
      this._cc._emit('state', change);
    }
    if (state.phase === 'ended' && before.phase !== 'ended') this._finish();
  }

  _finish() {
    const err = new CCError('ended', 'the call ended before the answer');
    this._results.failAll(err);
    this.ivr._menus.failAll(err);
    this._cc._forget(this);
    const ended = { call: this, cause: this._state.cause, causeCode: this._state.causeCode };
    this._emit('ended', ended);
    this._cc._emit('ended', ended);
  }

  // cc.close(): pending promises reject with closed, nothing more is told
  _close(err) {
    this._closedWith = err;
    this._results.failAll(err);
    this.ivr._menus.failAll(err);
  }
}
