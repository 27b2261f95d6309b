// Media control of a call through iwg.js: hold stops RTP both ways and
// resume brings it back (from getStats and at the peer), mute, DTMF as
// RFC 4733 events and as SIP INFO (asserted at the peer), quality events,
// and diagnose() naming the direction without media.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { page, startPeer, waitEvent, poll, see, STEP } from './lib.mjs';
import { registered, answeringPeer, packetsUntil, flowing, hangup } from './calls.mjs';

const QUIET_MS = 1000; // a direction counts as stopped when nothing moved for this long

// polls until sample() (a number) has not changed for QUIET_MS; returns it
async function stopsGrowing(sample, what) {
  const seen = []; // [t, value]
  let last;
  return poll(async () => {
    const now = Date.now();
    last = await sample();
    seen.push([now, last]);
    const old = seen.filter(([t]) => now - t >= QUIET_MS).pop();
    return old && old[1] === last ? { value: last } : false;
  }, { timeoutMs: STEP, intervalMs: 200, what: `${what} to stop` });
}

// a call from a fresh gateway to a SIPp peer answering with media at port
async function callPeer(t, name, port, { sink = true } = {}) {
  const pg = await registered(t, name, 'caller');
  const { peer, rtp } = await answeringPeer(t, `peer-${name}`, { port, sink });
  const call = `${name}-call`;
  assert.deepEqual(await pg.t('call', name, call, 'echo'), { ok: true });
  return { pg, peer, rtp, call };
}

const directions = (m) => (m.body.match(/^a=(sendonly|recvonly|inactive|sendrecv)/mg) || []).map((l) => l.slice(2));

test('hold() stops media both ways (getStats and at the peer) with a=sendonly, resume() brings it back', { timeout: 90000 }, async (t) => {
  const { pg, peer, rtp, call } = await callPeer(t, 'hold', 41400);
  await flowing(pg, call);
  const h = await pg.t('invoke', call, 'hold', []);
  assert.ok(h.ok, `hold(): ${h.code} ${h.message}; ${see('browser.log', ...peer.logs)}`);
  await waitEvent(pg, call, 'hold');
  assert.equal(await pg.t('prop', call, 'held'), true);
  const reinv = peer.received('INVITE').slice(1);
  assert.equal(reinv.length, 1, `re-INVITEs at the peer after hold(): ${reinv.length}; ${see(...peer.logs)}`);
  assert.deepEqual(directions(reinv[0]), ['sendonly'], 'direction offered to the peer by the hold re-INVITE');

  const out = await stopsGrowing(async () => (await pg.t('packets', call)).audioOut, 'packets sent by the browser while held');
  const atPeer = await stopsGrowing(() => rtp.packets.length, 'RTP arriving at the peer while held');
  const inb = await stopsGrowing(async () => (await pg.t('packets', call)).audioIn, 'packets received by the browser while held');
  const d = await pg.t('invoke', call, 'diagnose', [{ windowMs: 1000 }]);
  assert.equal(d.value.verdict, 'held', `diagnose() of a held call: ${JSON.stringify(d)}`);

  const r = await pg.t('invoke', call, 'resume', []);
  assert.ok(r.ok, `resume(): ${r.code} ${r.message}; ${see('browser.log', ...peer.logs)}`);
  await waitEvent(pg, call, 'resume');
  const reinv2 = peer.received('INVITE').slice(2);
  assert.equal(reinv2.length, 1, `re-INVITEs at the peer after resume(): ${reinv2.length}`);
  assert.deepEqual(directions(reinv2[0]), ['sendrecv'], 'direction offered by the resume re-INVITE');
  await packetsUntil(pg, call, (p) => p.audioOut > out.value + 10 && p.audioIn > inb.value + 10, 'audio both ways again after resume()');
  await poll(() => rtp.packets.length > atPeer.value + 10, { timeoutMs: STEP, what: 'RTP at the peer again after resume()' });

  // mute keeps the call and its packets (silence) but says so
  const m = await pg.t('invoke', call, 'mute', ['audio']);
  assert.ok(m.ok, `mute('audio'): ${m.message}`);
  assert.deepEqual(await pg.t('prop', call, 'muted'), { audio: true, video: false });
  await pg.t('invoke', call, 'unmute', []);
  assert.deepEqual(await pg.t('prop', call, 'muted'), { audio: false, video: false });
  await hangup(pg, call, peer);
});

