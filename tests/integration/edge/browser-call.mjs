// A "browser" in a process of its own, for the test of a browser that
// vanishes mid-call: over WebSocket it registers as USER and calls TARGET
// (digest with PASSWORD), ACKs the 200, prints "answered <Call-ID>" and
// waits to be killed. USERNAME is the digest username (USER, or "<expiry>:USER" for
// time-limited credentials). Node 20 with --experimental-websocket.
//   node browser-call.mjs WS_URL DOMAIN USER USERNAME PASSWORD TARGET
// SPDX-License-Identifier: GPL-2.0-or-later
import { WsUa, Dialog, rnd, uriOf, webrtcSdp } from '../ims/lib/ua.mjs';
import { sendAuth } from './lib.mjs';

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
const fromTag = rnd(4);
const r = await sendAuth(ua, {
  method: 'INVITE', ruri: target, callId, from: `<sip:${user}@${domain}>;tag=${fromTag}`, to: `<${target}>`,
  body: webrtcSdp({ port: 9 }), timeoutMs: 10000,
}, { user: username, password });
if (!r || r.status !== 200) {
  console.log(`failed ${r ? r.status : 'timeout'}`);
  process.exit(1);
}
const d = new Dialog(ua, {
  callId, localTag: fromTag, remoteTag: /tag=([^;>\s]+)/.exec(r.get('To'))[1],
  localUri: `sip:${user}@${domain}`, remoteUri: target,
  routeSet: r.all('Record-Route').flatMap((v) => v.split(/,(?=\s*<)/)).map((s) => s.trim()).reverse(),
  remoteTarget: uriOf(r.get('Contact')), cseq: Number(r.get('CSeq').split(/\s+/)[0]),
});
await d.ack();
console.log(`answered ${callId}`);
setInterval(() => {}, 60000);
