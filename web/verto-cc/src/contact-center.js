// ContactCenter: contact-center features on an @signalwire/js 1.5 `Verto`
// client the page made (the SDK is not bundled here: the page passes its
// client). Listens to the client's signalwire.notification, keeps a CCCall
// per call it placed (enterQueue) or was given (track), and tells the
// iwg contact-center events per call and globally.
// SPDX-License-Identifier: GPL-2.0-or-later
import { Emitter } from './emitter.js';
import { CCError } from './errors.js';
import { CCCall } from './call.js';
import { parseNotification } from './events.js';
import { checkDestination, checkLanguage, checkQueue, defaultPage, timeoutOf, userVariables } from './requests.js';

export const NOTIFICATION = 'signalwire.notification';

const DEFAULTS = Object.freeze({ requestTimeout: 35000, menuTimeout: 10000 });

const bad = (message) => new CCError('invalid_argument', message);

export class ContactCenter extends Emitter {
  // client: an @signalwire/js `Verto` (connected, connecting or not yet);
  // options: { destination, language, requestTimeout, menuTimeout }
  constructor(client, options = {}) {
    super();
    if (!client || typeof client.on !== 'function' || typeof client.newCall !== 'function') {
      throw bad('ContactCenter needs the @signalwire/js Verto client (with on() and newCall())');
    }
    if (options === null || typeof options !== 'object') throw bad('options must be an object');
    const { destination, language, requestTimeout, menuTimeout } = options;
    this._client = client;
    this._destination = destination === undefined || destination === null ? null : checkDestination(destination, 'destination');
    this._language = language === undefined || language === null ? null : checkLanguage(language);
    this._timeouts = {
      requestTimeout: timeoutOf(requestTimeout, DEFAULTS.requestTimeout),
      menuTimeout: timeoutOf(menuTimeout, DEFAULTS.menuTimeout),
    };
    /** @type {Map<string, CCCall>} */
    this._calls = new Map();
    this._closed = null;
    this._listener = (n) => this.handleNotification(n);
    client.on(NOTIFICATION, this._listener);
  }

  /** the Verto client */
  get client() {
    return this._client;
  }

  /** the calls followed now (placed by enterQueue or given to track, not ended) */
  get calls() {
    return [...this._calls.values()];
  }

  /** the CCCall of a Verto callID, or null */
  call(id) {
    return this._calls.get(id) || null;
  }

  // places a call to the contact center for queue: client.newCall() with
  // userVariables {queue, language, page} beside the session's; returns
  // its CCCall. Throws invalid_argument, closed.
  enterQueue(queue, options = {}) {
    if (this._closed) throw this._closed;
    if (options === null || typeof options !== 'object') throw bad('options must be an object');
    const {
      language = this._language, page, destination, destinationNumber, userVariables: extra,
      onNotification, requestTimeout, menuTimeout, ...rest
    } = options;
    const dest = checkDestination(destination ?? destinationNumber ?? this._destination,
      'destination (enterQueue option or ContactCenter option)');
    const loc = typeof globalThis.location === 'object' && globalThis.location ? globalThis.location.href : null;
    const uv = userVariables({
      base: this._client.options && this._client.options.userVariables,
      extra,
      queue,
      language,
      page: page === undefined ? defaultPage(loc) : page,
    });
    const opts = {
      queue,
      language: language || null,
      requestTimeout: timeoutOf(requestTimeout, this._timeouts.requestTimeout),
      menuTimeout: timeoutOf(menuTimeout, this._timeouts.menuTimeout),
    };
    const callOptions = { ...rest, destinationNumber: dest, userVariables: uv };
    if (onNotification !== undefined) {
      if (typeof onNotification !== 'function') throw bad('onNotification must be a function');
      // the SDK gives a call's notifications to its onNotification and
      // then no longer to the client's listeners: see them here too
      const cc = this;
      callOptions.onNotification = function (n) {
        cc.handleNotification(n);
        return onNotification.call(this, n);
      };
    }
    const sdkCall = this._client.newCall(callOptions);
    const call = new CCCall(this, sdkCall, opts);
    this._calls.set(sdkCall.id, call);
    return call;
  }

  // follows a call the page got otherwise (the contact center calling back,
  // a call made with client.newCall); returns its CCCall (the same one when
  // followed already). options: { queue, language, requestTimeout,
  // menuTimeout }
  track(sdkCall, options = {}) {
    if (this._closed) throw this._closed;
    if (!sdkCall || typeof sdkCall.id !== 'string' || !sdkCall.id) throw bad('track() needs an SDK call (with an id)');
    const had = this._calls.get(sdkCall.id);
    if (had) return had;
    const { queue = null, language = null, requestTimeout, menuTimeout } = options || {};
    if (queue !== null) checkQueue(queue);
    if (language !== null) checkLanguage(language);
    const call = new CCCall(this, sdkCall, {
      queue,
      language,
      requestTimeout: timeoutOf(requestTimeout, this._timeouts.requestTimeout),
      menuTimeout: timeoutOf(menuTimeout, this._timeouts.menuTimeout),
    });
    if (!call.ended) this._calls.set(sdkCall.id, call); // an ended one is not followed
    return call;
  }

  // one signalwire.notification of the SDK. Called by the listener this
  // object put on the client; call it yourself from an onNotification of
  // client.newCall() (the SDK then gives that call's notifications to it
  // alone)
  handleNotification(n) {
    if (this._closed) return;
    const p = parseNotification(n);
    if (!p) return;
    const call = this._calls.get(p.callID);
    if (call) {
      if (p.event.type === 'sdk') call._sdkUpdate(p.sdkCall, p.event);
      else call._event(p.event, p.sdkCall);
      return;
    }
    // a call not followed: its iwg events are told globally only
    if (p.event.type === 'sdk' || p.event.type === 'display') return;
    this._emit(p.event.type, { ...p.event, callID: p.callID, call: null, sdkCall: p.sdkCall });
  }

  // stops listening to the client; pending promises reject with closed.
  // The calls go on (hang them up first if they should end).
  close() {
    if (this._closed) return;
    this._closed = new CCError('closed', 'the ContactCenter was closed');
    if (typeof this._client.off === 'function') this._client.off(NOTIFICATION, this._listener);
    for (const c of this._calls.values()) c._close(this._closed);
    this._calls.clear();
  }

  _forget(call) {
    if (this._calls.get(call.id) === call) this._calls.delete(call.id);
  }
}
