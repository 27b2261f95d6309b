// Token sign-on through the IMS gateway (kamcfg/ims, -A WITH_IDMAP): the
// browser's REGISTER carries "Authorization: Bearer <JWT>" (HS256, key of
// tests/integration/idmap/keys) next to the IMS's Digest; iwg checks it
// against the identity store (mappings ann-web, eve-web added by test.sh),
// strips it and relays the REGISTER with the Digest to the S-CSCF (SIPp).
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WsUa } from '../lib/ua.mjs';
import { LOGDIR, see, startScscf, sippReceived } from '../lib/harness.mjs';
import { jwt } from '../../idmap/jwt.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const HS_KEY = fs.readFileSync(path.join(here, '../../idmap/keys/hs256.key'), 'utf8').replace(/\n$/, '');
// kamailio-token.log: test.sh moves this part's Kamailio log there
const LOGS = ['ws-ua.log', 'sipp-scscf.msg', 'kamailio-token.log', 'idctl.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;
const token = (sub) => jwt('HS256', 'test-hs', { sub, aud: 'iwg', iss: 'paas', exp: '+300', iat: '-5' }, HS_KEY);

let registrar;
const uas = [];

const ua = async (user) => {
  const u = await new WsUa(WS_URL, { user, domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-ua.log') }).open();
  uas.push(u);
  return u;
};

before(async () => {
  registrar = await startScscf(8897, 5078);
});

after(async () => {
  for (const u of uas) await u.close();
  if (registrar) registrar.proc.kill('SIGTERM');
});

test('REGISTER with a valid token: relayed with the Digest, the token stays in iwg, 200 back', async () => {
  const ann = await ua('ann');
  const r = await ann.register(600, [`Authorization: Bearer ${token('ann-web')}`]);
  assert.equal(r && r.status, 200, why(`REGISTER with a token answered ${r && r.status}`));
  const regs = sippReceived(registrar.msg).filter((m) => m.method === 'REGISTER' && m.get('Call-ID') === ann.regCallId);
  assert.equal(regs.length, 2, why(`S-CSCF saw ${regs.length} REGISTERs of ann, expected 2 (401 round)`));
  for (const m of regs) {
    assert.ok(!m.all('Authorization').some((a) => /^bearer /i.test(a)), `a Bearer token reached the IMS: ${m.all('Authorization')}`);
  }
  assert.ok(regs[1].all('Authorization').some((a) => /^Digest /.test(a)), 'the Digest answer did not reach the IMS');
});

test('REGISTER without a token: 401 with a Bearer challenge, nothing relayed', async () => {
  const bob = await ua('eve');
  const before1 = sippReceived(registrar.msg).length;
  const r = await bob.register();
  assert.equal(r && r.status, 401, why(`REGISTER without a token answered ${r && r.status}`));
  assert.match(r.get('WWW-Authenticate') || '', /^Bearer /, `challenge: ${r.get('WWW-Authenticate')}`);
  assert.equal(sippReceived(registrar.msg).length, before1, 'a REGISTER without a token reached the IMS');
});

test('REGISTER for another AOR than the token\'s: 403; a bad token: 401', async () => {
  const eve = await ua('eve');
  let r = await eve.register(600, [`Authorization: Bearer ${token('ann-web')}`]);
  assert.equal(r && r.status, 403, why(`REGISTER of eve with ann's token answered ${r && r.status}`));
  r = await eve.register(600, [`Authorization: Bearer ${token('eve-web').slice(0, -4)}AAAA`]);
  assert.equal(r && r.status, 401, why(`REGISTER with a bad signature answered ${r && r.status}`));
  r = await eve.register(600, [`Authorization: Bearer ${token('eve-web')}`]);
  assert.equal(r && r.status, 200, why(`REGISTER of eve with her token after that answered ${r && r.status}`));
});

test('a browser\'s own integrity-protected (e.g. "auth-done") in its Digest: 403, nothing relayed', async () => {
  const ann = await ua('ann');
  const n = sippReceived(registrar.msg).length;
  const r = await ann.register(600, [`Authorization: Bearer ${token('ann-web')}`,
    'Authorization: Digest username="ann.priv@ims.test", realm="ims.test", uri="sip:ims.test", nonce="", response="", integrity-protected="auth-done"']);
  assert.equal(r && r.first, 'SIP/2.0 403 Integrity-Protected Not Allowed', why(`REGISTER claiming auth-done answered ${r && r.first}`));
  assert.equal(sippReceived(registrar.msg).length, n, why('a REGISTER claiming auth-done reached the IMS'));
});
