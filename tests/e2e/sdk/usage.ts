// Type-checks iwg.d.ts the way a developer uses it (tsc --noEmit, test.sh).
// SPDX-License-Identifier: GPL-2.0-or-later
import { Gateway, Call, IWGError, version, reasonFromStatus, estimateMos, REASON_TEXT } from '../../../web/iwg-js/iwg';
import type { CallEnded, CallQuality, Diagnosis, Credential } from '../../../web/iwg-js/iwg';

async function demo(audio: HTMLAudioElement): Promise<string> {
  const gw = new Gateway({ url: 'wss://gw.example.net:8443', domain: 'example.net', reconnect: { minDelay: 1, maxDelay: 20 } });
  gw.on('registered', ({ uri, reconnected }) => console.log(uri, reconnected));
  gw.on('reconnecting', ({ code }) => console.log(code));
  gw.on('error', (e: IWGError) => console.log(e.code, e.status));
  gw.on('incoming', (call: Call) => { void call.answer({ video: false }); });
  const creds: Credential[] = [
    { kind: 'token', token: 'a.b.c', uri: 'sip:ann@example.net', user: 'ann' },
    { kind: 'ephemeral', username: '1767225600:ann', password: 'x', uri: null, user: 'ann' },
    { kind: 'digest', uri: 'sip:ann@example.net', password: 'secret' },
    { user: 'ann', password: 'secret' },
  ];
  await gw.connect(creds[0]);
  await gw.connect(async () => creds[1]);
  const call = gw.call('bob', { video: true });
  call.on('ringing', ({ status }) => console.log(status));
  call.on('early-media', () => { audio.srcObject = call.remoteStream; });
  call.on('answered', ({ remoteVideo }) => console.log(remoteVideo));
  call.on('quality', (q: CallQuality) => console.log(q.mos, q.jitterMs, q.rttMs, q.lossPercent));
  call.on('ended', (e: CallEnded) => console.log(e.reason, e.status, e.message));
  await call.hold();
  await call.resume();
  call.mute('audio');
  call.unmute();
  const mode: 'rfc4733' | 'info' = call.sendDTMF('12#', { mode: 'info' });
  await call.transfer('sip:carol@example.net');
  const other = gw.call('sip:dave@example.net');
  await call.attendedTransfer(other, { hangup: false });
  const d: Diagnosis = await call.diagnose({ windowMs: 1500 });
  call.hangup();
  await gw.disconnect();
  const r = reasonFromStatus(486);
  return `${version} ${d.verdict} ${mode} ${r} ${estimateMos({ lossPercent: 1 }).mos} ${REASON_TEXT.busy}`;
}
export { demo };
