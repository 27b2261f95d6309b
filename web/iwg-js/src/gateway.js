// Gateway: the connection of this page to an iwg gateway over SIP on a
// WebSocket (JsSIP): registration with the credential kinds the gateway
// accepts, credential refresh, reconnection with re-registration after the
// WebSocket drops, and the calls.
// SPDX-License-Identifier: GPL-2.0-or-later
import JsSIP from 'jssip';
import { Emitter } from './emitter.js';
import { IWGError } from './errors.js';
import { normalizeCredential, authHeaders, refreshDelay } from './credentials.js';
import { rtcConfiguration } from './media.js';
import { Call } from './call.js';

// registration failure -> IWGError code
function registrationError(e) {
  const status = e.response ? e.response.status_code : null;
  if (status === 401 || status === 403 || status === 407 || e.cause === 'Authentication Error') {
    return new IWGError('auth_failed', `the gateway refused the credential (${status || e.cause})`, status);
  }
  if (!status) return new IWGError('network_error', `no answer from the gateway to REGISTER (${e.cause})`);
  return new IWGError('registration_failed', `REGISTER answered ${status} ${e.response.reason_phrase || ''}`.trim(), status);
}

export class Gateway extends Emitter {
  constructor(options = {}) {
    super();
    const { url, domain = null } = options;
    if (typeof url !== 'string' || !/^wss?:\/\//i.test(url)) throw new TypeError('Gateway: "url" must be the gateway\'s ws:// or wss:// address');
    this.url = url;
    this.domain = domain;
    this._options = options;
    this._rtcConfig = rtcConfiguration(options.rtcConfiguration || (options.iceServers ? { iceServers: options.iceServers } : {}));
    this._qualityInterval = options.qualityInterval === undefined ? 5000 : options.qualityInterval;
    this._ua = null;
    this._cred = null;
    this._provider = null;
    this._refreshTimer = null;
    this._closing = false;
    this._calls = new Set();
    /** 'disconnected' | 'connecting' | 'registered' | 'reconnecting' */
    this.state = 'disconnected';
    this.uri = null;
    this.user = null;
    if (options.debug) JsSIP.debug.enable('JsSIP:*');
    else JsSIP.debug.disable();
  }

  /** true while registered */
  get registered() {
    return this.state === 'registered';
  }

  /** the calls not ended yet */
  get calls() {
    return [...this._calls];
  }

  _setState(s) {
    this.state = s;
  }

  // connect(credential | provider): registers; resolves when registered.
  // A provider (a function returning a credential or a promise of one) is
  // asked again before the credential expires and when the gateway refuses
  // it on a re-registration.
  async connect(credential) {
    if (this._ua) throw new IWGError('invalid_state', 'already connected: disconnect() first');
    this._provider = typeof credential === 'function' ? credential : null;
    const cred = normalizeCredential(this._provider ? await this._provider() : credential, this.domain);
    this._cred = cred;
    this.uri = cred.uri;
    this.user = cred.user;
    this._closing = false;
    const o = this._options;
    const reconnect = o.reconnect || {};
    const cfg = {
      sockets: [new JsSIP.WebSocketInterface(this.url)],
      uri: cred.uri,
      register: true,
      register_expires: o.registerExpires || 300,
      session_timers: false,
      user_agent: `iwg.js/${__IWG_VERSION__}`,
      connection_recovery_min_interval: reconnect.minDelay || 2,
      connection_recovery_max_interval: reconnect.maxDelay || 30,
      no_answer_timeout: o.noAnswerTimeout || 60,
      use_preloaded_route: false,
    };
    if (o.displayName) cfg.display_name = o.displayName;
    if (cred.password) cfg.password = cred.password;
    if (cred.authUser) cfg.authorization_user = cred.authUser;
    let ua;
    try {
      ua = new JsSIP.UA(cfg);
    } catch (e) {
      throw new IWGError('invalid_credential', `cannot use ${cred.uri}: ${e.message}`);
    }
    this._ua = ua;
    ua.registrator().setExtraHeaders(authHeaders(cred));
    this._setState('connecting');
    this._emit('connecting', { url: this.url });

    const first = new Promise((resolve, reject) => {
      this._firstRegistration = { resolve, reject };
    });
    ua.on('connected', () => {
      if (this.state === 'reconnecting') this._emit('reconnected', { url: this.url });
    });
    ua.on('disconnected', (e) => this._onDisconnected(e));
    ua.on('registered', () => this._onRegistered());
    ua.on('unregistered', () => {
      if (this.state === 'registered') {
        this._setState(this._closing ? 'disconnected' : 'reconnecting');
        this._emit('unregistered', {});
      }
    });
    ua.on('registrationFailed', (e) => this._onRegistrationFailed(e));
    ua.on('newRTCSession', (e) => {
      if (e.originator === 'remote') this._onIncoming(e.session, e.request);
    });
    ua.start();
    try {
      await first;
    } catch (e) {
      this._teardown();
      throw e;
    }
  }

  _onRegistered() {
    const was = this.state;
    this._setState('registered');
    this._emit('registered', { uri: this.uri, reconnected: was === 'reconnecting' });
    if (this._firstRegistration) {
      this._firstRegistration.resolve();
      this._firstRegistration = null;
    }
    this._renewedAfterRefusal = false;
    this._scheduleRefresh();
  }

  async _onRegistrationFailed(e) {
    const err = registrationError(e);
    if (this._firstRegistration) {
      const f = this._firstRegistration;
      this._firstRegistration = null;
      f.reject(err);
      return;
    }
    // later REGISTERs: a refused credential is renewed through the provider,
    // once until a REGISTER succeeds again (a provider handing out refused
    // credentials is not asked in a loop)
    if (err.code === 'auth_failed' && this._provider && !this._closing && !this._renewedAfterRefusal) {
      this._renewedAfterRefusal = true;
      try {
        await this._refresh();
        return;
      } catch (re) {
        this._emit('error', re);
      }
    }
    this._emit('error', err);
  }

  _onDisconnected(e) {
    if (this._closing || !this._ua) return;
    if (this._firstRegistration) {
      const f = this._firstRegistration;
      this._firstRegistration = null;
      f.reject(new IWGError('network_error', `cannot connect to ${this.url}${e && e.code ? ` (WebSocket close ${e.code})` : ''}`));
      return;
    }
    if (this.state !== 'reconnecting') {
      const was = this.state;
      this._setState('reconnecting');
      if (was === 'registered') this._emit('unregistered', {});
      this._emit('reconnecting', { url: this.url, code: e && e.code ? e.code : null });
    }
  }

  _scheduleRefresh() {
    clearTimeout(this._refreshTimer);
    this._refreshTimer = null;
    if (!this._provider) return;
    const delay = refreshDelay(this._cred);
    if (delay === null) return;
    this._refreshTimer = setTimeout(() => {
      this._refresh().catch((err) => this._emit('error', err));
    }, delay);
  }

  // asks the provider for a fresh credential, applies it and registers
  async _refresh() {
    const next = normalizeCredential(await this._provider(), this.domain);
    if (next.uri !== this._cred.uri) throw new IWGError('invalid_credential', `the fresh credential is for ${next.uri}, not ${this._cred.uri}`);
    this._cred = next;
    const ua = this._ua;
    if (!ua) return;
    ua.registrator().setExtraHeaders(authHeaders(next));
    if (next.password) ua.set('password', next.password);
    // JsSIP cannot change the digest user name at run time through set()
    if (next.authUser) ua.configuration.authorization_user = next.authUser;
    this._emit('credential', { kind: next.kind, expires: next.expires });
    if (ua.isConnected()) ua.register();
    // JsSIP reports a REGISTER refresh of a registered UA with no event:
    // the next refresh is planned here
    this._scheduleRefresh();
  }

  _onIncoming(session, request) {
    const call = new Call(this, 'incoming');
    call._bindIncoming(session, request);
    this._calls.add(call);
    if (!this._listened('incoming')) {
      call.reject({ status: 480 });
      return;
    }
    this._emit('incoming', call);
  }

  // the request URI of target: a SIP URI as is, a user name or number in
  // this gateway's domain
  _target(target) {
    const t = String(target || '').trim();
    if (!t) throw new TypeError('call: no target');
    if (/^sips?:/i.test(t)) return t;
    if (t.includes('@')) return `sip:${t}`;
    const domain = this.domain || (this.uri ? this.uri.replace(/^sips?:[^@]*@/i, '').replace(/[;?].*$/, '') : null);
    if (!domain) throw new TypeError(`call: "${t}" is not a SIP URI and the gateway has no domain`);
    return `sip:${t}@${domain}`;
  }

  _authHeaders() {
    return this._cred ? authHeaders(this._cred) : [];
  }

  _forget(call) {
    this._calls.delete(call);
  }

  // call(target, options): places a call; returns the Call at once (its
  // events tell how it goes)
  call(target, options = {}) {
    if (this.state !== 'registered' && this.state !== 'reconnecting') throw new IWGError('invalid_state', 'connect() first');
    const uri = this._target(target);
    const call = new Call(this, 'outgoing', options);
    this._calls.add(call);
    call._dial(uri);
    return call;
  }

  // disconnect(): hangs up every call, unregisters and closes the
  // WebSocket; resolves when closed (at most after 3 s)
  disconnect() {
    const ua = this._ua;
    if (!ua) return Promise.resolve();
    this._closing = true;
    for (const c of this._calls) c.hangup();
    return new Promise((resolve) => {
      const t = setTimeout(done, 3000);
      const self = this;
      function done() {
        clearTimeout(t);
        self._teardown();
        resolve();
      }
      ua.on('disconnected', done);
      ua.stop();
    });
  }

  _teardown() {
    clearTimeout(this._refreshTimer);
    this._refreshTimer = null;
    const ua = this._ua;
    this._ua = null;
    this._closing = true;
    if (ua) {
      try { ua.stop(); } catch { /* already stopped */ }
    }
    const was = this.state;
    this._setState('disconnected');
    if (was !== 'disconnected') this._emit('disconnected', {});
  }
}
