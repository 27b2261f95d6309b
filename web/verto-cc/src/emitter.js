// Event handlers by name: on, once, off. A throwing handler is logged and
// does not keep the next ones from running.
// SPDX-License-Identifier: GPL-2.0-or-later

export class Emitter {
  constructor() {
    /** @type {Map<string, Array<{fn: Function, once: boolean}>>} */
    this._on = new Map();
  }

  // fn(payload) at every emit of name; returns this
  on(name, fn) {
    return this._add(name, fn, false);
  }

  // fn(payload) at the next emit of name only; returns this
  once(name, fn) {
    return this._add(name, fn, true);
  }

  // removes fn from name (every handler of name when fn is omitted); returns this
  off(name, fn) {
    const list = this._on.get(name);
    if (!list) return this;
    const kept = fn === undefined ? [] : list.filter((h) => h.fn !== fn);
    if (kept.length) this._on.set(name, kept);
    else this._on.delete(name);
    return this;
  }

  _add(name, fn, once) {
    if (typeof fn !== 'function') throw new TypeError(`the handler of "${name}" is not a function`);
    const list = this._on.get(name) || [];
    list.push({ fn, once });
    this._on.set(name, list);
    return this;
  }

  _emit(name, payload) {
    const list = this._on.get(name);
    if (!list) return;
    for (const h of list.slice()) {
      if (h.once) this.off(name, h.fn);
      try {
        h.fn(payload);
      } catch (e) {
        console.error(`verto-cc: a "${name}" handler threw`, e);
      }
    }
  }
}
