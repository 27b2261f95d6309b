// The SDK's pure parts, without a browser: SIP status -> end reason,
// credential checks, the MOS estimate, the diagnosis verdict.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reasonFromStatus, endReason, REASON_TEXT } from '../../../web/iwg-js/src/reasons.js';
import { normalizeCredential, authHeaders, refreshDelay } from '../../../web/iwg-js/src/credentials.js';
import { estimateMos, quality } from '../../../web/iwg-js/src/quality.js';
import { verdict } from '../../../web/iwg-js/src/diagnose.js';
import { rtcConfiguration } from '../../../web/iwg-js/src/media.js';

test('SIP statuses and JsSIP causes map to the documented end reasons', () => {
  const want = { 486: 'busy', 600: 'busy', 480: 'no_answer', 408: 'no_answer', 487: 'no_answer', 603: 'declined',
    404: 'not_found', 604: 'not_found', 503: 'unavailable', 502: 'unavailable', 403: 'unauthorized', 500: 'failed', 180: null };
  for (const [s, r] of Object.entries(want)) assert.equal(reasonFromStatus(Number(s)), r, `status ${s}`);
  assert.equal(endReason({ status: 487, cause: 'Canceled', cancelledLocally: true }).reason, 'cancelled');
  assert.equal(endReason({ cause: 'Canceled', originator: 'remote' }).reason, 'cancelled');
  assert.equal(endReason({ cause: 'Connection Error', originator: 'system' }).reason, 'network_error');
  assert.equal(endReason({ cause: 'Request Timeout' }).reason, 'network_error');
  assert.equal(endReason({ cause: 'Bye', originator: 'remote' }).reason, 'hangup');
  assert.equal(endReason({ cause: 'No Answer' }).reason, 'no_answer');
  for (const r of Object.keys(REASON_TEXT)) assert.ok(REASON_TEXT[r].length > 5, `text of ${r}`);
});

test('credentials: the three kinds completed from what the credential endpoint returns, bad ones refused', () => {
  const tok = normalizeCredential({ kind: 'token', token: 'aGVhZA.eyJleHAiOjE3NjcyMjU2MDB9.c2ln', user: 'ann', uri: null }, 'example.net');
  assert.deepEqual([tok.uri, tok.expires], ['sip:ann@example.net', 1767225600], 'uri from user and domain, expiry from the JWT');
  assert.deepEqual(authHeaders(tok), ['Authorization: Bearer aGVhZA.eyJleHAiOjE3NjcyMjU2MDB9.c2ln']);
  const eph = normalizeCredential({ kind: 'ephemeral', username: '1767225600:ann', password: 'cGFzcw==' }, 'example.net');
  assert.deepEqual([eph.uri, eph.authUser, eph.expires], ['sip:ann@example.net', '1767225600:ann', 1767225600]);
  assert.deepEqual(authHeaders(eph), []);
  const dig = normalizeCredential({ uri: 'sip:bob@example.net', password: 'x' });
  assert.deepEqual([dig.kind, dig.user], ['digest', 'bob']);
  for (const bad of [null, { kind: 'token' }, { kind: 'token', token: 'Bearer x y' }, { kind: 'ephemeral', username: 'ann', password: 'x' },
    { kind: 'digest', user: 'ann' }, { kind: 'sso', token: 'x' }, { user: 'ann', password: 'x' }]) {
    assert.throws(() => normalizeCredential(bad, bad && bad.user ? null : 'example.net'), { name: 'IWGError', code: 'invalid_credential' }, JSON.stringify(bad));
  }
  assert.equal(refreshDelay({ expires: 1000 }, 900 * 1000), 80000, '80 % of the 100 s left');
  assert.equal(refreshDelay({ expires: 1000 }, 999 * 1000), 5000, 'at least 5 s');
  assert.equal(refreshDelay({ expires: null }), null);
});

test('the MOS estimate follows the documented E-model and quality() counts loss per interval', () => {
  assert.deepEqual(estimateMos({}), { r: 92.7, mos: 4.4 });
  assert.equal(estimateMos({ lossPercent: 1 }).mos, 4.32);
  assert.equal(estimateMos({ lossPercent: 5 }).mos, 3.9);
  assert.ok(estimateMos({ rttMs: 600 }).mos < estimateMos({ rttMs: 100 }).mos, 'delay beyond 177 ms costs more');
  assert.equal(estimateMos({ lossPercent: 100, rttMs: 2000 }).mos, 1);
  const snap = (t, packets, lost, jitterMs) => ({ t, rttMs: 40, remoteLossPercent: null, codec: 'opus',
    inbound: { audio: { packets, bytes: packets * 80, lost, jitterMs }, video: { packets: 0, bytes: 0, lost: 0 } },
    outbound: { audio: { packets, bytes: packets * 80 }, video: { packets: 0, bytes: 0 } } });
  const q = quality(snap(0, 100, 0, 2), snap(1000, 148, 2, 3));
  assert.deepEqual([q.intervalMs, q.lossPercent, q.jitterMs, q.rttMs, q.packetsLost], [1000, 4, 3, 40, 2]);
  assert.equal(q.mos, estimateMos({ rttMs: 40, jitterMs: 3, lossPercent: 4 }).mos);
  assert.equal(quality(snap(0, 5, 0, 1), snap(1000, 5, 0, 1)).mos, null, 'no MOS when nothing arrived');
});

test('diagnose verdicts: ok, no_inbound, no_outbound, no_media, held', () => {
  const s = (t, inA, outA) => ({ t, inbound: { audio: { packets: inA }, video: { packets: 0 } }, outbound: { audio: { packets: outA }, video: { packets: 0 } } });
  assert.equal(verdict(s(0, 0, 0), s(2000, 100, 100)).verdict, 'ok');
  assert.equal(verdict(s(0, 50, 0), s(2000, 50, 100)).verdict, 'no_inbound');
  assert.equal(verdict(s(0, 0, 50), s(2000, 100, 50)).verdict, 'no_outbound');
  assert.equal(verdict(s(0, 0, 0), s(2000, 0, 0), { ice: 'failed' }).verdict, 'no_media');
  assert.match(verdict(s(0, 0, 0), s(2000, 0, 0), { ice: 'failed' }).message, /ICE failed/);
  assert.equal(verdict(s(0, 0, 0), s(2000, 0, 0), { held: true }).verdict, 'held');
});

test('RTCPeerConnection settings for rtpengine: never max-bundle, rtcp-mux required, no ICE servers by default', () => {
  assert.deepEqual(rtcConfiguration(), { iceServers: [], bundlePolicy: 'balanced', rtcpMuxPolicy: 'require' });
  const c = rtcConfiguration({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'negotiate', iceServers: [{ urls: 'turn:t.example' }] });
  assert.deepEqual([c.bundlePolicy, c.rtcpMuxPolicy, c.iceServers.length], ['balanced', 'require', 1]);
});
