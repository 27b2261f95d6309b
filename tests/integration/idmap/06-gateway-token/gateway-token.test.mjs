// Token sign-on through the gateway deployment (kamcfg/gateway with -A
// WITH_IDMAP, block kamcfg/edge/idmap.cfg): a SIP-over-WebSocket client
// sends REGISTER and INVITE with "Authorization: Bearer <JWT>"; SIPp plays
// the SIP peer (127.0.0.1:5090) and checks the asserted identity. Run by
// test.sh once the stack is up and the mappings are in Redis.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WsClient } from '../../ims/lib/sip.mjs';
import { poll } from '../../ims/lib/harness.mjs';
import { startSipp, udpBound } from '../../../lib/sipp.mjs';
import { jwt } from '../jwt.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const LOGDIR = process.env.IWG_LOGDIR;
const RUN = process.env.IWG_RUN;
const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const DOMAIN = 'iwg.test';
const HS_KEY = fs.readFileSync(path.join(here, '../keys/hs256.key'), 'utf8').replace(/\n$/, '');
const ES_KEY = fs.readFileSync(path.join(RUN, 'keys/es256.key'), 'utf8');
const ROGUE_KEY = fs.readFileSync(path.join(RUN, 'keys/rogue.key'), 'utf8');
const LOGS = ['ws-clients.log', 'sipp-peer.msg', 'sipp-peer.err', 'kamailio.log']
  .map((f) => path.join(LOGDIR, f)).join(', ');

const claims = (sub, extra = {}) => ({ sub, aud: 'iwg', iss: 'paas', exp: '+300', iat: '-5', ...extra });
const hs = (sub, extra) => jwt('HS256', 'test-hs', claims(sub, extra), HS_KEY);
const es = (sub, extra) => jwt('ES256', 'test-es', claims(sub, extra), ES_KEY);

let client;
let peer;

before(async () => {
  peer = startSipp('peer', path.join(here, '../sipp/uas-invite-pai.xml'),
    ['-i', '127.0.0.1', '-p', '5090', '-cp', '8895'], { logdir: LOGDIR });
  await poll(() => udpBound(5090), 10000, 'SIPp on 127.0.0.1:5090');
  client = await new WsClient(WS_URL, { user: 'ann', domain: DOMAIN, logFile: path.join(LOGDIR, 'ws-clients.log') }).open();
});

after(async () => {
  if (client) await client.close();
  if (peer) peer.proc.kill('SIGTERM');
});

// REGISTER of user@iwg.test with the given Authorization values
function register(user, auths) {
  client.user = user;
  return client.request('REGISTER', `sip:${DOMAIN}`, {
    headers: [`Contact: <${client.contact}>;expires=600`, ...auths.map((a) => `Authorization: ${a}`)],
  });
}

// INVITE toward the SIP peer with a token and a forged P-Asserted-Identity;
// a non-2xx final answer is ACKed like a UA would
async function invite(token, user = 'ann') {
  client.user = user;
  const ruri = `sip:bob@${DOMAIN}`;
  const r = await client.request('INVITE', ruri, {
    headers: [`Contact: <${client.contact}>`, 'P-Asserted-Identity: "Mallory" <sip:forged@evil.test>',
      ...(token ? [`Authorization: Bearer ${token}`] : [])],
  });
  if (r && r.status >= 300) {
    const n = r.get('CSeq').split(' ')[0];
    client.sendRaw([`ACK ${ruri} SIP/2.0`, `Via: ${r.get('Via')}`, 'Max-Forwards: 70',
      `From: ${r.get('From')}`, `To: ${r.get('To')}`, `Call-ID: ${r.get('Call-ID')}`,
      `CSeq: ${n} ACK`, 'Content-Length: 0', '', ''].join('\r\n'));
  }
  return r;
}

function expectStatus(r, status, what) {
  assert.ok(r, `${what}: no final response within 8 s; ${LOGS}`);
  assert.equal(r.status, status, `${what}: got "${r.first}"; ${LOGS}`);
}

// a 401 carries the Bearer challenge of RFC 8898 / RFC 6750
function expectChallenge(r, invalid) {
  const www = r.get('WWW-Authenticate') || '';
  assert.match(www, /^Bearer realm="iwg\.test"/, `401 without a Bearer challenge: "${www}"`);
  if (invalid) assert.match(www, /error="invalid_token"/, `no error="invalid_token" in "${www}"`);
}

test('REGISTER without a token gets 401 with a Bearer challenge', async () => {
  const r = await register('ann', []);
  expectStatus(r, 401, 'tokenless REGISTER');
  expectChallenge(r, false);
});

