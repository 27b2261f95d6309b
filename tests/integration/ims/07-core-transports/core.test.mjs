// The IMS core over TCP or TLS (IWG_CORE_TRANSPORT=tcp|tls, test.sh runs
// this file once for each): a Node S-CSCF on 127.0.0.1:6060 over that
// transport (StreamUa; TLS with the run's self-signed certificate) is
// IWG_IMS_CORE, a Node SIP-over-WebSocket client is the browser. The
// core challenges the first REGISTER (401) and accepts the second (200,
// Path echoed, Service-Route on its own stream address); it answers INVITEs
// itself (the far end) and reaches iwg at the address and transport the
// Path and Record-Route name, on connections of its own.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WsUa, StreamUa, webrtcSdp, imsSdp, uriOf } from '../lib/ua.mjs';
import { LOGDIR, see, poll } from '../lib/harness.mjs';

const PROTO = process.env.IWG_CORE_TRANSPORT === 'tls' ? 'tls' : 'tcp';
const UP = PROTO.toUpperCase();
const IWG_PORT = PROTO === 'tls' ? 5061 : 5060; // iwg's listener of that transport
const CORE = `127.0.0.1:6060;transport=${PROTO}`;
const SERVICE_ROUTE = `<sip:orig@${CORE};lr>`;
const LOGS = [`core-${PROTO}.log`, `ws-ua-${PROTO}.log`, 'kamailio.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;

let core;
let alice;

// host, port and transport of a SIP URI (RFC 3263 for a numeric host: the
// transport parameter, else UDP; the transport's default port)
function hop(uri) {
  const u = (/<([^>]*)>/.exec(uri) || [])[1] || uri;
  const m = /^sips?:(?:[^@;>]*@)?([^:;>]+)(?::(\d+))?(.*)/.exec(u) || [];
  const t = ((/;transport=([a-z]+)/i.exec(m[3] || '') || [])[1] || 'udp').toLowerCase();
  return { host: m[1], port: Number(m[2] || (t === 'tls' ? 5061 : 5060)), transport: t };
}

// iwg's address on that listener, as Via and Record-Route write it (5060,
// the default port, may be left out)
const IWG_ADDR = `127\\.0\\.0\\.1${IWG_PORT === 5060 ? '(?::5060)?' : `:${IWG_PORT}`}`;
const viaRe = new RegExp(`^SIP/2\\.0/${UP} ${IWG_ADDR};`);

// the core sends its next request on a connection of its own to the URI's
// address, after checking that the URI names this transport and iwg's port
function coreConnectsTo(uri, what) {
  const h = hop(uri);
  assert.equal(h.transport, PROTO, why(`${what} ${uri} does not name ;transport=${PROTO}: the core would reach iwg over ${h.transport}`));
  assert.equal(`${h.host}:${h.port}`, `127.0.0.1:${IWG_PORT}`, why(`${what} ${uri}: not iwg's ${UP} listener`));
  core.sock = null;
  core.target = `${h.host}:${h.port}`;
}

// iwg's Record-Route entry toward the core: its listener of this transport
const rrTowardCore = (m) => m.all('Record-Route').join(',').split(',').map((x) => x.trim())
  .find((x) => new RegExp(`^<sip:${IWG_ADDR};transport=${PROTO};`).test(x));

before(async () => {
  const tls = PROTO === 'tls' ? {
    key: fs.readFileSync(path.join(process.env.IWG_RUN, 'tls/key.pem')),
    cert: fs.readFileSync(path.join(process.env.IWG_RUN, 'tls/cert.pem')),
  } : null;
  core = await new StreamUa(6060, { name: 'scscf', tls, logFile: path.join(LOGDIR, LOGS[0]) }).open();
  core.onRequest = (m) => {
    if (m.method === 'REGISTER') {
      if (!m.get('Authorization') && !/expires=0/.test(m.all('Contact').join(','))) {
        return { status: 401, reason: 'Unauthorized', headers: ['WWW-Authenticate: Digest realm="ims.test", nonce="n1", algorithm=MD5, qop="auth"'] };
      }
      return { status: 200, headers: [...m.all('Path').map((p) => `Path: ${p}`), `Contact: ${m.get('Contact')}`,
        `Service-Route: ${SERVICE_ROUTE}`, 'P-Associated-URI: <sip:alice@ims.test>, <tel:+12125550100>'] };
    }
    if (m.method === 'INVITE' && !core.dialogs.has(m.get('Call-ID'))) return { status: 200, body: imsSdp() };
    return { status: 200 };
  };
  alice = await new WsUa(process.env.IWG_WS_URL || 'ws://127.0.0.1:8080',
    { user: 'alice', domain: 'ims.test', logFile: path.join(LOGDIR, LOGS[1]) }).open();
  alice.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: webrtcSdp({ setup: 'active' }) } : { status: 200 });
});

after(async () => {
  if (alice && !alice.closed) await alice.close();
  if (core) core.close();
});

let pathUri; // the Path iwg gave the core in alice's REGISTER

