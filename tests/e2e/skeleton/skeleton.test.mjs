// iwg walking skeleton, browser side: real headless Chromium with JsSIP
// registers over WebSocket at the gateway and calls a SIPp UAS (and is called
// by a SIPp UAC) while rtpengine bridges DTLS-SRTP/Opus to RTP/PCMA.
// Checks: the browser's getStats, rtpengine's NG query, and that BYE releases
// the rtpengine call. Run by test.sh inside the test stack; env: README.md.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchClient, poll } from '../lib/browser.mjs';
import { query, medias, mediaPackets, mediaFlags, ngBin } from '../lib/ng.mjs';
import { startSipp as startSippIn, udpBound } from '../../lib/sipp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sippDir = path.resolve(here, '../sipp');

const env = (k, d) => process.env[k] || d;
const WSS_URL = env('IWG_WSS_URL', 'wss://127.0.0.1:8443');
const WS_URL = env('IWG_WS_URL', 'ws://127.0.0.1:8080');
const SIP_ADDR = env('IWG_SIP_ADDR', '127.0.0.1:5060');
const NG_ADDR = env('IWG_NG_ADDR', '127.0.0.1:2223');
const PEER_ADDR = env('IWG_PEER_ADDR', '127.0.0.1:5090');
const DOMAIN = env('IWG_DOMAIN', 'iwg.test');
const LOGDIR = env('IWG_LOGDIR', fs.mkdtempSync(path.join(os.tmpdir(), 'iwg-skeleton-')));
fs.mkdirSync(LOGDIR, { recursive: true });

const STEP_MS = 15000; // bound of every wait below (polling, never a sleep)

// "see <logdir>/a, <logdir>/b" for failure messages
const see = (...names) => `see ${names.map((n) => path.join(LOGDIR, n)).join(', ')}`;
const GW_LOGS = ['kamailio.log', 'rtpengine.log'];

// ---------------------------------------------------------------- SIPp

// one SIPp instance running one call (-m 1, -timeout 120); its files are
// <LOGDIR>/sipp-<name>.{out,msg,err,screen} (tests/lib/sipp.mjs)
const startSipp = (name, scenario, args) =>
  startSippIn(name, path.join(sippDir, scenario), [...args, '-m', '1'], { logdir: LOGDIR, timeoutSec: 120, screen: true });

function hostPort(addr) {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i), Number(addr.slice(i + 1))];
}

// ---------------------------------------------------------------- rtpengine

// polls NG query for callId until check(reply) returns true; returns the reply
async function queryUntil(callId, check, what, logs) {
  let last = null;
  try {
    return await poll(async () => {
      last = await query(callId, { addr: NG_ADDR });
      if (last.code === 0 && last.reply && check(last.reply)) return last.reply;
      return false;
    }, { timeoutMs: STEP_MS, what });
  } catch (e) {
    if (last && last.code === -1) {
      throw new Error(`cannot run ${ngBin()} (${last.stderr.trim()}): is it built (make)?`);
    }
    if (last && last.code === 2) throw new Error(`rtpengine NG at ${NG_ADDR} unreachable (${last.cmd}); ${see(...logs)}`);
    throw new Error(`${e.message.replace(/ \(last: .*$/, '')}; last query of Call-ID ${callId} (exit ${last && last.code}): ` +
      `${summarize(last && last.reply)}; ${see(...logs)}`);
  }
}

// one line per media: protocol, codec, packets, flags
function summarize(reply) {
  if (!reply) return 'no reply';
  if (reply.result !== 'ok') return JSON.stringify(reply);
  return medias(reply).map(({ tag, media }) =>
    `[tag ${tag}: ${media.protocol} ${media.codec || '?'} packets=${mediaPackets(media)} flags=${[...mediaFlags(media)].join('|')}]`).join(' ');
}

const browserLeg = (reply) => medias(reply).find(({ media }) => media.protocol === 'UDP/TLS/RTP/SAVPF');
const sipLeg = (reply) => medias(reply).find(({ media }) => media.protocol === 'RTP/AVP');

