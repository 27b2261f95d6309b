// The gateway preset's access edge, seen by an attacker and by a user:
// every request a browser sends out of dialog needs credentials (digest, or
// time-limited with IWG_AUTH_MODE=ephemeral), identities are asserted by
// the gateway, in-dialog requests are routed only for dialogs it made, and
// a browser that vanishes mid-call leaves nothing behind.
// The SIP peer (IWG_PEER_URI) is a UDP UA on 127.0.0.1:5090; the "other
// host" an open relay would reach is a UDP UA on 127.0.0.2:5090.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { WsUa, UdpUa, Dialog, rnd, uriOf, webrtcSdp } from '../../ims/lib/ua.mjs';
import { sendAuth, inviteAuth, ephemeral, kamcmd, browserCall, rtpCalls } from '../lib.mjs';

const env = process.env;
const DOMAIN = env.IWG_DOMAIN;
const LOGS = env.IWG_LOGDIR;
const MODE = env.IWG_AUTH_MODE || 'digest';
const see = `see ${LOGS} (kamailio.log, edge-ua.log)`;
const uaLog = path.join(LOGS, 'edge-ua.log');

// credentials of user in this mode
function creds(user) {
  if (MODE === 'ephemeral') return ephemeral(env.IWG_AUTH_SECRET, user);
  return { username: user, password: env.IWG_TEST_PASSWORD };
}
const login = (user) => { const c = creds(user); return { user: c.username, password: c.password }; };

const pcmaSdp = ['v=0', 'o=peer 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 8 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n');

const peer = await new UdpUa(5090, { name: 'peer', logFile: uaLog }).open();
peer.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: pcmaSdp } : { status: 200 });
const other = await new UdpUa(5090, { name: 'other', addr: '127.0.0.2', logFile: uaLog }).open();
const attacker = await new UdpUa(5099, { name: 'attacker', logFile: uaLog }).open();
const browsers = [];
async function browser(user) {
  const b = await new WsUa(env.IWG_WS_URL, { user, domain: DOMAIN, logFile: uaLog }).open();
  browsers.push(b);
  return b;
}
after(async () => {
  for (const b of browsers) await b.close();
  peer.close(); other.close(); attacker.close();
});

const aor = (u) => `sip:${u}@${DOMAIN}`;
const peerGot = (method, callId) => peer.received.filter((m) => m.method === method && (!callId || m.get('Call-ID') === callId));

function register(b, user, extra = {}) {
  return sendAuth(b, {
    method: 'REGISTER', ruri: `sip:${DOMAIN}`, callId: `${rnd()}@reg`, from: `<${aor(user)}>;tag=${rnd(4)}`,
    to: `<${aor(user)}>`, headers: [`Contact: <${b.contact}>;expires=600`], ...extra,
  }, login(user));
}

const strayAck = `${rnd()}@stray-ack`;

test(`unauthenticated requests from a WebSocket client are refused and reach nobody (${MODE})`, async () => {
  const b = await browser('alice');
  const before = peer.received.length + other.received.length;
  for (const method of ['REGISTER', 'INVITE', 'MESSAGE', 'SUBSCRIBE', 'REFER', 'OPTIONS', 'PUBLISH']) {
    const target = method === 'REGISTER' ? `sip:${DOMAIN}` : 'sip:bob@remote.test';
    const r = await b.send({
      method, ruri: target, callId: `${rnd()}@x`, from: `<${aor('alice')}>;tag=${rnd(4)}`,
      to: `<${method === 'REGISTER' ? aor('alice') : target}>`, cseq: 1,
      headers: method === 'SUBSCRIBE' ? ['Event: presence'] : method === 'REFER' ? [`Refer-To: <${aor('carol')}>`] : [],
      body: method === 'INVITE' ? webrtcSdp() : '',
    });
    const want = method === 'REGISTER' ? 401 : 407;
    assert.equal(r && r.status, want, `${method} without credentials: want ${want}, got ${r ? r.status : 'no answer'}; ${see}`);
  }
  assert.equal(peer.received.length + other.received.length, before, `a request without credentials reached a peer; ${see}`);
  // an ACK outside any dialog (auth_check lets ACKs through): checked in
  // the next test, after a request that does reach the peer
  await b.send({ method: 'ACK', ruri: 'sip:bob@remote.test', callId: strayAck, from: `<${aor('alice')}>;tag=${rnd(4)}`,
    to: '<sip:bob@remote.test>', cseq: 1 });
});

