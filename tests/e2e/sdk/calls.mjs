// Calls out (to a SIPp UAS behind the gateway) and in (from a SIPp UAC),
// their events, media from getStats, and the reason of calls the peer
// refuses (486, 480, 603).
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { page, useKamailio, startPeer, startSipp, waitEvent, poll, see, digest, WSS_URL, WS_URL, DOMAIN, STEP, here, LOGDIR } from './lib.mjs';
import { RtpSink } from '../ims/lib-rtp.mjs';

// sipp/uas-reject.xml with its final status filled in, written to LOGDIR
function rejecting(status, phrase) {
  const file = path.join(LOGDIR, `uas-reject-${status}.xml`);
  const xml = fs.readFileSync(path.join(here, 'sipp', 'uas-reject.xml'), 'utf8');
  fs.writeFileSync(file, xml.replace(/@STATUS@/g, String(status)).replace(/@REASON@/g, phrase));
  return file;
}

// a registered gateway of the digest stack for user; disconnected after t
export async function registered(t, name, user, url = WSS_URL, options = {}) {
  await useKamailio('digest');
  const pg = await page();
  await pg.t('gateway', name, { url, domain: DOMAIN, debug: true, qualityInterval: 1000, reconnect: { minDelay: 1, maxDelay: 4 }, ...options });
  const r = await pg.t('connect', name, digest(user));
  assert.ok(r.ok, `connect() of ${user}: ${r.code} ${r.message}; ${see('browser.log', 'kamailio.log')}`);
  t.after(() => pg.t('disconnect', name));
  return pg;
}

// the SIPp peer answering with media at an RTP sink of the test (echoing
// back what it gets, or, with echo false, a port where nothing listens)
export async function answeringPeer(t, name, { port, calls = 1, sink = true, referNotify = false } = {}) {
  let rtp = null;
  if (sink) {
    rtp = await new RtpSink(port).open();
    t.after(() => rtp.close());
  }
  const peer = await startPeer(name, 'uas-peer.xml', ['-key', 'media_sink', String(port),
    '-key', 'refer_notify', referNotify ? '1' : '0', '-m', String(calls)]);
  t.after(() => peer.stop());
  return { peer, rtp };
}

// polls the call's packet counters until pred holds; returns them
export async function packetsUntil(pg, call, pred, what) {
  let last = null;
  return poll(async () => { last = await pg.t('packets', call); return pred(last) ? last : false; }, { timeoutMs: STEP, what })
    .catch((e) => { throw new Error(`${e.message.replace(/ \(last: .*$/, '')} (last: ${JSON.stringify(last)}); ${see('browser.log', 'rtpengine.log')}`); });
}

// the call of the page answered and media flowing both ways
export async function flowing(pg, call) {
  await waitEvent(pg, call, 'answered');
  return packetsUntil(pg, call, (p) => p.audioIn > 10 && p.audioOut > 10, `${call}: audio packets both ways`);
}

// hangs up call and waits for the peer to finish its scenario
export async function hangup(pg, call, peer) {
  await pg.t('invoke', call, 'hangup', []);
  const ended = await waitEvent(pg, call, 'ended');
  assert.equal(ended.detail.reason, 'hangup', `reason of a call this side hung up: ${JSON.stringify(ended.detail)}`);
  assert.equal(ended.detail.originator, 'local');
  if (peer) assert.equal(await peer.waitExit(STEP), 0, `SIPp ${peer.name} did not finish after the BYE; ${see(...peer.logs)}`);
}

