// The SIP peer over TLS (WITH_NET_TLS, IWG_PEER_URI ;transport=tls): a
// browser's call reaches it over TLS with a Record-Route naming TLS, and
// its call to a registered browser comes in on the gateway's TLS listener
// (127.0.0.1:5061). The peer is a Node TLS user agent with the run's
// self-signed certificate.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WsUa, StreamUa, rnd, webrtcSdp } from '../../ims/lib/ua.mjs';
import { sendAuth } from '../lib.mjs';

const env = process.env;
const DOMAIN = env.IWG_DOMAIN;
const see = `see ${env.IWG_LOGDIR} (kamailio.log, tls-ua.log)`;
const uaLog = path.join(env.IWG_LOGDIR, 'tls-ua.log');
const pcmaSdp = ['v=0', 'o=peer 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000', 'a=sendrecv', ''].join('\r\n');

const tlsCreds = {
  key: fs.readFileSync(path.join(env.IWG_RUN, 'tls/key.pem')),
  cert: fs.readFileSync(path.join(env.IWG_RUN, 'tls/cert.pem')),
};
const peer = await new StreamUa(5091, { name: 'peer', logFile: uaLog, tls: tlsCreds, target: '127.0.0.1:5061' }).open();
peer.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: pcmaSdp } : { status: 200 });
const alice = await new WsUa(env.IWG_WS_URL, { user: 'alice', domain: DOMAIN, logFile: uaLog }).open();
alice.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: webrtcSdp({ setup: 'active' }) } : { status: 200 });
after(async () => { await alice.close(); peer.close(); });
const login = { user: 'alice', password: env.IWG_TEST_PASSWORD };

test('a browser call reaches the peer over TLS, Record-Route names TLS', async () => {
  const callId = `${rnd()}@tls`;
  const r = await sendAuth(alice, {
    method: 'INVITE', ruri: 'sip:helpdesk@remote.test', callId, from: `<sip:alice@${DOMAIN}>;tag=${rnd(4)}`,
    to: '<sip:helpdesk@remote.test>', body: webrtcSdp(),
  }, login);
  assert.equal(r && r.status, 200, `INVITE toward the TLS peer: ${r && r.status}; ${see}`);
  const inv = peer.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(inv, `the INVITE did not reach the peer over TLS; ${see}`);
  assert.match(inv.get('Via') || '', /^SIP\/2\.0\/TLS /, `top Via at the peer: ${inv.get('Via')}`);
  // from the network side's TLS listener, not the wss one (8443)
  assert.match(inv.get('Via') || '', /^SIP\/2\.0\/TLS 127\.0\.0\.1:5061[;\s]/, `top Via port at the peer: ${inv.get('Via')}`);
  assert.match(inv.all('Record-Route').join(','), /<sip:127\.0\.0\.1:5061;transport=tls;/, `Record-Route at the peer: ${inv.all('Record-Route')}`);
});

test('the peer calls a registered browser through the TLS listener', async () => {
  const reg = await sendAuth(alice, {
    method: 'REGISTER', ruri: `sip:${DOMAIN}`, callId: `${rnd()}@reg`, from: `<sip:alice@${DOMAIN}>;tag=${rnd(4)}`,
    to: `<sip:alice@${DOMAIN}>`, headers: [`Contact: <${alice.contact}>;expires=600`],
  }, login);
  assert.equal(reg && reg.status, 200, `REGISTER of alice: ${reg && reg.status}; ${see}`);
  peer.sock = null; // a connection of its own to 127.0.0.1:5061
  const callId = `${rnd()}@mt-tls`;
  const r = await peer.send({
    method: 'INVITE', ruri: `sip:alice@${DOMAIN}`, callId, from: `<sip:helpdesk@remote.test>;tag=${rnd(4)}`,
    to: `<sip:alice@${DOMAIN}>`, cseq: 1, body: pcmaSdp,
  });
  assert.equal(r && r.status, 200, `INVITE from the TLS peer to alice: ${r && r.status}; ${see}`);
  assert.ok(alice.received.some((m) => m.method === 'INVITE' && m.get('Call-ID') === callId), `alice got no INVITE; ${see}`);
});
