// A small event emitter (no dependency on Node's events): on, off, once.
// A handler that throws does not stop the others; its error is logged.
// SPDX-License-Identifier: GPL-2.0-or-later

export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this._handlers = new Map();
  }

  // calls fn(arg) on every emit of event; returns this
  on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError(`handler of "${event}" is not a function`);
    if (!this._handlers.has(event)) this._handlers.set(event, new Set());
    this._handlers.get(event).add(fn);
    return this;
  }

  // removes fn (or every handler of event when fn is omitted); returns this
  off(event, fn) {
    const set = this._handlers.get(event);
    if (!set) return this;
    if (fn) {
      set.delete(fn);
      for (const h of set) if (h._iwgOnce === fn) set.delete(h);
    } else {
      set.clear();
    }
    return this;
  }

  // calls fn once, at the next emit of event; returns this
  once(event, fn) {
    const wrapper = (arg) => {
      this.off(event, wrapper);
      fn(arg);
    };
    wrapper._iwgOnce = fn;
    return this.on(event, wrapper);
  }

  // true when event has at least one handler
  _listened(event) {
    const set = this._handlers.get(event);
    return !!set && set.size > 0;
  }

  _emit(event, arg) {
    const set = this._handlers.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(arg);
      } catch (e) {
        console.error(`iwg: a "${event}" handler threw`, e);
      }
    }
  }
}
