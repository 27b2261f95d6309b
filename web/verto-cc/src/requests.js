// What the page asks, checked and turned into what goes on the wire: the
// routing context of a call (userVariables), the JSON bodies of the
// requests to the contact center (call.message('iwg-cc', body)), DTMF
// digits; and Waiters, the promises that wait for an event. Pure but for
// the timers Waiters is given.
// SPDX-License-Identifier: GPL-2.0-or-later
import { CCError } from './errors.js';

// what the gateway (iwg_verto) accepts; anything else makes it refuse the
// call ("Invalid userVariables.queue") or the request: queue, language
// and the destination in verto.invite, a request body of at most 4096
// bytes of JSON nested at most 8 deep
export const LIMITS = Object.freeze({ token: 64, page: 256, destination: 128, body: 4096, depth: 8 });
const QUEUE = /^[A-Za-z0-9._-]{1,64}$/;
const LANGUAGE = /^[A-Za-z0-9_-]{1,64}$/;
const DESTINATION = /^[A-Za-z0-9+*#._@-]{1,128}$/;
// the characters of a URL the gateway takes in page (others are
// percent-encoded here)
const PAGE_CHAR = /^[A-Za-z0-9:/?#[\]@!$&()*+,;=%._~-]$/;

// RFC 3261 token characters (event names, menus)
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

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

// a queue name: 1 to 64 letters, digits, . _ - (else invalid_argument)
export function checkQueue(v, what = 'queue') {
  if (typeof v !== 'string' || !QUEUE.test(v)) {
    throw bad(`${what} must be 1 to 64 letters, digits, '.', '_' or '-', not ${JSON.stringify(v)}`);
  }
  return v;
}

// a language: 1 to 64 letters, digits, _ - (e.g. fr, fr-FR)
export function checkLanguage(v) {
  if (typeof v !== 'string' || !LANGUAGE.test(v)) {
    throw bad(`language must be 1 to 64 letters, digits, '_' or '-' (e.g. "fr", "fr-FR"), not ${JSON.stringify(v)}`);
  }
  return v;
}

// the contact center's number or name (verto destination_number): 1 to
// 128 letters, digits, + * # . _ @ -
export function checkDestination(v, what = 'destination') {
  if (typeof v !== 'string' || !DESTINATION.test(v)) {
    throw bad(`${what} must be the contact center's number or name (1 to 128 letters, digits, + * # . _ @ -), not ${JSON.stringify(v)}`);
  }
  return v;
}

// s with every character the gateway does not take in a page URL
// percent-encoded (UTF-8); valid URLs come out unchanged
export function encodePage(s) {
  let out = '';
  for (const ch of s) {
    if (PAGE_CHAR.test(ch)) out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// the page sent by default: href (encoded) when it fits in 256 bytes,
// else href without its query and fragment when that fits, else null
// (none sent)
export function defaultPage(href) {
  if (typeof href !== 'string' || href === '') return null;
  const whole = encodePage(href);
  if (whole.length <= LIMITS.page) return whole;
  const short = encodePage(href.replace(/[?#].*$/s, ''));
  return short.length <= LIMITS.page ? short : null;
}

const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// the userVariables of a contact-center call: the session's (login) ones,
// then the page's own (extra), then queue, language and page.
// queue is required; language optional; page: a URL (encoded as
// encodePage does) of at most 256 bytes, or null/false to send none.
// Throws invalid_argument.
export function userVariables({ base = null, extra = null, queue, language = null, page = null }) {
  if (extra !== null && extra !== undefined && !plain(extra)) throw bad('userVariables must be an object');
  const uv = { ...(plain(base) ? base : {}), ...(extra || {}) };
  uv.queue = checkQueue(queue);
  if (language !== null && language !== undefined) uv.language = checkLanguage(language);
  else delete uv.language;
  if (page !== null && page !== undefined && page !== false) {
    const p = typeof page === 'string' ? encodePage(page) : '';
    if (p === '' || p.length > LIMITS.page) throw bad(`page must be a URL of at most ${LIMITS.page} bytes (once percent-encoded)`);
    uv.page = p;
  } else {
    delete uv.page;
  }
  return uv;
}

// how deep v nests objects and arrays (a plain value 0, {} 1)
function depthOf(v) {
  if (v === null || typeof v !== 'object') return 0;
  let d = 0;
  for (const x of Object.values(v)) d = Math.max(d, depthOf(x));
  return d + 1;
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
  if (depthOf(JSON.parse(text)) > LIMITS.depth) throw bad(`the request nests objects and arrays more than ${LIMITS.depth} deep`);
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
