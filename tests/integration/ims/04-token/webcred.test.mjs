// Registration on web credentials (kamcfg/ims, -A WITH_IDMAP -A
// WITH_IMS_WEBCRED; TS 24.371 clause 6 scenario 2): the browser sends only
// "Authorization: Bearer <JWT>"; iwg checks it, drops every credential of
// the browser and relays the REGISTER with "Authorization: Digest
// username=<mapping's impi>, ..., nonce="", response="",
// integrity-protected="auth-done"". SIPp (scscf-webcred.xml) is an S-CSCF
// that requires that marker and answers with GRUUs (RFC 5627); a Node UDP
// UA is the IMS side of MT calls to a GRUU. Run by test.sh (part 2).
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WsUa, UdpUa, webrtcSdp, imsSdp, rnd } from '../lib/ua.mjs';
import { LOGDIR, see, startSipp, poll, udpBound, sippReceived } from '../lib/harness.mjs';
import { jwt } from '../../idmap/jwt.mjs';
import { launchClient } from '../../../e2e/lib/browser.mjs';
import { RtpSink } from '../../../e2e/ims/lib-rtp.mjs';
import { query, medias, mediaPackets } from '../../../e2e/lib/ng.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const HS_KEY = fs.readFileSync(path.join(here, '../../idmap/keys/hs256.key'), 'utf8').replace(/\n$/, '');
const IMS_PORT = 5073;
const LOGS = ['ws-ua.log', 'ims-ua.log', 'sipp-scscf-webcred.msg', 'sipp-scscf-webcred.err', 'kamailio.log'];
const why = (s) => `${s}; ${see(...LOGS)}`;
const token = (sub) => jwt('HS256', 'test-hs', { sub, aud: 'iwg', iss: 'paas', exp: '+300', iat: '-5' }, HS_KEY);
const bearer = (sub) => `Authorization: Bearer ${token(sub)}`;

let scscf;
let ims;
const uas = [];