test(`wrong credentials and another user's identity are refused (${MODE})`, async () => {
  const b = await browser('alice');
  const bad = await sendAuth(b, {
    method: 'MESSAGE', ruri: 'sip:bob@remote.test', callId: `${rnd()}@x`, from: `<${aor('alice')}>;tag=${rnd(4)}`,
    to: '<sip:bob@remote.test>', body: 'hi', contentType: 'text/plain',
  }, { user: creds('alice').username, password: 'wrong-password' });
  assert.equal(bad && bad.status, 407, `MESSAGE with a wrong password: want a new challenge 407, got ${bad && bad.status}; ${see}`);
  const mallory = await sendAuth(b, {
    method: 'MESSAGE', ruri: 'sip:bob@remote.test', callId: `${rnd()}@x`, from: `<${aor('alice')}>;tag=${rnd(4)}`,
    to: '<sip:bob@remote.test>', body: 'hi', contentType: 'text/plain',
  }, login('bob'));
  assert.equal(mallory && mallory.status, 403, `MESSAGE From alice with bob's credentials: want 403, got ${mallory && mallory.status}; ${see}`);
  const reg = await register(b, 'alice', { from: `<${aor('alice')}>;tag=${rnd(4)}`, to: `<${aor('alice')}>` });
  assert.equal(reg && reg.status, 200, `REGISTER of alice with alice's credentials: ${reg && reg.status}; ${see}`);
  const hijack = await sendAuth(b, {
    method: 'REGISTER', ruri: `sip:${DOMAIN}`, callId: `${rnd()}@reg`, from: `<${aor('bob')}>;tag=${rnd(4)}`,
    to: `<${aor('bob')}>`, headers: [`Contact: <${b.contact}>;expires=600`],
  }, login('alice'));
  assert.equal(hijack && hijack.status, 403, `REGISTER of bob with alice's credentials: want 403, got ${hijack && hijack.status}; ${see}`);
});

test(`the peer sees the authenticated identity, never a browser's own (${MODE})`, async () => {
  const b = await browser('alice');
  const callId = `${rnd()}@spoof`;
  const r = await sendAuth(b, {
    method: 'MESSAGE', ruri: 'sip:bob@remote.test', callId, from: `<${aor('alice')}>;tag=${rnd(4)}`,
    to: '<sip:bob@remote.test>', body: 'hello', contentType: 'text/plain',
    headers: ['P-Asserted-Identity: <sip:ceo@bank.test>', 'P-Preferred-Identity: <sip:ceo@bank.test>'],
  }, login('alice'));
  assert.equal(r && r.status, 200, `authenticated MESSAGE to the peer: ${r && r.status}; ${see}`);
  const [m] = peerGot('MESSAGE', callId);
  assert.ok(m, `the peer did not get the MESSAGE; ${see}`);
  assert.deepEqual(m.all('P-Asserted-Identity'), [`<${aor('alice')}>`], `P-Asserted-Identity at the peer; ${see}`);
  assert.deepEqual(m.all('P-Preferred-Identity'), [], `P-Preferred-Identity reached the peer; ${see}`);
  assert.deepEqual([...m.all('Authorization'), ...m.all('Proxy-Authorization')], [], `credentials reached the peer; ${see}`);
  assert.equal(peerGot('ACK', strayAck).length, 0, `an ACK outside any dialog reached the peer; ${see}`);
});