test(`REGISTER reaches the core over ${UP} with a Path back to iwg's ${UP} listener; the 401 and the 200 reach the browser`, async () => {
  const r = await alice.register();
  assert.equal(r && r.status, 200, why(`REGISTER of alice answered ${r && r.status}`));
  const regs = core.received.filter((m) => m.method === 'REGISTER' && m.get('Call-ID') === alice.regCallId);
  assert.equal(regs.length, 2, why(`REGISTERs of alice at the core: ${regs.length} (401 round, then 200)`));
  for (const reg of regs) {
    assert.match(reg.get('Via') || '', viaRe, why(`top Via of the REGISTER at the core: ${reg.get('Via')}`));
  }
  const paths = regs[1].all('Path');
  assert.equal(paths.length, 1, why(`Path at the core: ${paths}`));
  pathUri = (/<([^>]*)>/.exec(paths[0]) || [])[1];
  const h = hop(pathUri);
  assert.equal(h.transport, PROTO, why(`Path ${paths[0]} names no ;transport=${PROTO}: the core would reach iwg back over ${h.transport}`));
  assert.equal(`${h.host}:${h.port}`, `127.0.0.1:${IWG_PORT}`, why(`Path ${paths[0]}: not iwg's ${UP} listener`));
  assert.match(pathUri, /;lr(;|$)/, `Path ${paths[0]} is not a loose route`);
  assert.match(r.get('Service-Route') || '', new RegExp(`transport=${PROTO}`), why(`Service-Route at the browser: ${r.get('Service-Route')}`));
  assert.match(r.get('P-Associated-URI') || '', /sip:alice@ims\.test/, why(`P-Associated-URI at the browser: ${r.get('P-Associated-URI')}`));
});

async function moCall() {
  const n = core.received.length;
  const { resp, dialog, callId } = await alice.invite('sip:bob@ims.test', { body: webrtcSdp() });
  assert.equal(resp && resp.status, 200, why(`MO INVITE answered ${resp && resp.status}`));
  const inv = core.received.slice(n).find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(inv, why(`the MO INVITE did not reach the core over ${UP}`));
  await poll(() => core.received.some((m) => m.method === 'ACK' && m.get('Call-ID') === callId), 5000, `ACK at the core over ${UP}`)
    .catch((e) => { throw new Error(why(e.message)); });
  return { inv, resp, dialog, callId };
}

test(`MO INVITE: to the core over ${UP} along the Service-Route, Record-Route naming ${UP}, 200 and ACK; BYE from the browser`, async () => {
  const { inv, dialog, callId } = await moCall();
  assert.match(inv.get('Via') || '', viaRe, why(`top Via of the INVITE at the core: ${inv.get('Via')}`));
  assert.deepEqual(inv.all('Route'), [SERVICE_ROUTE], why(`Route at the core: ${inv.all('Route')}`));
  assert.ok(rrTowardCore(inv), why(`no Record-Route of iwg's ${UP} listener at the core: ${inv.all('Record-Route')}`));
  assert.match(inv.body, /^m=audio \d+ RTP\/AVP /m, `offer at the core: ${inv.body}`);
  const r = await dialog.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the browser answered ${r && r.status}`));
  assert.ok(core.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === callId), why(`the BYE did not reach the core over ${UP}`));
});

test(`MO INVITE: BYE from the core on a connection of its own to the Record-Route reaches the browser`, async () => {
  const { inv, callId } = await moCall();
  coreConnectsTo(rrTowardCore(inv) || inv.all('Record-Route')[0], 'Record-Route');
  const r = await core.dialogs.get(callId).request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the core answered ${r && r.status}`));
  assert.ok(alice.received.some((m) => m.method === 'BYE' && m.get('Call-ID') === callId), why('the BYE did not reach the browser'));
});

test(`MT INVITE: the core reaches iwg over ${UP} at the Path; it reaches the browser, 200 and ACK; BYE from the browser`, async () => {
  assert.ok(pathUri, 'no Path from the REGISTER test');
  coreConnectsTo(pathUri, 'Path');
  const n = alice.received.length;
  const { resp, dialog, callId } = await core.invite(alice.contact, { body: imsSdp(), routes: [`<${pathUri}>`],
    from: 'sip:bob@ims.test', headers: ['P-Asserted-Identity: <sip:bob@ims.test>'] });
  assert.equal(resp && resp.status, 200, why(`MT INVITE over ${UP} answered ${resp && resp.status}`));
  const got = alice.received.slice(n).find((m) => m.method === 'INVITE' && m.get('Call-ID') === callId);
  assert.ok(got, why('the MT INVITE did not reach the browser'));
  assert.match(got.body, /UDP\/TLS\/RTP\/SAVPF/, `offer at the browser: ${got.body}`);
  assert.ok(rrTowardCore(got), why(`no Record-Route of iwg's ${UP} listener in the MT INVITE: ${got.all('Record-Route')}`));
  assert.ok(rrTowardCore(resp), why(`no Record-Route of iwg's ${UP} listener in the 200 at the core: ${resp.all('Record-Route')}`));
  await poll(() => alice.received.some((m) => m.method === 'ACK' && m.get('Call-ID') === callId), 5000, 'ACK at the browser')
    .catch((e) => { throw new Error(why(e.message)); });
  const nb = core.received.length;
  const r = await alice.dialogs.get(callId).request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the browser answered ${r && r.status}`));
  assert.ok(core.received.slice(nb).some((m) => m.method === 'BYE' && m.get('Call-ID') === callId), why(`the BYE did not reach the core over ${UP}`));
  assert.ok(dialog, 'no dialog at the core');
});

// iwg_webrtc sends it from Kamailio's default TCP/TLS socket (no send socket
// of its own): its Via names 127.0.0.1:5065 (TCP) or :8443 (TLS), not the
// network listener (docs/ims-gateway.md, known limits); the transport is right
test(`the browser's WebSocket closes: the de-REGISTER reaches the core over ${UP}`, async () => {
  await alice.close();
  const dereg = await poll(() => core.received.find((m) => m.method === 'REGISTER' && m.get('Call-ID') === alice.regCallId
    && /expires=0/.test(m.all('Contact').join(','))), 10000, `de-REGISTER of alice at the core over ${UP}`)
    .catch((e) => { throw new Error(why(e.message)); });
  // from the socket the REGISTER left from, not Kamailio's default one
  assert.match(dereg.get('Via') || '', viaRe, why(`top Via of the de-REGISTER: ${dereg.get('Via')}`));
});
