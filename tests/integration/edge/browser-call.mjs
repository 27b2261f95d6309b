// A "browser" in a process of its own, for the test of a browser that
// vanishes mid-call: over WebSocket it registers as USER and calls TARGET
// (digest with PASSWORD), ACKs the 200, prints "answered <Call-ID>" and
// waits to be killed. USERNAME is the digest username (USER, or "<expiry>:USER" for
// time-limited credentials). Node 20 with --experimental-websocket.
//   node browser-call.mjs WS_URL DOMAIN USER USERNAME PASSWORD TARGET
// SPDX-License-Identifier: GPL-2.0-or-later
import { WsUa, rnd, webrtcSdp } from '../ims/lib/ua.mjs';
import { inviteAuth, sendAuth } from './lib.mjs';

const [url, domain, user, username, password, target] = process.argv.slice(2);
const ua = await new WsUa(url, { user, domain }).open();
const reg = await sendAuth(ua, {
  method: 'REGISTER', ruri: `sip:${domain}`, callId: `${rnd()}@reg`, from: `<sip:${user}@${domain}>;tag=${rnd(4)}`,
  to: `<sip:${user}@${domain}>`, headers: [`Contact: <${ua.contact}>;expires=600`],
}, { user: username, password });
if (!reg || reg.status !== 200) {
  console.log(`failed REGISTER ${reg ? reg.status : 'timeout'}`);
  process.exit(1);
}
const callId = `${rnd()}@${user}`;
const { resp: r } = await inviteAuth(ua, {
  ruri: target, callId, from: `<sip:${user}@${domain}>;tag=${rnd(4)}`, to: `<${target}>`,
  body: webrtcSdp({ port: 9 }), timeoutMs: 10000,
}, { user: username, password });
if (!r || r.status !== 200) {
  console.log(`failed ${r ? r.status : 'timeout'}`);
  process.exit(1);
}
console.log(`answered ${callId}`);
setInterval(() => {}, 60000);