test('in-dialog requests with a foreign Route, a forged dialog, a forged alias or a forged subscription go nowhere', async () => {
  const b = await browser('bob');
  const reg = await register(b, 'bob');
  assert.equal(reg && reg.status, 200, `REGISTER of bob: ${reg && reg.status}; ${see}`);
  const before = other.received.length;
  const beforeB = b.received.length;
  const req = (method, o) => attacker.send({
    method, callId: `${rnd()}@relay`, from: `<sip:x@evil.test>;tag=${rnd(4)}`,
    to: `<sip:y@evil.test>;tag=${rnd(4)}`, cseq: 5, body: 'relay me', contentType: 'text/plain',
    headers: method === 'NOTIFY' ? ['Event: presence', 'Subscription-State: active'] : [], ...o,
  });
  const ours = '<sip:127.0.0.1:5060;lr>';
  // the alias of bob's WebSocket connection, as the registrar recorded it
  const dump = kamcmd('ul.lookup', 'location', 'bob'); // usrloc use_domain 0: the AOR is the user
  const rcv = /Received: sip:127\.0\.0\.1:(\d+);transport=ws/i.exec(dump);
  assert.ok(rcv, `bob's binding has no received address in ul.lookup: ${dump.slice(0, 400)}`);
  const toBob = `sip:bob@127.0.0.1:5060;alias=127.0.0.1~${rcv[1]}~5`;
  const cases = [
    ['MESSAGE with a foreign first Route', 'MESSAGE', 'sip:victim@127.0.0.2:5090', ['<sip:127.0.0.2:5090;lr>'], 403],
    ['MESSAGE with our Route, then a foreign one', 'MESSAGE', 'sip:victim@127.0.0.2:5090', [ours, '<sip:127.0.0.2:5090;lr>'], 403],
    ['MESSAGE for a dialog that does not exist', 'MESSAGE', 'sip:victim@127.0.0.2:5090', [ours], 481],
    ['MESSAGE with a forged alias toward bob\'s connection', 'MESSAGE', toBob, [ours], 481],
    ['NOTIFY for a subscription that does not exist', 'NOTIFY', 'sip:victim@127.0.0.2:5090', [ours], 481],
    ['NOTIFY with a forged alias toward bob\'s connection', 'NOTIFY', toBob, [ours], 481],
  ];
  for (const [what, method, ruri, routes, want] of cases) {
    const r = await req(method, { ruri, routes });
    assert.equal(r && r.status, want, `${what}: want ${want}, got ${r && r.status}; ${see}`);
  }
  assert.equal(other.received.length, before, `a relayed request reached 127.0.0.2:5090; ${see}`);
  assert.equal(b.received.length, beforeB, `a forged request reached bob's browser; ${see}`);
});

test(`in its own call, a browser reaches only the call's other party: no other Request-URI or Route (${MODE})`, async () => {
  const b = await browser('probe');
  const callId = `${rnd()}@pinned`;
  const { resp, dialog: d } = await inviteAuth(b, {
    ruri: 'sip:helpdesk@remote.test', callId, from: `<${aor('probe')}>;tag=${rnd(4)}`, to: '<sip:helpdesk@remote.test>',
    body: webrtcSdp({ port: 9 }),
  }, login('probe'));
  assert.equal(resp && resp.status, 200, `the browser's call to the peer: ${resp && resp.status}; ${see}`);
  const before = other.received.length;
  const ok = await d.request('MESSAGE', { body: 'to the peer', contentType: 'text/plain' });
  assert.equal(ok && ok.status, 200, `an in-dialog MESSAGE to the peer: want 200, got ${ok && ok.status}; ${see}`);
  const forged = [
    ['another host in the Request-URI', { remoteTarget: 'sip:victim@127.0.0.2:5090' }],
    ['another host in a Route after ours', { routeSet: [...d.routeSet, '<sip:127.0.0.2:5090;lr>'] }],
    ['the peer\'s host on another port', { remoteTarget: 'sip:victim@127.0.0.1:5099' }],
  ];
  for (const [what, o] of forged) {
    const f = new Dialog(b, { ...d, ...o, cseq: d.cseq + 10 });
    const r = await f.request('MESSAGE', { body: 'relay me', contentType: 'text/plain' });
    assert.equal(r && r.status, 403, `in-dialog MESSAGE with ${what}: want 403, got ${r && r.status}; ${see}`);
    d.cseq = f.cseq;
  }
  assert.equal(other.received.length, before, `a forged in-dialog request reached 127.0.0.2:5090; ${see}`);
  assert.ok(!attacker.received.some((m) => m.get('Call-ID') === callId), `a forged in-dialog request reached 127.0.0.1:5099; ${see}`);
  const bye = await d.request('BYE');
  assert.equal(bye && bye.status, 200, `the browser's BYE to the peer: want 200, got ${bye && bye.status}; ${see}`);
});

