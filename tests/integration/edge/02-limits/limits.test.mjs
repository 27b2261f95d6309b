// Abuse limits of the access edge (kamcfg/edge/limits.cfg), gateway preset
// with its defaults: one source over the request rate is blocked while
// another is served, WebSocket connections per address, message size,
// contacts per address-of-record. 127.0.0.1 is a trusted peer
// (IWG_TRUSTED_NETS): the attackers here are 127.0.0.2 and 127.0.0.3.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WsUa, UdpUa, rnd } from '../../ims/lib/ua.mjs';
import { sendAuth, wsHandshake, kamcmd } from '../lib.mjs';

const env = process.env;
const DOMAIN = env.IWG_DOMAIN;
const see = `see ${env.IWG_LOGDIR} (kamailio.log, limits-ua.log)`;
const uaLog = `${env.IWG_LOGDIR}/limits-ua.log`;
const WS_PORT = Number(new URL(env.IWG_WS_URL).port);
const stat = (name) => Number((new RegExp(`${name} = (\\d+)`).exec(kamcmd('stats.get_statistics', name)) || [])[1] || 0);

const flooder = await new UdpUa(5098, { name: 'flooder', addr: '127.0.0.2', logFile: uaLog }).open();
const bystander = await new UdpUa(5098, { name: 'bystander', addr: '127.0.0.3', logFile: uaLog }).open();
const sockets = [];
const browsers = [];
after(async () => {
  for (const s of sockets) s.destroy();
  for (const b of browsers) await b.close();
  flooder.close(); bystander.close();
});

const keepalive = (ua, o = {}) => ua.send({
  method: 'OPTIONS', ruri: 'sip:127.0.0.1:5060', callId: `${rnd()}@ka`, from: `<sip:x@${ua.addr}>;tag=${rnd(4)}`,
  to: '<sip:127.0.0.1:5060>', cseq: 1, timeoutMs: 2000, ...o,
});

test('a source over the request rate is blocked, another source is still served', async () => {
  const first = await keepalive(flooder);
  assert.equal(first && first.status, 200, `keepalive OPTIONS before the flood: ${first && first.status}; ${see}`);
  const before = stat('iwg_refused_rate');
  // the default IWG_PIKE_DENSITY is 100 requests per 2 s
  for (let i = 0; i < 400; i++) keepalive(flooder, { noWait: true });
  const blocked = await keepalive(flooder);
  assert.equal(blocked, null, `the flooding source still got an answer (${blocked && blocked.status}); ${see}`);
  const served = await keepalive(bystander);
  assert.equal(served && served.status, 200, `another source was not served during the flood: ${served && served.status}; ${see}`);
  assert.ok(stat('iwg_refused_rate') > before, `iwg_refused_rate did not grow; ${see}`);
});

test('more WebSocket connections than IWG_WS_PER_SOURCE from one address get 429', async () => {
  for (let i = 0; i < 20; i++) {
    const r = await wsHandshake({ port: WS_PORT, localAddress: '127.0.0.3' });
    sockets.push(r.socket);
    assert.equal(r.status, 101, `WebSocket ${i + 1} of 20 from 127.0.0.3: HTTP ${r.status}; ${see}`);
  }
  const over = await wsHandshake({ port: WS_PORT, localAddress: '127.0.0.3' });
  sockets.push(over.socket);
  assert.equal(over.status, 429, `WebSocket 21 from 127.0.0.3: want 429, got ${over.status}; ${see}`);
  const other = await wsHandshake({ port: WS_PORT, localAddress: '127.0.0.4' });
  sockets.push(other.socket);
  assert.equal(other.status, 101, `a WebSocket from another address: ${other.status}; ${see}`);
  // closed connections no longer count
  for (const s of sockets.splice(0)) s.destroy();
  let again;
  const deadline = Date.now() + 10000;
  do {
    if (again) again.socket.destroy();
    again = await wsHandshake({ port: WS_PORT, localAddress: '127.0.0.3' });
  } while (again.status !== 101 && Date.now() < deadline);
  sockets.push(again.socket);
  assert.equal(again.status, 101, `127.0.0.3 is still refused after closing its connections: ${again.status}; ${see}`);
});

test('a request over IWG_MAX_MSG_SIZE gets 513', async () => {
  const big = 'x'.repeat(20000);
  const r = await bystander.send({
    method: 'MESSAGE', ruri: `sip:alice@${DOMAIN}`, callId: `${rnd()}@big`, from: `<sip:x@127.0.0.3>;tag=${rnd(4)}`,
    to: `<sip:alice@${DOMAIN}>`, cseq: 1, body: big, contentType: 'text/plain',
  });
  assert.equal(r && r.status, 513, `a 20 kB MESSAGE: want 513, got ${r && r.status}; ${see}`);
});

test('more contacts than IWG_MAX_CONTACTS for one address-of-record get 403', async () => {
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    const b = await new WsUa(env.IWG_WS_URL, { user: 'bob', domain: DOMAIN, logFile: uaLog }).open();
    browsers.push(b);
    const r = await sendAuth(b, {
      method: 'REGISTER', ruri: `sip:${DOMAIN}`, callId: `${rnd()}@reg`, from: `<sip:bob@${DOMAIN}>;tag=${rnd(4)}`,
      to: `<sip:bob@${DOMAIN}>`, headers: [`Contact: <${b.contact}>;expires=600`],
    }, { user: 'bob', password: env.IWG_TEST_PASSWORD });
    statuses.push(r && r.status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 403], `REGISTERs of 6 contacts for bob (IWG_MAX_CONTACTS 5); ${see}`);
});