// a browser: answers INVITEs with a WebRTC answer
async function browser(user) {
  const u = await new WsUa(WS_URL, { user, domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-ua.log') }).open();
  u.onRequest = (m) => (m.method === 'INVITE' && m.body ? { status: 200, body: webrtcSdp({ setup: 'active' }) } : { status: 200 });
  u.instance = crypto.randomUUID();
  uas.push(u);
  return u;
}

// REGISTER of u (its registration Call-ID, next CSeq, its instance id)
// with header lines extra; resolves with the final response
function register(u, extra, expires = 600) {
  u.regCseq += 1;
  return u.send({
    method: 'REGISTER', ruri: `sip:${u.domain}`, callId: u.regCallId, from: `<${u.aor}>;tag=${rnd(4)}`,
    to: `<${u.aor}>`, cseq: u.regCseq,
    headers: [`Contact: <${u.contact}>;+sip.instance="<urn:uuid:${u.instance}>";reg-id=1;expires=${expires}`,
      'Supported: path, outbound, gruu', ...extra],
  });
}

// the REGISTERs of u's registration the S-CSCF received
const regsAtCore = (u) => sippReceived(scscf.msg).filter((m) => m.method === 'REGISTER' && m.get('Call-ID') === u.regCallId);

// the parameters of a Digest credential ("Digest a="x", b=y") as an object
function digestParams(v) {
  const out = {};
  for (const m of (v || '').replace(/^Digest\s+/, '').matchAll(/([\w-]+)=("([^"]*)"|[^,\s]*)/g)) out[m[1].toLowerCase()] = m[3] ?? m[2];
  return out;
}

// the one Authorization a REGISTER at the core carries: the auth-done one
// for impi
function assertAuthDone(m, impi, what) {
  const a = m.all('Authorization');
  assert.equal(a.length, 1, why(`${what}: ${a.length} Authorization headers at the S-CSCF: ${a.join(' | ')}`));
  assert.match(a[0], /^Digest /, `${what}: Authorization at the S-CSCF: ${a[0]}`);
  const p = digestParams(a[0]);
  assert.deepEqual({ username: p.username, realm: p.realm, uri: p.uri, nonce: p.nonce, response: p.response, ip: p['integrity-protected'] },
    { username: impi, realm: 'ims.test', uri: 'sip:ims.test', nonce: '', response: '', ip: 'auth-done' },
    `${what}: Authorization at the S-CSCF: ${a[0]}`);
  assert.ok(!m.all('Proxy-Authorization').length, `${what}: a Proxy-Authorization reached the S-CSCF`);
}

// a parameter of the first Contact of a response, unquoted
const contactParam = (r, name) => {
  const m = new RegExp(`;\\s*${name.replace(/[.+]/g, '\\$&')}="([^"]*)"`).exec(r.get('Contact') || '');
  return m && m[1];
};

before(async () => {
  // part 1's SIPp may still be leaving port 6060
  await poll(() => !udpBound(6060), 10000, 'port 6060 free');
  scscf = startSipp('scscf-webcred', 'scscf-webcred.xml', ['-i', '127.0.0.1', '-p', '6060', '-cp', '8898', '-key', 'orig_port', String(IMS_PORT)]);
  await poll(() => udpBound(6060), 10000, 'SIPp on 6060');
  ims = await new UdpUa(IMS_PORT, { name: 'ims', logFile: path.join(LOGDIR, 'ims-ua.log') }).open();
});

after(async () => {
  for (const u of uas) await u.close();
  if (ims) ims.close();
  if (scscf) scscf.proc.kill('SIGTERM');
});

let ann1;
let ann2;

test('token-only REGISTER: 200 without a challenge; the S-CSCF gets auth-done with the mapping\'s IMPI and IMPU, no Bearer, no Digest response', async () => {
  ann1 = await browser('ann');
  const r = await register(ann1, [bearer('ann-web')]);
  assert.equal(r && r.status, 200, why(`token-only REGISTER answered ${r && r.status}`));
  const regs = regsAtCore(ann1);
  assert.equal(regs.length, 1, why(`S-CSCF saw ${regs.length} REGISTERs of ann, expected 1 (no challenge round)`));
  assertAuthDone(regs[0], 'ann.priv@ims.test', 'initial REGISTER');
  assert.equal(regs[0].get('To'), '<sip:ann@ims.test>', `IMPU (To) at the S-CSCF: ${regs[0].get('To')}`);
  assert.ok(!/bearer/i.test(regs[0].text), `a Bearer token reached the IMS: ${regs[0].text}`);
  assert.ok((regs[0].get('Contact') || '').includes(`+sip.instance="<urn:uuid:${ann1.instance}>"`),
    why(`+sip.instance did not reach the S-CSCF as sent: ${regs[0].get('Contact')}`));
  assert.ok(regs[0].all('Supported').join(',').split(/\s*,\s*/).includes('gruu'), why(`Supported at the S-CSCF lacks gruu: ${regs[0].all('Supported')}`));
});

test('GRUU: the pub-gruu and temp-gruu of the S-CSCF reach the browser intact, with its +sip.instance', async () => {
  ann2 = await browser('ann');
  // a browser's own credentials next to its token never reach the core
  const r = await register(ann2, [bearer('ann-web'),
    'Authorization: Digest username="ann.priv@ims.test", realm="ims.test", nonce="x", uri="sip:ims.test", response="0123456789abcdef0123456789abcdef"',
    'Proxy-Authorization: Digest username="x", realm="y", nonce="z", uri="sip:ims.test", response="0"']);
  assert.equal(r && r.status, 200, why(`REGISTER of a second instance answered ${r && r.status}`));
  assertAuthDone(regsAtCore(ann2)[0], 'ann.priv@ims.test', 'REGISTER with a Digest of the browser');
  assert.equal(contactParam(r, 'pub-gruu'), `sip:ann@ims.test;gr=urn:uuid:${ann2.instance}`, why(`pub-gruu at the browser: ${r.get('Contact')}`));
  assert.match(contactParam(r, 'temp-gruu') || '', new RegExp(`^sip:tgruu\\.\\d+\\.${ann2.instance}@ims\\.test;gr$`), why(`temp-gruu at the browser: ${r.get('Contact')}`));
  assert.equal(contactParam(r, '+sip.instance'), `<urn:uuid:${ann2.instance}>`, why(`+sip.instance at the browser: ${r.get('Contact')}`));
});

test('re-REGISTER on the same authority; refused tokens and a mapping without impi never reach the core', async () => {
  let r = await register(ann1, [bearer('ann-web')]);
  assert.equal(r && r.status, 200, why(`re-REGISTER answered ${r && r.status}`));
  const regs = regsAtCore(ann1);
  assert.equal(regs.length, 2, why(`S-CSCF saw ${regs.length} REGISTERs of ann's first instance, expected 2`));
  assertAuthDone(regs[1], 'ann.priv@ims.test', 're-REGISTER');
  const n = sippReceived(scscf.msg).length;
  const eve = await browser('eve');
  r = await register(eve, []);
  assert.equal(r && r.status, 401, why(`REGISTER without a token answered ${r && r.status}`));
  r = await register(eve, [bearer('ann-web')]);
  assert.equal(r && r.status, 403, why(`REGISTER of eve with ann's token answered ${r && r.status}`));
  r = await register(eve, [`Authorization: Bearer ${token('eve-web').slice(0, -4)}AAAA`]);
  assert.equal(r && r.status, 401, why(`REGISTER with a bad signature answered ${r && r.status}`));
  const nim = await browser('nim');
  r = await register(nim, [bearer('nim-web')]);
  assert.equal(r && r.status, 403, why(`REGISTER of a mapping without impi answered ${r && r.status}`));
  assert.equal(r.first, 'SIP/2.0 403 No IMS Private Identity', `reply to a mapping without impi: ${r.first}`);
  assert.equal(sippReceived(scscf.msg).length, n, why('a refused REGISTER reached the IMS'));
  r = await register(eve, [bearer('eve-web')]);
  assert.equal(r && r.status, 200, why(`REGISTER of eve with her token after that answered ${r && r.status}`));
  assertAuthDone(regsAtCore(eve)[0], 'eve.priv@ims.test', 'eve\'s REGISTER');
});

test('a core that challenges a web-credential REGISTER anyway: the browser gets 403, never the Digest challenge', async () => {
  const dig = await browser('dig');
  const r = await register(dig, [bearer('dig-web')]);
  assert.equal(r && r.first, 'SIP/2.0 403 IMS Refused Web Credentials', why(`challenged REGISTER answered ${r && r.first}`));
  assert.ok(!r.all('WWW-Authenticate').length, `a challenge reached the browser: ${r.all('WWW-Authenticate')}`);
  assert.equal(regsAtCore(dig).length, 1, why('the REGISTER of dig did not reach the S-CSCF'));
});

// an MT INVITE from the IMS side to uri through u's Path (the flow token of
// its registration, as the S-CSCF routes a request for a GRUU, RFC 5627
// 5.3, TS 24.229 5.4.3.3)
function mtInvite(u, uri) {
  const reg = regsAtCore(u).find((m) => m.get('Path'));
  assert.ok(reg, why(`no REGISTER with Path of ${u.contact} at the S-CSCF`));
  return ims.invite(uri, { body: imsSdp(), routes: [reg.get('Path')], from: 'sip:bob@ims.test',
    headers: ['P-Asserted-Identity: <sip:bob@ims.test>'] });
}

async function callAnswered(u, other, uri, what) {
  const n = u.received.length;
  const m = other.received.length;
  const { resp, dialog, callId } = await mtInvite(u, uri);
  assert.equal(resp && resp.status, 200, why(`MT INVITE to the ${what} answered ${resp && resp.status}`));
  const got = u.received.slice(n).find((x) => x.method === 'INVITE' && x.get('Call-ID') === callId);
  assert.ok(got, why(`the INVITE to the ${what} did not reach its instance`));
  assert.equal(got.first.split(' ')[1], uri, `Request-URI at the browser: ${got.first}`);
  assert.match(got.body, /UDP\/TLS\/RTP\/SAVPF/, `offer to the browser: ${got.body}`);
  assert.match(resp.body, /RTP\/AVP/, `answer at the IMS: ${resp.body}`);
  assert.ok(!other.received.slice(m).some((x) => x.method === 'INVITE'), why(`the INVITE to the ${what} reached the other instance`));
  await poll(() => u.received.some((x) => x.method === 'ACK' && x.get('Call-ID') === callId), 5000, 'ACK at the browser')
    .catch((e) => { throw new Error(why(e.message)); });
  const r = await dialog.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the IMS answered ${r && r.status}`));
}

test('an MT call to a pub-gruu reaches that instance (not the other one) and is answered; so does one to a temp-gruu', async () => {
  const regs = regsAtCore(ann2);
  assert.ok(regs.length > 0, why('no registration of the second instance'));
  await callAnswered(ann2, ann1, `sip:ann@ims.test;gr=urn:uuid:${ann2.instance}`, 'pub-gruu of the second instance');
  const r = await register(ann1, [bearer('ann-web')]);
  assert.equal(r && r.status, 200, why(`re-REGISTER answered ${r && r.status}`));
  const tg = contactParam(r, 'temp-gruu');
  assert.ok(tg, why(`no temp-gruu for the first instance: ${r.get('Contact')}`));
  await callAnswered(ann1, ann2, tg, 'temp-gruu of the first instance');
});

test('MO call with the pub-gruu as Contact (as JsSIP does): the core gets the GRUU, its in-dialog request reaches the browser', async () => {
  const gruu = `sip:ann@ims.test;gr=urn:uuid:${ann1.instance}`;
  const contact = ann1.contact;
  ims.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: imsSdp() } : { status: 200 });
  ann1.contact = gruu;
  let call;
  try {
    call = await ann1.invite('sip:bob@ims.test', { body: webrtcSdp(), headers: [bearer('ann-web')] });
  } finally {
    ann1.contact = contact;
  }
  assert.equal(call.resp && call.resp.status, 200, why(`MO INVITE answered ${call.resp && call.resp.status}`));
  const inv = ims.received.find((m) => m.method === 'INVITE' && m.get('Call-ID') === call.callId);
  assert.ok(inv, why('the MO INVITE did not reach the IMS side'));
  // the GRUU as a URI (RFC 3261 19.1.4: parameters on one side only do not
  // count; iwg's ;alias= is one, docs/ims-gateway.md 4)
  const c = /<sip:([^@;>]+)@([^;>]+)((?:;[^>]*)?)>/.exec(inv.get('Contact') || '');
  assert.ok(c && c[1] === 'ann' && c[2] === 'ims.test' && c[3].split(';').includes(`gr=urn:uuid:${ann1.instance}`),
    why(`Contact at the IMS is not the GRUU: ${inv.get('Contact')}`));
  const d = ims.dialogs.get(call.callId);
  const n = ann1.received.length;
  const r = await d.request('BYE');
  assert.equal(r && r.status, 200, why(`BYE from the IMS to the GRUU answered ${r && r.status}`));
  assert.ok(ann1.received.slice(n).some((m) => m.method === 'BYE'), why('the BYE to the GRUU did not reach the browser'));
});

test('WebSocket close: the de-REGISTER reaches the S-CSCF with the same auth-done Authorization', async () => {
  await ann2.close();
  uas.splice(uas.indexOf(ann2), 1);
  const dereg = await poll(() => regsAtCore(ann2).find((m) => /expires=0/.test(m.get('Contact') || '')), 10000,
    'the de-REGISTER of the closed WebSocket').catch((e) => { throw new Error(why(e.message)); });
  assertAuthDone(dereg, 'ann.priv@ims.test', 'de-REGISTER on close');
  assert.equal(dereg.get('To'), '<sip:ann@ims.test>', `To of the de-REGISTER: ${dereg.get('To')}`);
});

test('Chromium (JsSIP) registers with the token alone and answers an MT call: audio both ways, Opus toward the browser, AMR-WB toward the IMS', { timeout: 60000 }, async (t) => {
  const SINK = 41020; // the IMS UE's media: echoes what rtpengine sends
  let sink = null;
  let client = null;
  t.after(async () => { if (client) await client.close(); if (sink) sink.close(); });
  sink = await new RtpSink(SINK).open();
  client = await launchClient({ logDir: LOGDIR, name: 'ims-webcred' });
  const whyc = (s) => why(`${s}; see also ${path.join(LOGDIR, 'browser-ims-webcred.log')}, rtpengine.log`);
  // no password: JsSIP could not answer a challenge, the token is all it has
  const reg = await client.register(WS_URL, 'sip:zed@ims.test', null, [bearer('zed-web')]);
  assert.ok(reg.ok && reg.status === 200, whyc(`token-only REGISTER from Chromium: ${reg.status} ${reg.cause || ''}`));
  const atCore = sippReceived(scscf.msg).filter((m) => m.method === 'REGISTER' && m.get('To') === '<sip:zed@ims.test>');
  assert.equal(atCore.length, 1, whyc(`the S-CSCF saw ${atCore.length} REGISTERs of zed, expected 1 (no challenge round)`));
  assertAuthDone(atCore[0], 'zed.priv@ims.test', 'Chromium\'s REGISTER');

  // the MT call through the Path of that registration; JsSIP answers
  await client.answerNext();
  const { resp, dialog } = await ims.invite('sip:zed@ims.test', { body: imsSdp({ port: SINK }), routes: [atCore[0].get('Path')],
    from: 'sip:bob@ims.test', headers: ['P-Asserted-Identity: <sip:bob@ims.test>'], timeoutMs: 15000 });
  assert.equal(resp && resp.status, 200, whyc(`MT INVITE to Chromium answered ${resp && resp.status}`));
  const st = await client.waitStats((s) => s.dtlsState === 'connected' && s.outboundPackets > 25 && s.inboundPackets > 25,
    15000, 'DTLS up, audio both ways').catch((e) => { throw new Error(whyc(e.message)); });
  assert.match(String(st.audioCodec), /opus/i, `Chromium sends ${st.audioCodec}`);
  const callId = resp.get('Call-ID');
  const legs = await poll(async () => {
    const r = await query(callId);
    if (r.code !== 0) return false;
    const ims_ = medias(r.reply).find(({ media }) => media.protocol === 'RTP/AVP' && media.codec);
    const web = medias(r.reply).find(({ media }) => media.protocol === 'UDP/TLS/RTP/SAVPF');
    return ims_ && web && mediaPackets(ims_.media) > 0 && mediaPackets(web.media) > 0 && { ims_, web };
  }, 10000, 'rtpengine: both legs receiving').catch((e) => { throw new Error(whyc(e.message)); });
  t.diagnostic(`rtpengine: IMS leg ${legs.ims_.media.codec}, browser leg ${legs.web.media.codec}; ${sink.ofPt(96).length} AMR-WB packets at the UE`);
  assert.match(String(legs.ims_.media.codec), /^AMR-WB/, whyc(`IMS leg codec ${legs.ims_.media.codec}`));
  assert.match(String(legs.web.media.codec), /^opus/i, whyc(`browser leg codec ${legs.web.media.codec}`));
  assert.ok(sink.ofPt(96).length > 10, whyc(`AMR-WB packets at the UE: ${JSON.stringify(sink.summary())}`));
  const r = await dialog.request('BYE');
  assert.equal(r && r.status, 200, whyc(`BYE from the IMS answered ${r && r.status}`));
});