test(`behind a proxy that Record-Routes, a browser's in-dialog requests follow the dialog's route set (${MODE})`, async () => {
  // the peer answers as if a proxy at 127.0.0.1:5090 had Record-Routed
  // (an entry above the gateway's) and its UA's Contact were 127.0.0.3:5090
  const save = peer.onRequest;
  peer.onRequest = (m) => {
    if (m.method !== 'INVITE') return { status: 200 };
    const text = peer.response(m, 200, 'OK', pcmaSdp, [], rnd(4))
      .replace(/^Record-Route:/m, 'Record-Route: <sip:127.0.0.1:5090;lr>\r\nRecord-Route:')
      .replace(/^Contact: <[^>]*>/m, 'Contact: <sip:helpdesk@127.0.0.3:5090>');
    peer.sendRaw(text);
    return { status: 0 };
  };
  try {
    const b = await browser('probe');
    const callId = `${rnd()}@proxied`;
    const { resp, dialog: d } = await inviteAuth(b, {
      ruri: 'sip:helpdesk@remote.test', callId, from: `<${aor('probe')}>;tag=${rnd(4)}`, to: '<sip:helpdesk@remote.test>',
      body: webrtcSdp({ port: 9 }),
    }, login('probe'));
    assert.equal(resp && resp.status, 200, `the browser's call behind a proxy: ${resp && resp.status}; ${see}`);
    assert.ok(d.routeSet.some((r) => r.includes('127.0.0.1:5090')), `the browser's route set lacks the proxy: ${d.routeSet}`);
    const n = peerGot('MESSAGE', callId).length;
    const ok = await d.request('MESSAGE', { body: 'through the proxy', contentType: 'text/plain' });
    assert.equal(ok && ok.status, 200, `an in-dialog MESSAGE through the proxy: want 200, got ${ok && ok.status}; ${see}`);
    assert.equal(peerGot('MESSAGE', callId).length, n + 1, `the MESSAGE did not reach the proxy; ${see}`);
    const forged = [
      ['the proxy left out (straight to the Contact)', { routeSet: d.routeSet.filter((r) => !r.includes('127.0.0.1:5090')) }],
      ['the proxy, then another Request-URI', { remoteTarget: 'sip:victim@127.0.0.2:5090' }],
      ['the proxy, then another host\'s Route', { routeSet: [...d.routeSet, '<sip:127.0.0.2:5090;lr>'] }],
    ];
    for (const [what, o] of forged) {
      const f = new Dialog(b, { ...d, ...o, cseq: d.cseq + 10 });
      const r = await f.request('MESSAGE', { body: 'relay me', contentType: 'text/plain' });
      assert.equal(r && r.status, 403, `in-dialog MESSAGE with ${what}: want 403, got ${r && r.status}; ${see}`);
      d.cseq = f.cseq;
    }
    assert.equal(peerGot('MESSAGE', callId).length, n + 1, `a forged in-dialog request reached the proxy; ${see}`);
    const bye = await d.request('BYE');
    assert.equal(bye && bye.status, 200, `the browser's BYE through the proxy: ${bye && bye.status}; ${see}`);
  } finally {
    peer.onRequest = save;
  }
});

test(`a call from the network through a proxy: the browser's re-INVITE keeps the route set, a stranger cannot move the target (${MODE})`, async () => {
  // a user no other test registers (one browser: no fork)
  const user = 'probe';
  const b = await browser(user);
  const reg = await register(b, user);
  assert.equal(reg && reg.status, 200, `REGISTER of ${user}: ${reg && reg.status}; ${see}`);
  b.onRequest = (m) => (m.method === 'INVITE' && m.body ? { status: 200, body: webrtcSdp({ setup: 'active' }) } : { status: 200 });
  // the peer calls through a proxy that Record-Routes (itself, 127.0.0.1:5090)
  const callId = `${rnd()}@via-proxy`;
  const r = await peer.send({
    method: 'INVITE', ruri: aor(user), callId, from: `<sip:bob@remote.test>;tag=${rnd(4)}`, to: `<${aor(user)}>`, cseq: 1,
    body: pcmaSdp, headers: ['Record-Route: <sip:127.0.0.1:5090;lr>'],
  });
  assert.equal(r && r.status, 200, `the peer's call to ${user}: ${r && r.status}; ${see}`);
  const bd = b.dialogs.get(callId);
  assert.ok(bd, 'the browser has no dialog for the call');
  assert.ok(bd.routeSet.some((x) => x.includes('127.0.0.1:5090')), `the browser's route set lacks the proxy: ${bd.routeSet}`);
  // a stranger (outside IWG_TRUSTED_NETS) sends an UPDATE in the dialog
  // naming another Contact: the gateway must not take it as the target
  // (the browser, which the UPDATE reaches, is put back on the real one)
  const target = bd.remoteTarget;
  await other.send({
    method: 'UPDATE', ruri: bd.localUri, callId, from: `<sip:bob@remote.test>;tag=${bd.remoteTag}`,
    to: `<${aor(user)}>;tag=${bd.localTag}`, cseq: 7, headers: ['Contact: <sip:victim@127.0.0.2:5090>'],
    routes: bd.routeSet.filter((x) => !x.includes('127.0.0.1:5090')).slice(0, 1),
  });
  bd.remoteTarget = target;
  const before = other.received.length;
  const re = await bd.request('INVITE', { body: webrtcSdp({ dir: 'sendonly' }) });
  assert.equal(re && re.status, 200, `the browser's re-INVITE: ${re && re.status}; ${see}`);
  await bd.request('ACK', { cseq: Number(re.get('CSeq').split(/\s+/)[0]) });
  const toVictim = new Dialog(b, { ...bd, remoteTarget: 'sip:victim@127.0.0.2:5090', cseq: bd.cseq + 5 });
  const f = await toVictim.request('MESSAGE', { body: 'relay me', contentType: 'text/plain' });
  assert.equal(f && f.status, 403, `after a stranger's UPDATE, a MESSAGE to its Contact: want 403, got ${f && f.status}; ${see}`);
  assert.equal(other.received.length, before, `a request reached 127.0.0.2:5090; ${see}`);
  bd.cseq = toVictim.cseq;
  const bye = await bd.request('BYE');
  assert.equal(bye && bye.status, 200, `the browser's BYE after its re-INVITE: want 200, got ${bye && bye.status}; ${see}`);
});

