// What the page asks, checked and turned into what goes on the wire: the
// routing context of a call (userVariables), the JSON bodies of the
// requests to the contact center (call.message('iwg-cc', body)), DTMF
// digits; and Waiters, the promises that wait for an event. Pure but for
// the timers Waiters is given.
// SPDX-License-Identifier: GPL-2.0-or-later
import { CCError } from './errors.js';

// the gateway's limits (docs/verto-cc.md): queue, language, event names are
// tokens of at most 64 bytes, page an URL of at most 256 bytes, a request
// body a JSON object of at most 4096 bytes
export const LIMITS = Object.freeze({ token: 64, page: 256, body: 4096 });

// RFC 3261 token characters
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

const bad = (message) => new CCError('invalid_argument', message);

// the length of s in UTF-8 bytes
export function utf8Length(s) {
  return new TextEncoder().encode(s).length;
}

// v is a token of at most 64 bytes, else throws invalid_argument naming what
export function checkToken(v, what) {
  if (typeof v !== 'string' || v.length > LIMITS.token || !TOKEN.test(v)) {
    throw bad(`${what} must be a token of 1 to ${LIMITS.token} characters (letters, digits, - . ! % * _ + \` ' ~), not ${JSON.stringify(v)}`);
  }
  return v;
}

// the page sent by default: href when it fits in 256 bytes, else href
// without its query and fragment when that fits, else null (not sent)
export function defaultPage(href) {
  if (typeof href !== 'string' || href === '' || CONTROL.test(href)) return null;
  if (utf8Length(href) <= LIMITS.page) return href;
  const short = href.replace(/[?#].*$/s, '');
  return utf8Length(short) <= LIMITS.page ? short : null;
}

const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// the userVariables of a contact-center call: the session's (login) ones,
// then the page's own (extra), then queue, language and page.
// queue is required; language optional (a token); page: a string of at
// most 256 bytes, or null/false to send none. Throws invalid_argument.
export function userVariables({ base = null, extra = null, queue, language = null, page = null }) {
  if (extra !== null && extra !== undefined && !plain(extra)) throw bad('userVariables must be an object');
  const uv = { ...(plain(base) ? base : {}), ...(extra || {}) };
  uv.queue = checkToken(queue, 'queue');
  if (language !== null && language !== undefined) uv.language = checkToken(language, 'language');
  else delete uv.language;
  if (page !== null && page !== undefined && page !== false) {
    if (typeof page !== 'string' || page === '' || CONTROL.test(page) || utf8Length(page) > LIMITS.page) {
      throw bad(`page must be an URL of at most ${LIMITS.page} bytes without control characters`);
    }
    uv.page = page;
  } else {
    delete uv.page;
  }
  return uv;
}

// the body of a request to the contact center: the JSON text of
// {event, ...members}, at most 4096 bytes. Throws invalid_argument.
export function requestBody(event, members = {}) {
  checkToken(event, 'the event of a request');
  if (!plain(members)) throw bad('the members of a request must be an object');
  const obj = { event };
  for (const k of Object.keys(members)) if (k !== 'event') obj[k] = members[k];
  let text;
  try {
    text = JSON.stringify(obj);
  } catch (e) {
    throw bad(`the request cannot be sent as JSON: ${e.message}`);
  }
  const n = utf8Length(text);
  if (n > LIMITS.body) throw bad(`the request is ${n} bytes of JSON, more than ${LIMITS.body}`);
  return text;
}

// the members of a callback request: the number (visual separators
// removed: spaces, - . ( ), then an optional + and 2 to 20 digits) and
// when: 'asap' (default), or a time (Date, ms since the epoch, or an ISO
// 8601 text with its offset), sent as ISO 8601. Throws invalid_argument.
export function callbackMembers(number, when = 'asap') {
  const n = typeof number === 'string' ? number.replace(/[\s\-.()]/g, '') : '';
  if (!/^\+?[0-9]{2,20}$/.test(n)) {
    throw bad(`the callback number must be digits with an optional leading +, not ${JSON.stringify(number)}`);
  }
  let w = when;
  if (w === undefined || w === null || w === 'asap') w = 'asap';
  else if (w instanceof Date || typeof w === 'number') {
    const d = new Date(w instanceof Date ? w.getTime() : w);
    if (Number.isNaN(d.getTime())) throw bad('the callback time is not a valid date');
    w = d.toISOString();
  } else if (typeof w !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(w)) {
    throw bad(`when must be 'asap', a Date, or an ISO 8601 time with its offset, not ${JSON.stringify(when)}`);
  }
  return { number: n, when: w };
}

// DTMF digits (0-9 * # A-D, lower case accepted) -> an array of single
// upper-case digits; throws invalid_argument on anything else or nothing
export function dtmfDigits(digits) {
  if (typeof digits !== 'string' || !/^[0-9*#A-Da-d]+$/.test(digits)) {
    throw bad(`DTMF digits are 0-9, *, #, A-D; not ${JSON.stringify(digits)}`);
  }
  return digits.toUpperCase().split('');
}

// a timeout option: ms >= 0 (0: none), else dflt when undefined
export function timeoutOf(v, dflt) {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) throw bad(`timeout must be ms >= 0 (0: no limit), not ${v}`);
  return v;
}

// Promises waiting for a value that matches. wait(match, ms, onTimeout)
// returns { promise, cancel }: promise resolves with the first value
// offered that match(value) accepts, or rejects with onTimeout() after ms
// (0: no limit); cancel() forgets the waiter (its promise never settles).
// offer(value, {one}) gives value to every waiter that accepts it, or to
// the oldest only with one: true; true when one took it. failAll(error)
// rejects every waiter.
export class Waiters {
  constructor(timers = globalThis) {
    this._timers = timers;
    this._list = [];
  }

  get size() {
    return this._list.length;
  }

  wait(match, ms, onTimeout) {
    const w = { match, resolve: null, reject: null, timer: null };
    const promise = new Promise((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
    if (ms > 0) {
      w.timer = this._timers.setTimeout(() => {
        this._drop(w);
        w.reject(onTimeout());
      }, ms);
    }
    this._list.push(w);
    return { promise, cancel: () => this._drop(w) };
  }

  offer(value, { one = false } = {}) {
    let taken = false;
    for (const w of this._list.slice()) {
      let ok = false;
      try {
        ok = w.match(value);
      } catch {
        ok = false;
      }
      if (!ok) continue;
      this._drop(w);
      w.resolve(value);
      taken = true;
      if (one) break;
    }
    return taken;
  }

  failAll(error) {
    for (const w of this._list.slice()) {
      this._drop(w);
      w.reject(error);
    }
  }

  _drop(w) {
    const i = this._list.indexOf(w);
    if (i >= 0) this._list.splice(i, 1);
    if (w.timer !== null) this._timers.clearTimeout(w.timer);
    w.timer = null;
  }
}