test('a call out rings, plays early media, is answered, carries audio both ways and ends with reason hangup', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'out', 'caller');
  const { peer, rtp } = await answeringPeer(t, 'peer-out', { port: 41200 });
  assert.deepEqual(await pg.t('call', 'out', 'call-out', `sip:echo@${DOMAIN}`), { ok: true });
  const types = async () => (await pg.t('events', 'call-out')).map((e) => e.type);
  await waitEvent(pg, 'call-out', 'answered');
  const seen = await types();
  for (const want of ['ringing', 'early-media', 'answered']) {
    assert.ok(seen.includes(want), `no "${want}" event before the call was answered: ${seen.join(', ')}; ${see('browser.log', ...peer.logs)}`);
  }
  assert.ok(seen.indexOf('ringing') < seen.indexOf('early-media') && seen.indexOf('early-media') < seen.indexOf('answered'), `event order: ${seen.join(', ')}`);
  const p = await flowing(pg, 'call-out');
  assert.deepEqual(p.remoteTracks, ['audio'], 'remoteStream tracks');
  assert.ok(rtp.packets.length > 10, `the peer received ${rtp.packets.length} RTP packets`);
  const [inv] = peer.received('INVITE');
  assert.equal(await pg.t('prop', 'call-out', 'id'), inv.get('Call-ID'), 'call.id is the Call-ID the peer sees');
  assert.equal(await pg.t('prop', 'call-out', 'state'), 'active');
  await hangup(pg, 'call-out', peer);
});

test('a call in from a SIP UAC raises "incoming", is answered with answer() and carries audio both ways', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'in', 'alice', WS_URL);
  await pg.t('expectIncoming', 'in', 'call-in', { video: false });
  const uac = startSipp('uac-in', path.resolve(here, '../sipp/uac-to-browser.xml'),
    ['127.0.0.1:5060', '-s', 'alice', '-i', '127.0.0.1', '-p', '5091', '-mp', '40300', '-rtp_echo', '-m', '1']);
  t.after(() => uac.stop());
  const inc = await waitEvent(pg, 'in', 'incoming');
  assert.match(String(inc.detail.from), /^sip:sipp@/, `incoming call from ${inc.detail.from}`);
  await flowing(pg, 'call-in');
  assert.equal(await pg.t('prop', 'call-in', 'direction'), 'incoming');
  await hangup(pg, 'call-in', uac);
});

test('a video call out sends and receives H.264 video besides audio (the peer echoes both)', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'video', 'caller');
  const sinks = await Promise.all([42000, 42002].map((p) => new RtpSink(p).open()));
  t.after(() => sinks.forEach((s) => s.close()));
  const peer = await startPeer('peer-video', 'uas-video.xml', ['-key', 'media_sink', '42000', '-key', 'video_sink', '42002', '-m', '1']);
  t.after(() => peer.stop());
  assert.deepEqual(await pg.t('call', 'video', 'call-video', 'echo', { video: true }), { ok: true });
  const ans = await waitEvent(pg, 'call-video', 'answered');
  assert.deepEqual(ans.detail, { video: true, remoteVideo: true }, 'answered event of a video call');
  const p = await packetsUntil(pg, 'call-video', (x) => x.audioIn > 10 && x.audioOut > 10 && x.videoIn > 10 && x.videoOut > 10,
    'audio and video packets both ways');
  assert.deepEqual([...p.remoteTracks].sort(), ['audio', 'video'], 'remoteStream tracks');
  assert.ok(sinks[1].packets.length > 10, `video RTP at the peer: ${sinks[1].packets.length} packets`);
  await hangup(pg, 'call-video', peer);
});

for (const [status, phrase, reason] of [[486, 'Busy Here', 'busy'], [480, 'Temporarily Unavailable', 'no_answer'], [603, 'Decline', 'declined']]) {
  test(`a call the peer refuses with ${status} ends with reason ${reason}`, { timeout: 30000 }, async (t) => {
    const pg = await registered(t, `rej${status}`, 'caller');
    const peer = await startPeer(`peer-${status}`, rejecting(status, phrase), ['-m', '1']);
    t.after(() => peer.stop());
    const call = `call-${status}`;
    await pg.t('call', `rej${status}`, call, 'echo');
    const ended = await waitEvent(pg, call, 'ended');
    assert.equal(ended.detail.reason, reason, `ended after ${status}: ${JSON.stringify(ended.detail)}`);
    assert.equal(ended.detail.status, status);
    assert.equal(ended.detail.originator, 'remote');
    assert.ok(ended.detail.message.length > 3, 'a message to show');
    assert.equal(await peer.waitExit(STEP), 0, `SIPp did not get the ACK of its ${status}; ${see(...peer.logs)}`);
  });
}