test('a Contact with its own ;alias= is refused; a stranger cannot call browsers', async () => {
  const b = await browser('alice');
  const r = await sendAuth(b, {
    method: 'REGISTER', ruri: `sip:${DOMAIN}`, callId: `${rnd()}@reg`, from: `<${aor('alice')}>;tag=${rnd(4)}`,
    to: `<${aor('alice')}>`, headers: ['Contact: <sip:a@x.invalid;alias=127.0.0.2~5090~1;transport=ws>;expires=600'],
  }, login('alice'));
  assert.equal(r && r.status, 400, `REGISTER with ;alias= in its Contact: want 400, got ${r && r.status}; ${see}`);
  const reg = await register(b, 'alice');
  assert.equal(reg && reg.status, 200, `REGISTER of alice: ${reg && reg.status}; ${see}`);
  const stranger = await new UdpUa(5096, { name: 'stranger', addr: '127.0.0.3', logFile: uaLog }).open();
  try {
    const inv = await stranger.send({
      method: 'INVITE', ruri: aor('alice'), callId: `${rnd()}@stranger`, from: `<sip:boss@bank.test>;tag=${rnd(4)}`,
      to: `<${aor('alice')}>`, cseq: 1, body: pcmaSdp, headers: ['P-Asserted-Identity: <sip:boss@bank.test>'],
    });
    assert.equal(inv && inv.status, 403, `INVITE to alice from an address outside IWG_TRUSTED_NETS: want 403, got ${inv && inv.status}; ${see}`);
    assert.ok(!b.received.some((m) => m.method === 'INVITE'), `the stranger's INVITE reached alice; ${see}`);
  } finally {
    stranger.close();
  }
});

test(`a browser that vanishes mid-call: BYE to the peer, no media call, no contact (${MODE})`, async (t) => {
  const user = 'caller';
  const c = creds(user);
  // the calling browser: a process of its own, killed mid-call
  const { child, callId } = await browserCall({
    domain: DOMAIN, user, username: c.username, password: c.password, target: 'sip:helpdesk@remote.test', see,
  });
  t.after(() => child.kill('SIGKILL'));
  const ng = rtpCalls;
  assert.ok(ng().includes(callId), `rtpengine has no call ${callId} while it is up: ${ng()}`);
  child.kill('SIGKILL');
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && (peerGot('BYE', callId).length === 0 || ng().includes(callId))) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(peerGot('BYE', callId).length >= 1, true, `the peer got no BYE for ${callId} after the browser vanished; ${see}`);
  assert.ok(!ng().includes(callId), `rtpengine still has call ${callId}: ${ng()}`);
  // usrloc drops the contact of a lost connection at its next timer run
  const registered = () => {
    const out = kamcmd('ul.lookup', 'location', user); // usrloc use_domain 0
    if (/AOR not found|AOR has no contacts/.test(out)) return false;
    assert.match(out, /Contact/, `ul.lookup ${aor(user)} answered neither a contact nor "not found": ${out}`);
    return true;
  };
  const until = Date.now() + 20000;
  while (Date.now() < until && registered()) await new Promise((r) => setTimeout(r, 500));
  assert.ok(!registered(), `${aor(user)} is still registered after its connection died: ${kamcmd('ul.dump').slice(0, 600)}`);
});

