// A browser for the capacity benchmarks: SIP over one raw WebSocket
// (tests/lib/wsload.mjs, from a source address of its own), registered
// with time-limited credentials (WITH_AUTH_EPHEMERAL, IWG_AUTH_SECRET),
// answering every INVITE 200 with a browser's SDP and every BYE 200.
// Environment of tests/lib/stack.sh: IWG_DOMAIN IWG_AUTH_SECRET.
// SPDX-License-Identifier: GPL-2.0-or-later
import { WsUa, rnd, webrtcSdp } from '../../integration/ims/lib/ua.mjs';
import { sendAuth, ephemeral } from '../../integration/edge/lib.mjs';
import { wsConnect } from '../../lib/wsload.mjs';

// the source address of client number i, perAddr clients an address
// (127.0.10.1, 127.0.10.2, ...: under the preset's IWG_WS_PER_SOURCE)
export const sourceOf = (i, perAddr) => {
  const a = Math.floor(i / perAddr);
  return `127.0.${10 + Math.floor(a / 250)}.${1 + (a % 250)}`;
};

export class Browser extends WsUa {
  // url ws:// or wss://, user, localAddress, ca (PEM, wss)
  constructor({ url, user, localAddress, ca }) {
    super(url, { user, domain: process.env.IWG_DOMAIN });
    Object.assign(this, { localAddress, ca, calls: 0 });
    this.onRequest = (m) => {
      this.received.length = 0; // nothing kept per call
      if (m.method === 'BYE') this.dialogs.delete(m.get('Call-ID'));
      if (m.method !== 'INVITE') return { status: 200 };
      this.calls += 1;
      return { status: 200, body: webrtcSdp({ setup: 'active' }) };
    };
  }

  // the WebSocket connection; throws unless upgraded
  async open() {
    this.conn = await wsConnect({ url: this.url, localAddress: this.localAddress, ca: this.ca,
      protocol: 'sip', timeoutMs: 30000, onText: (t) => this.onMessage(t) });
    if (!this.conn.upgraded) {
      throw new Error(`no upgrade from ${this.localAddress}: ${this.conn.status || this.conn.error || 'refused'}`);
    }
    return this;
  }

  sendRaw(text) { this.conn.send(text); }

  // REGISTER for an hour, answering the digest challenge; the final
  // response (null: none)
  register() {
    const c = ephemeral(process.env.IWG_AUTH_SECRET, this.user, 7200);
    return sendAuth(this, {
      method: 'REGISTER', ruri: `sip:${this.domain}`, callId: `${rnd()}@bench`, from: `<${this.aor}>;tag=${rnd(4)}`,
      to: `<${this.aor}>`, headers: [`Contact: <${this.contact}>;expires=3600`],
    }, { user: c.username, password: c.password });
  }
}