test('sendDTMF() reaches the peer as RFC 4733 telephone-events and as SIP INFO', { timeout: 60000 }, async (t) => {
  const { pg, peer, rtp, call } = await callPeer(t, 'dtmf', 41500);
  await flowing(pg, call);
  // the payload type offered (and answered) for telephone-event/8000
  const TE = Number((/^a=rtpmap:(\d+) telephone-event\/8000/m.exec(peer.received('INVITE')[0].body) || [])[1]);
  const r = await pg.t('invoke', call, 'sendDTMF', ['159#', { duration: 120, interToneGap: 80 }]);
  assert.deepEqual(r, { ok: true, value: 'rfc4733' }, 'sendDTMF() in auto mode on a call with telephone-event');
  const events = () => [...new Set(rtp.ofPt(TE).map((p) => p.payload[0]))];
  await poll(() => events().length >= 4, { timeoutMs: STEP, what: `telephone-events (payload type ${TE}) for 1, 5, 9, # at the peer` })
    .catch((e) => { throw new Error(`${e.message}: payload types at the peer ${JSON.stringify(rtp.summary())}; ${see('rtpengine.log')}`); });
  assert.deepEqual(events(), [1, 5, 9, 11], 'RFC 4733 events at the peer (# is 11)');

  const i = await pg.t('invoke', call, 'sendDTMF', ['7*', { mode: 'info' }]);
  assert.deepEqual(i, { ok: true, value: 'info' });
  const infos = await poll(() => {
    const got = peer.received('INFO');
    return got.length >= 2 ? got : false;
  }, { timeoutMs: STEP, what: 'two SIP INFO at the peer' }).catch((e) => { throw new Error(`${e.message}; ${see(...peer.logs)}`); });
  assert.deepEqual(infos.map((m) => (/Signal=\s*(\S)/.exec(m.body) || [])[1]), ['7', '*'], 'INFO bodies (application/dtmf-relay Signal=)');
  assert.ok(infos.every((m) => /^application\/dtmf-relay/i.test(m.get('Content-Type') || '')), 'INFO Content-Type');
  await hangup(pg, call, peer);
});

test('quality events carry sane loss, jitter, round-trip and MOS figures; diagnose() says ok', { timeout: 60000 }, async (t) => {
  const { pg, peer, call } = await callPeer(t, 'quality', 41600);
  await flowing(pg, call);
  const q = await waitEvent(pg, call, 'quality', (d) => d.intervalMs !== null && d.mos !== null, 'a second quality event with a MOS');
  const d = q.detail;
  t.diagnostic(`quality: ${JSON.stringify(d)}`);
  assert.ok(d.mos >= 1 && d.mos <= 4.5, `MOS ${d.mos} outside 1..4.5`);
  assert.ok(d.mos > 4, `MOS ${d.mos} on loopback without loss (expected > 4)`);
  assert.ok(d.packetsReceived > 0 && d.packetsSent > 0, `packet counts ${d.packetsReceived} in, ${d.packetsSent} out`);
  assert.ok(d.lossPercent >= 0 && d.lossPercent < 5, `loss ${d.lossPercent} %`);
  assert.ok(d.jitterMs !== null && d.jitterMs >= 0 && d.jitterMs < 100, `jitter ${d.jitterMs} ms`);
  assert.ok(d.rttMs === null || (d.rttMs >= 0 && d.rttMs < 500), `round trip ${d.rttMs} ms`);
  assert.match(String(d.codec), /^opus$/i, 'codec of the browser leg');
  const diag = await pg.t('invoke', call, 'diagnose', [{ windowMs: 1000 }]);
  assert.equal(diag.value.verdict, 'ok', `diagnose() of a flowing call: ${JSON.stringify(diag)}`);
  await hangup(pg, call, peer);
});

test('diagnose() names the inbound direction as silent when the SIP peer sends no RTP', { timeout: 60000 }, async (t) => {
  // the peer's SDP names a port where nothing listens: it never sends media
  const { pg, peer, call } = await callPeer(t, 'silent', 41700, { sink: false });
  await waitEvent(pg, call, 'answered');
  await packetsUntil(pg, call, (p) => p.audioOut > 10, 'the browser sending audio');
  const r = await pg.t('invoke', call, 'diagnose', [{ windowMs: 1500 }]);
  assert.ok(r.ok, `diagnose(): ${r.message}`);
  const d = r.value;
  t.diagnostic(`diagnose: ${JSON.stringify(d)}`);
  assert.equal(d.verdict, 'no_inbound', `verdict: ${d.message}`);
  assert.equal(d.inbound.audio, 0, 'packets received in the window');
  assert.ok(d.outbound.audio > 0, 'packets sent in the window');
  assert.match(d.message, /far end|peer/i, 'the message names the far end');
  await hangup(pg, call, peer);
});