test(`late offer both ways: the offer in a 2xx and the answer in the ACK cross rtpengine (${MODE})`, async () => {
  const user = 'echo';
  const b = await browser(user);
  const reg = await register(b, user);
  assert.equal(reg && reg.status, 200, `REGISTER of ${user}: ${reg && reg.status}; ${see}`);
  // the browser makes offers in its 2xx and answers offers as a browser does
  b.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: webrtcSdp({ setup: m.body ? 'active' : 'actpass' }) } : { status: 200 });

  // 1. the peer calls the browser without SDP: the browser's offer reaches
  // it as plain RTP, its answer in the ACK reaches the browser as DTLS-SRTP
  const callId = `${rnd()}@late`;
  const fromTag = rnd(4);
  const r = await peer.send({
    method: 'INVITE', ruri: aor(user), callId, from: `<sip:bob@remote.test>;tag=${fromTag}`, to: `<${aor(user)}>`, cseq: 1,
  });
  assert.equal(r && r.status, 200, `INVITE without SDP to ${user}: ${r && r.status}; ${see}`);
  assert.match(r.body || '', /^m=audio \d+ RTP\/AVP /m, `the 200 at the peer carries no plain-RTP offer: ${r.body}`);
  assert.doesNotMatch(r.body, /a=fingerprint|a=ice-ufrag/, `browser-only lines in the offer toward the peer: ${r.body}`);
  const d = new Dialog(peer, {
    callId, localTag: fromTag, remoteTag: /tag=([^;>\s]+)/.exec(r.get('To'))[1], localUri: 'sip:bob@remote.test',
    remoteUri: aor(user), remoteTarget: uriOf(r.get('Contact')), cseq: 1,
    routeSet: r.all('Record-Route').flatMap((v) => v.split(/,(?=\s*<)/)).map((x) => x.trim()).reverse(),
  });
  await d.request('ACK', { cseq: 1, body: pcmaSdp });
  const ackAt = () => b.received.find((m) => m.method === 'ACK' && m.get('Call-ID') === callId);
  const until = Date.now() + 5000;
  while (!ackAt() && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
  assert.ok(ackAt(), `the ACK with the answer did not reach the browser; ${see}`);
  assert.match(ackAt().body || '', /UDP\/TLS\/RTP\/SAVPF[\s\S]*a=fingerprint/, `answer in the ACK at the browser: ${ackAt().body}`);
  const q = JSON.parse(execFileSync(env.IWG_NG_BIN, ['-s', env.IWG_NG_ADDR, 'query', callId], { encoding: 'utf8' }));
  const protos = Object.values(q.tags || {}).flatMap((tg) => (tg.medias || []).map((m) => m.protocol)).sort();
  assert.deepEqual(protos, ['RTP/AVP', 'UDP/TLS/RTP/SAVPF'], `rtpengine's legs of the late-offer call: ${JSON.stringify(protos)}`);

  // 2. the browser re-INVITEs without SDP: the peer's offer reaches it as
  // DTLS-SRTP, its answer in the ACK reaches the peer as plain RTP
  const bd = b.dialogs.get(callId);
  assert.ok(bd, 'the browser has no dialog for the call');
  const re = await bd.request('INVITE', { body: '' });
  assert.equal(re && re.status, 200, `re-INVITE without SDP from the browser: ${re && re.status}; ${see}`);
  assert.match(re.body || '', /UDP\/TLS\/RTP\/SAVPF[\s\S]*a=fingerprint/, `the peer's offer at the browser: ${re.body}`);
  const cseq = Number(re.get('CSeq').split(/\s+/)[0]);
  await bd.request('ACK', { cseq, body: webrtcSdp({ setup: 'active' }) });
  const ack2 = () => peer.received.find((m) => m.method === 'ACK' && m.get('Call-ID') === callId && m.get('CSeq').startsWith(`${cseq} `));
  const until2 = Date.now() + 5000;
  while (!ack2() && Date.now() < until2) await new Promise((res) => setTimeout(res, 50));
  assert.ok(ack2(), `the ACK with the browser's answer did not reach the peer; ${see}`);
  assert.match(ack2().body || '', /^m=audio \d+ RTP\/AVP /m, `answer in the ACK at the peer: ${ack2().body}`);
  await d.request('BYE');
});