// the checks on rtpengine's view of a running call, shared by both directions
async function checkRtpengine(callId, logs) {
  const reply = await queryUntil(callId, (r) => {
    const b = browserLeg(r);
    const s = sipLeg(r);
    return b && s && mediaPackets(b.media) > 0 && mediaPackets(s.media) > 0
      && mediaFlags(b.media).has('DTLS fingerprint verified');
  }, 'rtpengine query: browser leg UDP/TLS/RTP/SAVPF with verified DTLS fingerprint and SIP leg RTP/AVP, both receiving packets', logs);
  const b = browserLeg(reply).media;
  const s = sipLeg(reply).media;
  assert.ok(mediaFlags(b).has('DTLS-SRTP'), `rtpengine browser leg is not DTLS-SRTP: ${summarize(reply)}; ${see(...logs)}`);
  assert.match(String(s.codec), /^PCMA\//, `rtpengine SIP leg codec is ${s.codec}, expected PCMA: ${summarize(reply)}; ${see(...logs)}`);
  return reply;
}

// checked last, so that a codec problem does not hide the rest: the browser
// leg must be Opus, transcoded by rtpengine to PCMA (not PCMA pass-through)
function checkOpus(stats, reply, logs) {
  const b = browserLeg(reply).media;
  assert.match(String(stats.audioCodec), /^audio\/opus$/i,
    `browser sends ${stats.audioCodec}, expected audio/opus (Opus<->PCMA transcoding in rtpengine, not PCMA pass-through; ` +
    `see the SDP answer in the browser log and the media profiles); ${see(...logs)}`);
  assert.match(String(b.codec), /^opus\//i,
    `rtpengine browser leg codec is ${b.codec}, expected opus: ${summarize(reply)}; ${see(...logs)}`);
}

// after BYE the call must be gone from rtpengine (query answers error)
async function checkReleased(callId, logs) {
  let last = null;
  try {
    await poll(async () => {
      last = await query(callId, { addr: NG_ADDR });
      return last.code === 1;
    }, { timeoutMs: STEP_MS, what: 'rtpengine to forget the call' });
  } catch {
    throw new Error(`rtpengine still answers query for Call-ID ${callId} ${STEP_MS} ms after BYE (iwg-ng exit ${last && last.code}; ` +
      `was rtpengine_delete called on BYE? is delete-delay 0?): ${summarize(last && last.reply)}; ${see(...logs)}`);
  }
}

// ---------------------------------------------------------------- browser

async function checkBrowserMedia(client, logs) {
  let stats;
  try {
    stats = await client.waitStats((s) => s.dtlsState === 'connected' && s.outboundPackets > 0 && s.inboundPackets > 0,
      STEP_MS, 'browser getStats: dtlsState connected, outbound and inbound RTP packets > 0');
  } catch (e) {
    throw new Error(`${e.message}; ${see(...logs)}`);
  }
  return stats;
}

async function register(client, wsUrl, user, logs) {
  const uri = `sip:${user}@${DOMAIN}`;
  // digest (the gateway preset authenticates browsers; tests/lib/stack.sh
  // makes the test users with IWG_TEST_PASSWORD)
  const r = await client.register(wsUrl, uri, process.env.IWG_TEST_PASSWORD);
  assert.ok(r.ok, `REGISTER of ${uri} over ${wsUrl} failed: ${r.cause || ''} ${r.status || '(no response)'}; ${see(...logs)}`);
  assert.equal(r.status, 200, `REGISTER of ${uri} over ${wsUrl} answered ${r.status}; ${see(...logs)}`);
  assert.ok(r.contacts >= 1, `200 to REGISTER of ${uri} lists no Contact binding; ${see(...logs)}`);
  return r;
}

async function waitConfirmed(client, sipp, logs) {
  try {
    return await client.waitState((s) => s.callState === 'confirmed' || s.callState === 'failed'
      || (sipp.exitCode !== undefined && s.callState === 'idle'), STEP_MS, 'call confirmed')
      .then((s) => { if (s.callState !== 'confirmed') throw new Error('gave up'); return s; });
  } catch (e) {
    const s = await client.state().catch(() => ({}));
    const peer = sipp.exitCode === undefined ? 'running' : `exited ${sipp.exitCode}`;
    throw new Error(`call not established: browser call state ${s.callState}, end cause ${s.endCause}, SIPp ${sipp.name} ${peer} ` +
      `(${e.message}); ${see(...logs)}`);
  }
}

// browser hangs up; the SIPp peer must get the BYE and finish its scenario
async function hangupAndCheck(client, sipp, logs) {
  await client.hangup();
  const st = await client.waitState((s) => s.callState === 'ended' || s.callState === 'failed', STEP_MS, 'call ended')
    .catch((e) => { throw new Error(`browser call did not end after hangup: ${e.message}; ${see(...logs)}`); });
  assert.equal(st.callState, 'ended', `browser call ${st.callState} (${st.endCause}) instead of ended; ${see(...logs)}`);
  const code = await sipp.waitExit(STEP_MS);
  assert.equal(code, 0, `SIPp ${sipp.name} ${code === null ? 'still running' : `exited ${code}`} ${STEP_MS} ms after the browser's BYE ` +
    `(expected 0: BYE received and answered); ${see(...logs)}`);
}

// ---------------------------------------------------------------- tests

test('browser calls SIP UAS through gateway (Opus->PCMA, DTLS-SRTP)', { timeout: 120000 }, async (t) => {
  const [peerHost, peerPort] = hostPort(PEER_ADDR);
  const logs = ['browser-caller.log', 'sipp-uas.msg', 'sipp-uas.err', 'sipp-uas.out', ...GW_LOGS];
  const uas = startSipp('uas', 'uas-echo.xml',
    ['-i', peerHost, '-p', String(peerPort), '-mp', '40000', '-rtp_echo', '-cp', '8891']);
  t.after(() => uas.stop());
  const client = await launchClient({ logDir: LOGDIR, name: 'caller' });
  t.after(() => client.close());

  await poll(() => uas.exitCode !== undefined || udpBound(peerPort), { timeoutMs: STEP_MS, what: `SIPp UAS on ${PEER_ADDR}` })
    .catch((e) => { throw new Error(`${e.message}; ${see('sipp-uas.out')}`); });
  assert.equal(uas.exitCode, undefined, `SIPp UAS exited ${uas.exitCode} at start ${uas.spawnError || ''}; ${see('sipp-uas.out', 'sipp-uas.err')}`);

  await register(client, WSS_URL, 'caller', logs);
  t.diagnostic(`registered sip:caller@${DOMAIN} over ${WSS_URL}`);

  const target = `sip:echo@${DOMAIN}`;
  const callId = await client.call(target);
  assert.ok(callId, `JsSIP gave no Call-ID for the INVITE to ${target}; ${see(...logs)}`);
  t.diagnostic(`calling ${target}, Call-ID ${callId}`);
  await waitConfirmed(client, uas, logs);

  const stats = await checkBrowserMedia(client, logs);
  t.diagnostic(`browser: ${JSON.stringify(stats)}`);
  const reply = await checkRtpengine(callId, logs);
  t.diagnostic(`rtpengine: ${summarize(reply)}`);

  await hangupAndCheck(client, uas, logs);
  await checkReleased(callId, logs);
  checkOpus(stats, reply, logs);
});

test('SIP UAC calls registered browser through gateway', { timeout: 120000 }, async (t) => {
  const [sipHost, sipPort] = hostPort(SIP_ADDR);
  const logs = ['browser-callee.log', 'sipp-uac.msg', 'sipp-uac.err', 'sipp-uac.out', ...GW_LOGS];
  const client = await launchClient({ logDir: LOGDIR, name: 'callee' });
  t.after(() => client.close());

  // plain ws here (the other test uses wss), so both listeners are covered
  await register(client, WS_URL, 'alice', logs);
  t.diagnostic(`registered sip:alice@${DOMAIN} over ${WS_URL}`);
  await client.answerNext();

  const uac = startSipp('uac', 'uac-to-browser.xml',
    [`${sipHost}:${sipPort}`, '-s', 'alice', '-i', '127.0.0.1', '-p', '5091', '-mp', '40100', '-rtp_echo', '-cp', '8892']);
  t.after(() => uac.stop());

  const st = await waitConfirmed(client, uac, logs);
  assert.equal(st.direction, 'incoming', `browser call is ${st.direction}, expected the incoming call from SIPp; ${see(...logs)}`);
  const callId = st.callId;
  t.diagnostic(`browser answered, Call-ID ${callId}`);

  const stats = await checkBrowserMedia(client, logs);
  t.diagnostic(`browser: ${JSON.stringify(stats)}`);
  const reply = await checkRtpengine(callId, logs);
  t.diagnostic(`rtpengine: ${summarize(reply)}`);

  await hangupAndCheck(client, uac, logs);
  await checkReleased(callId, logs);
  checkOpus(stats, reply, logs);
});
