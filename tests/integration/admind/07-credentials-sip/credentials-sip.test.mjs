// What POST /api/v1/credentials issues, used by a SIP-over-WebSocket
// client against the real gateway: REGISTER with it succeeds, with a
// tampered one or for another user it does not. IWG_ADMIND_CREDENTIAL says
// which kind iwg-admind issues (ephemeral or token); the API keys are in
// IWG_ADMIND_KEYS ("role key" lines). Run by test.sh once the stack is up.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WsUa, rnd } from '../../ims/lib/ua.mjs';
import { sendAuth } from '../../edge/lib.mjs';

const env = process.env;
const MODE = env.IWG_ADMIND_CREDENTIAL;
const DOMAIN = env.IWG_DOMAIN;
const API = 'http://127.0.0.1:8088/api/v1';
const keys = Object.fromEntries(fs.readFileSync(env.IWG_ADMIND_KEYS, 'utf8').trim().split('\n')
  .map((l) => l.split(' ')));
const LOG = path.join(env.IWG_LOGDIR, 'ws-ua.log');
const see = `see ${env.IWG_LOGDIR} (kamailio.log, admind.log, ws-ua.log)`;

async function api(method, route, key, body) {
  const r = await fetch(`${API}${route}`, {
    method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

async function issue(user) {
  const r = await api('POST', '/credentials', keys.app, { user, ttl: 120 });
  assert.equal(r.status, 201, `credential for ${user}: ${JSON.stringify(r.body)}; ${see}`);
  assert.equal(r.body.kind, MODE);
  return r.body;
}

const uas = [];
async function browser(user) {
  const b = await new WsUa(env.IWG_WS_URL, { user, domain: DOMAIN, logFile: LOG }).open();
  uas.push(b);
  return b;
}
after(async () => { for (const b of uas) await b.close(); });

const aor = (u) => `sip:${u}@${DOMAIN}`;
const registerOpts = (b, user, headers = []) => ({
  method: 'REGISTER', ruri: `sip:${DOMAIN}`, callId: `${rnd()}@reg`, from: `<${aor(user)}>;tag=${rnd(4)}`,
  to: `<${aor(user)}>`, headers: [`Contact: <${b.contact}>;expires=600`, ...headers],
});

function expectStatus(r, status, what) {
  assert.ok(r, `${what}: no final response; ${see}`);
  assert.equal(r.status, status, `${what}: got "${r.first}"; ${see}`);
}

if (MODE === 'ephemeral') {
  test('an ephemeral credential from iwg-admind registers its user at the gateway', async () => {
    const c = await issue('alice');
    assert.equal(c.uri, aor('alice'));
    const b = await browser('alice');
    const r = await sendAuth(b, registerOpts(b, 'alice'), { user: c.username, password: c.password });
    expectStatus(r, 200, 'REGISTER alice with the issued credential');
  });

  test('the same credential with its expiry moved is refused', async () => {
    const c = await issue('alice');
    const [exp, user] = c.username.split(':');
    const b = await browser('alice');
    const r = await sendAuth(b, registerOpts(b, 'alice'),
      { user: `${Number(exp) + 3600}:${user}`, password: c.password });
    assert.ok(r && r.status >= 400, `a tampered credential got "${r && r.first}"; ${see}`);
  });

  test("alice's credential does not register bob", async () => {
    const c = await issue('alice');
    const b = await browser('bob');
    const r = await sendAuth(b, registerOpts(b, 'bob'), { user: c.username, password: c.password });
    assert.ok(r && r.status >= 400, `bob registered with alice's credential: "${r && r.first}"; ${see}`);
  });
}

if (MODE === 'token') {
  test('the web mappings are made through iwg-admind', async () => {
    for (const [key, uri] of [['ann-web', aor('ann')], ['eve-web', aor('eve')]]) {
      const r = await api('POST', '/identities', keys.admin, { ns: 'web', key, sip_uri: uri });
      assert.equal(r.status, 201, `mapping web/${key}: ${JSON.stringify(r.body)}`);
    }
  });

  test('a web token from iwg-admind registers the mapped user at the gateway', async () => {
    const c = await issue('ann-web');
    const b = await browser('ann');
    const r = await b.send({ ...registerOpts(b, 'ann', [`Authorization: Bearer ${c.token}`]), cseq: 1 });
    expectStatus(r, 200, 'REGISTER ann with the issued token');
  });

  test('the token with a flipped signature byte is refused', async () => {
    const c = await issue('ann-web');
    const t = c.token.slice(0, -2) + (c.token.at(-2) === 'A' ? 'B' : 'A') + c.token.at(-1);
    const b = await browser('ann');
    const r = await b.send({ ...registerOpts(b, 'ann', [`Authorization: Bearer ${t}`]), cseq: 1 });
    expectStatus(r, 401, 'REGISTER ann with a tampered token');
  });

  test("ann's token does not register eve", async () => {
    const c = await issue('ann-web');
    const b = await browser('eve');
    const r = await b.send({ ...registerOpts(b, 'eve', [`Authorization: Bearer ${c.token}`]), cseq: 1 });
    expectStatus(r, 403, "REGISTER eve with ann's token");
  });

  test('a user without a web mapping gets no token', async () => {
    const r = await api('POST', '/credentials', keys.app, { user: 'nobody-web' });
    assert.equal(r.status, 404);
    assert.equal(r.body.field, 'user');
  });
}
