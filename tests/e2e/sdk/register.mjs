// connect() with each credential kind the gateway accepts (Kamailio
// restarted per kind), and refused ones: web token (Bearer on REGISTER and
// INVITE, never past the gateway), time-limited (ephemeral) credentials,
// digest.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jwt } from '../../integration/idmap/jwt.mjs';
import { page, useKamailio, startPeer, waitEvent, poll, see, digest, RUN, WSS_URL, WS_URL, DOMAIN, STEP } from './lib.mjs';
import { RtpSink } from '../ims/lib-rtp.mjs';

const ES_KEY = () => fs.readFileSync(path.join(RUN, 'keys/es256.key'), 'utf8');
const token = (sub, extra = {}) => jwt('ES256', 'sdk-test', { sub, aud: 'iwg', iat: '-5', nbf: '-5', exp: '+300', ...extra }, ES_KEY());

// what POST /api/v1/credentials answers (api.md), made here as the back-end would
const tokenCredential = (user, extra) => ({ kind: 'token', user, token: token(user, extra), uri: `sip:${user}@${DOMAIN}` });
function ephemeralCredential(user, ttl = 300, secret = process.env.IWG_AUTH_SECRET) {
  const expires = Math.floor(Date.now() / 1000) + ttl;
  const username = `${expires}:${user}`;
  const password = crypto.createHmac('sha1', secret).update(username).digest('base64');
  return { kind: 'ephemeral', user, username, password, expires, uri: `sip:${user}@${DOMAIN}` };
}

let n = 0;

// connects a fresh gateway named name with cred; returns connect()'s result
async function connect(pg, name, cred, url = WSS_URL) {
  await pg.t('gateway', name, { url, domain: DOMAIN });
  return pg.t('connect', name, cred);
}

async function registers(t, kind, cred) {
  await useKamailio(kind);
  const pg = await page();
  const name = `reg-${kind}-${n++}`;
  const r = await connect(pg, name, cred);
  t.after(() => pg.t('disconnect', name));
  assert.ok(r.ok, `connect() with a ${kind} credential failed: ${r.code} ${r.status} ${r.message}; ${see('browser.log', 'kamailio.log')}`);
  assert.equal(r.state, 'registered');
  assert.equal(r.uri, cred.uri || `sip:${cred.user}@${DOMAIN}`);
  await waitEvent(pg, name, 'registered');
  return { pg, name };
}

async function refused(kind, cred, why, status) {
  await useKamailio(kind);
  const pg = await page();
  const name = `refused-${kind}-${n++}`;
  const r = await connect(pg, name, cred);
  if (r.ok) await pg.t('disconnect', name);
  assert.equal(r.ok, false, `connect() with ${why} succeeded; the gateway should refuse it; ${see('kamailio.log')}`);
  assert.equal(r.code, 'auth_failed', `connect() with ${why}: ${r.code} (${r.message}), expected auth_failed`);
  if (status) assert.equal(r.status, status, `connect() with ${why}: SIP status`);
  assert.equal(await pg.t('state', name), 'disconnected', `gateway state after a refused connect() (${why})`);
}

// a call out from gateway name to the SIPp peer is answered; returns the
// INVITE the peer received
async function callsOut(t, pg, name) {
  const sink = await new RtpSink(41000 + (n % 50) * 2).open();
  t.after(() => sink.close());
  const peer = await startPeer(`peer-${name}`, 'uas-peer.xml', ['-key', 'media_sink', String(sink.port), '-key', 'refer_notify', '0', '-m', '1']);
  t.after(() => peer.stop());
  const call = `${name}-call`;
  assert.deepEqual(await pg.t('call', name, call, 'echo'), { ok: true });
  await waitEvent(pg, call, 'answered');
  const [inv] = peer.received('INVITE');
  assert.ok(inv, `the peer got no INVITE; ${see(...peer.logs)}`);
  await pg.t('invoke', call, 'hangup', []);
  await waitEvent(pg, call, 'ended');
  assert.equal(await peer.waitExit(STEP), 0, `SIPp peer did not finish its scenario after the BYE; ${see(...peer.logs)}`);
  return inv;
}

test('connect() with a web token registers (Bearer on REGISTER), and a call carries it to the gateway but not to the peer', { timeout: 60000 }, async (t) => {
  const { pg, name } = await registers(t, 'token', tokenCredential('ann'));
  const inv = await callsOut(t, pg, name);
  assert.deepEqual(inv.all('Authorization'), [], `the INVITE at the SIP peer carries Authorization (the token went past the gateway): ${inv.text}`);
});

test('connect() with a web token of a disabled user or expired is refused: auth_failed', { timeout: 30000 }, async () => {
  await refused('token', tokenCredential('dan'), 'a token whose mapping is disabled', 403);
  await refused('token', tokenCredential('ann', { exp: '-60', iat: '-400', nbf: '-400' }), 'an expired token', 401);
});

test('connect() with time-limited (ephemeral) credentials registers, and a call is authenticated', { timeout: 60000 }, async (t) => {
  const { pg, name } = await registers(t, 'ephemeral', ephemeralCredential('bob'));
  await callsOut(t, pg, name);
});

test('a credential provider is asked again before each credential expires; calls work after the first two expired', { timeout: 60000 }, async (t) => {
  await useKamailio('ephemeral');
  const pg = await page();
  const name = 'provider';
  const first = ephemeralCredential('bob', 8); // refreshed at 80 % of its life
  const second = ephemeralCredential('bob', 15);
  const third = ephemeralCredential('bob', 600);
  await pg.t('gateway', name, { url: WSS_URL, domain: DOMAIN });
  const r = await pg.t('connectProvider', name, [first, second, third]);
  t.after(() => pg.t('disconnect', name));
  assert.ok(r.ok, `connect(provider): ${r.code} ${r.message}`);
  const cred = await waitEvent(pg, name, 'credential', () => true, 'the fresh credential in use');
  assert.equal(cred.detail.expires, second.expires, 'the credential event names the second credential');
  await waitEvent(pg, name, 'credential', (d) => d.expires === third.expires, 'the third credential, before the second expires');
  await poll(() => Date.now() > second.expires * 1000 + 1000, { timeoutMs: STEP, what: 'the second credential to expire' });
  assert.equal(await pg.t('state', name), 'registered');
  await callsOut(t, pg, name);
  const provided = (await pg.t('events', name)).filter((e) => e.type === 'provider').length;
  assert.equal(provided, 3, 'provider calls: at connect() and before each expiry');
});

test('connect() with expired or forged ephemeral credentials is refused: auth_failed', { timeout: 30000 }, async () => {
  await refused('ephemeral', ephemeralCredential('bob', -60), 'expired ephemeral credentials');
  await refused('ephemeral', ephemeralCredential('bob', 300, 'not-the-gateway-secret-0123456789abcdef'), 'ephemeral credentials signed with another secret');
});

test('connect() with a digest password registers over ws and wss; a wrong password is refused', { timeout: 30000 }, async (t) => {
  await registers(t, 'digest', digest('caller'));
  await useKamailio('digest');
  const pg = await page();
  const name = `reg-ws-${n++}`;
  const r = await connect(pg, name, { user: 'probe', password: process.env.IWG_TEST_PASSWORD }, WS_URL);
  t.after(() => pg.t('disconnect', name));
  assert.ok(r.ok, `connect() over ${WS_URL} with {user, password} and the gateway's domain: ${r.code} ${r.message}`);
  assert.equal(r.uri, `sip:probe@${DOMAIN}`);
  await refused('digest', { ...digest('caller'), password: 'wrong-password' }, 'a wrong digest password');
});