test('REGISTER with a valid HS256 token for the mapped AOR gets 200', async () => {
  expectStatus(await register('ann', [`Bearer ${hs('ann-web')}`]), 200, 'REGISTER, HS256 token');
});

test('REGISTER with a valid ES256 token gets 200 (token after a Digest Authorization)', async () => {
  const digest = 'Digest username="x", realm="iwg.test", nonce="n", uri="sip:iwg.test", response="00"';
  expectStatus(await register('eve', [digest, `Bearer ${es('eve-web')}`]), 200, 'REGISTER, ES256 token');
});

test('REGISTER of another AOR than the token subject\'s mapping gets 403', async () => {
  expectStatus(await register('eve', [`Bearer ${hs('ann-web')}`]), 403, 'REGISTER eve with ann\'s token');
});

test('INVITE with an HS256 token reaches the peer with the mapped P-Asserted-Identity only', async () => {
  const r = await invite(hs('ann-web'));
  expectStatus(r, 480, 'INVITE, HS256 token (480 is the peer\'s answer)');
  assert.equal(r.get('X-Seen-PAI'), '"Ann Example" <sip:ann@iwg.test>', `peer saw another identity; ${LOGS}`);
});

test('INVITE with an ES256 token reaches the peer with the mapped P-Asserted-Identity', async () => {
  const r = await invite(es('eve-web'), 'eve');
  expectStatus(r, 480, 'INVITE, ES256 token');
  assert.equal(r.get('X-Seen-PAI'), '"Eve Example" <sip:eve@iwg.test>', `peer saw another identity; ${LOGS}`);
});

test('INVITE without a token gets 401', async () => {
  const r = await invite(null);
  expectStatus(r, 401, 'tokenless INVITE');
  expectChallenge(r, false);
});

const refused = {
  'an expired token': () => hs('ann-web', { exp: '-300' }),
  'a token with a bad signature (ES256, another key)': () => jwt('ES256', 'test-es', claims('eve-web'), ROGUE_KEY),
  'a token with a tampered payload': () => { const [h, , s] = hs('ann-web').split('.'); return `${h}.${es('eve-web').split('.')[1]}.${s}`; },
  'an alg none token': () => jwt('none', null, claims('ann-web')),
  'an alg none token naming a kid': () => jwt('none', 'test-hs', claims('ann-web')),
  'an HS256 token naming the ES256 key (algorithm confusion)': () => jwt('HS256', 'test-es', claims('ann-web'), fs.readFileSync(path.join(RUN, 'keys/es256.pub'))),
  'a token for another audience': () => hs('ann-web', { aud: 'other' }),
  'a token from another issuer': () => es('eve-web', { iss: 'elsewhere' }),
  'a token with an unknown kid': () => jwt('HS256', 'no-such-kid', claims('ann-web'), HS_KEY),
  'a token not yet valid': () => hs('ann-web', { nbf: '+600' }),
  'garbage': () => 'not-a-token',
};
for (const [what, make] of Object.entries(refused)) {
  test(`INVITE with ${what} gets 401 invalid_token`, async () => {
    const r = await invite(make());
    expectStatus(r, 401, `INVITE with ${what}`);
    expectChallenge(r, true);
  });
}

test('REGISTER with an expired ES256 token gets 401', async () => {
  expectStatus(await register('eve', [`Bearer ${es('eve-web', { exp: '-120' })}`]), 401, 'REGISTER, expired token');
});

test('a valid token for an unmapped subject gets 403', async () => {
  expectStatus(await invite(hs('nobody')), 403, 'INVITE, unknown subject');
  expectStatus(await register('ann', [`Bearer ${es('nobody')}`]), 403, 'REGISTER, unknown subject');
});

test('a valid token for a disabled mapping gets 403', async () => {
  expectStatus(await invite(hs('dan-web')), 403, 'INVITE, disabled mapping');
});

test('Redis down: a cached user still calls, an uncached one gets 503', async () => {
  const pid = Number(fs.readFileSync(path.join(RUN, 'redis.pid'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  await poll(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 10000, 'redis-server to stop');
  const r = await invite(hs('ann-web'));
  expectStatus(r, 480, 'INVITE of a cached user while Redis is down');
  assert.equal(r.get('X-Seen-PAI'), '"Ann Example" <sip:ann@iwg.test>');
  const u = await invite(hs('fay-web'), 'fay');
  expectStatus(u, 503, 'INVITE of an uncached user while Redis is down');
  assert.ok(u.get('Retry-After'), '503 without Retry-After');
  expectStatus(await register('fay', [`Bearer ${hs('fay-web')}`]), 503, 'REGISTER of an uncached user while Redis is down');
});
