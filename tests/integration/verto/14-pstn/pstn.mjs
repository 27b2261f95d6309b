// PSTN through carrier trunks with Verto calls from Chromium (raw Verto
// JSON-RPC, real RTCPeerConnection) and SIPp carriers: a call out to a
// national number (failover from a 503 trunk, digest, E.164, DID, a signed
// Identity verified here with iwg's public key, BYE through the
// Record-Routed dialog with CSeq kept right), a caller without a DID
// refused, a carrier's call to the DID answered in the browser, and one
// whose Identity was tampered with refused 438.
// Usage: node pstn.mjs TAP_START LOGDIR WS_URL SIPP_DIR KEYS_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import { launch, tap } from '../lib.mjs';
import { header, identity, received, sippRunner, verify } from '../pstnlib.mjs';

const [start, logDir, wsUrl, sippDir, keys] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;

const { sipp, log } = sippRunner(logDir);
const cseq = (m) => Number((header(m, 'CSeq') || '').split(' ')[0]);

const dialog = (callID, dest) => ({ audio: true, video: false, useStereo: false, attach: false,
  screenShare: false, userVariables: {}, iceServers: [], localElement: null, remoteElement: {}, callID,
  destination_number: dest, remote_caller_id_name: 'Outbound Call', remote_caller_id_number: dest,
  caller_id_name: 'Caller Two', caller_id_number: '+33000000000' });
const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const offer = () => ev(() => audioOffer());

let sessid;
async function login(id, user) {
  await send({ jsonrpc: '2.0', id, method: 'login', params: { login: user, passwd: '1234', userVariables: {}, loginParams: {} } });
  return (await wait(`m.id === '${id}'`))?.result?.sessid;
}

try {
  await ev(([u]) => vopen('a', u), [wsUrl]);
  sessid = await login('L1', '2009@cc.example');
  t.check(!!sessid, 'login of a PaaS user whose mapping holds the DID +33123456789', why(sessid));

  // 1: a national number: trunk A refuses, trunk B challenges and answers
  const a = sipp('trunk-a', ['-sf', `${sippDir}/cc-route-refuse.xml`, '-p', '5097']);
  const b = sipp('trunk-b', ['-sf', `${sippDir}/pstn-carrier.xml`, '-p', '5098']);
  const callID = '5e0b1c2d-0000-4000-8000-000000000001';
  await send({ jsonrpc: '2.0', id: 'inv1', method: 'verto.invite',
    params: { sessid, sdp: await offer(), dialogParams: dialog(callID, '0612345678') } });
  const end = await wait(`(m.method === 'verto.answer' || m.method === 'verto.bye') && m.params?.callID === '${callID}'`, 15000);
  t.check(end?.method === 'verto.answer',
    'a call to 06 12 34 56 78 is answered by the second trunk (the first one\'s 503 unseen)', why(end));
  // the browser's blind transfer would have the carrier dial past the
  // trunk checks: the REFER never reaches it (refused on the loop)
  await send({ jsonrpc: '2.0', id: 'xfer1', method: 'verto.modify',
    params: { sessid, action: 'transfer', destination: '0899123456', dialogParams: dialog(callID, '0612345678') } });
  const xfer = await wait(`m.id === 'xfer1'`);
  let noRefer = false;
  for (let i = 0; i < 50 && !noRefer; i++) {
    noRefer = /REFER in trunk call \S+ refused/.test(fs.readFileSync(`${logDir}/kamailio.log`, 'utf8'));
    if (!noRefer) await new Promise((r) => setTimeout(r, 100));
  }
  t.check(!!xfer && noRefer,
    'a transfer (verto.modify) in a trunk call is refused on the loop: no REFER reaches the carrier (its scenario has none)', why({ xfer, noRefer }));
  await send({ jsonrpc: '2.0', id: 'bye1', method: 'verto.bye', params: { sessid, dialogParams: dialog(callID, '0612345678') } });
  await wait("m.id === 'bye1'");
  t.check(await a === 0, 'the first trunk got the INVITE and the ACK of its 503', `see ${logDir}/sipp-trunk-a-*.log`);
  t.check(await b === 0,
    'the second trunk: 401 answered with the digest of its uacreg row; E.164 Request-URI, the DID in P-Asserted-Identity, an Identity header; ACK and BYE',
    `see ${logDir}/sipp-trunk-b-*.log`);
  const reqs = received(log('trunk-b'));
  const invites = reqs.filter((m) => m.startsWith('INVITE '));
  const auth = invites[1] || '';
  const v = verify(header(auth, 'Identity'), `${keys}/iwg-pub.pem`);
  t.check(v && v.claims.orig?.tn === '33123456789' && v.claims.dest?.tn?.[0] === '33612345678'
      && v.claims.attest === 'A' && v.header.ppt === 'shaken' && v.header.x5u === 'https://cert.iwg.test/iwg.pem',
  'the Identity header verifies with iwg\'s public key: orig +33123456789, dest +33612345678, attestation A',
  why({ identity: header(auth, 'Identity'), v }));
  t.check(!/caller_id|\+33000000000/.test(auth), 'nothing of the number the client claimed reaches the carrier', why(auth.slice(0, 400)));
  const ack = reqs.find((m) => m.startsWith('ACK ') && header(m, 'To')?.includes('pstn'));
  const bye = reqs.find((m) => m.startsWith('BYE '));
  t.check(ack && bye && cseq(ack) === cseq(auth) && cseq(bye) > cseq(auth),
    'after the challenge the dialog keeps CSeq right: the ACK has the answered INVITE\'s, the BYE a higher one',
    why({ invite: cseq(auth), ack: ack && cseq(ack), bye: bye && cseq(bye) }));

  // 1b: a trunk that challenges then fails: the next trunk, which does not
  // challenge, sees the INVITE's own CSeq in the ACK and the BYE
  const a2 = sipp('trunk-a2', ['-sf', `${sippDir}/pstn-trunk-auth-503.xml`, '-p', '5097']);
  const b2 = sipp('trunk-b2', ['-sf', `${sippDir}/pstn-trunk-answer.xml`, '-p', '5098']);
  const call1b = '5e0b1c2d-0000-4000-8000-00000000001b';
  await send({ jsonrpc: '2.0', id: 'inv1b', method: 'verto.invite',
    params: { sessid, sdp: await offer(), dialogParams: dialog(call1b, '0756123456') } });
  const end1b = await wait(`(m.method === 'verto.answer' || m.method === 'verto.bye') && m.params?.callID === '${call1b}'`, 15000);
  await send({ jsonrpc: '2.0', id: 'bye1b', method: 'verto.bye', params: { sessid, dialogParams: dialog(call1b, '0756123456') } });
  await wait("m.id === 'bye1b'");
  t.check(end1b?.method === 'verto.answer' && await a2 === 0 && await b2 === 0,
    'a trunk that answers the digest with 503 is failed over to the next trunk', why({ end1b, logs: 'sipp-trunk-a2/b2' }));
  const r2 = received(log('trunk-b2'));
  const inv2 = r2.find((m) => m.startsWith('INVITE '));
  const ack2 = r2.find((m) => m.startsWith('ACK '));
  const bye2 = r2.find((m) => m.startsWith('BYE '));
  t.check(inv2 && ack2 && bye2 && cseq(ack2) === cseq(inv2) && cseq(bye2) > cseq(inv2),
    'the second trunk\'s ACK has its INVITE\'s CSeq, the BYE a higher one (the first trunk\'s challenge forgotten)',
    why({ invite: inv2 && cseq(inv2), ack: ack2 && cseq(ack2), bye: bye2 && cseq(bye2) }));

  // 2: a PaaS user without a DID cannot call the telephone network
  await ev(([u]) => vopen('b', u), [wsUrl]);
  await ev((o) => vsend('b', o), { jsonrpc: '2.0', id: 'L2', method: 'login',
    params: { login: '1008@cc.example', passwd: '1234', userVariables: {}, loginParams: {} } });
  const s2 = (await ev(([p, m]) => vwait('b', new Function('m', `return ${p}`), m), ["m.id === 'L2'", 8000]))?.result?.sessid;
  const c2 = '5e0b1c2d-0000-4000-8000-000000000002';
  await ev((o) => vsend('b', o), { jsonrpc: '2.0', id: 'inv2', method: 'verto.invite',
    params: { sessid: s2, sdp: await offer(), dialogParams: dialog(c2, '0612345678') } });
  const e2 = await ev(([p, m]) => vwait('b', new Function('m', `return ${p}`), m),
    [`m.method === 'verto.bye' && m.params?.callID === '${c2}'`, 10000]);
  t.check(!!e2, 'a caller whose mapping has no DID is refused (verto.bye), no trunk is tried', why(e2));

  // 3: the carrier calls the DID (national form): the browser answers
  const goodId = identity(`${keys}/carrier-key.pem`, '33698765432', '33123456789');
  const inbound = sipp('call-in', ['127.0.0.1:5060', '-sf', `${sippDir}/pstn-call-in.xml`, '-s', '0123456789',
    '-p', '5099', '-set', 'identity', goodId]);
  const inv = await wait("m.method === 'verto.invite'", 10000);
  t.check(!!inv && inv.params?.caller_id_number?.includes('33698765432'),
    'a carrier\'s call to 01 23 45 67 89 with a valid Identity rings the DID\'s user (verto.invite)', why(inv?.params));
  if (inv) {
    await send({ jsonrpc: '2.0', id: inv.id, result: { method: 'verto.invite' } });
    const asdp = await ev(([i]) => answerInvite(i), [inv]);
    await send({ jsonrpc: '2.0', id: 'ans3', method: 'verto.answer',
      params: { sessid, sdp: asdp, dialogParams: { callID: inv.params.callID } } });
  }
  t.check(await inbound === 0 && /SIP\/2\.0 200/.test(log('call-in')),
    'the carrier\'s call is answered (200, ACK, BYE)', `see ${logDir}/sipp-call-in-*.log`);

  // 4: a tampered Identity: 438 (IWG_STIR_INBOUND reject), nothing rings
  const bad = goodId.replace(/\.([A-Za-z0-9_-])/, (m0, c) => `.${c === 'A' ? 'B' : 'A'}`);
  const refused = await sipp('call-in-bad', ['127.0.0.1:5060', '-sf', `${sippDir}/pstn-call-in.xml`,
    '-s', '0123456789', '-p', '5099', '-set', 'identity', bad]);
  t.check(refused === 0 && /SIP\/2\.0 438/.test(log('call-in-bad')),
    'a carrier\'s call whose Identity does not verify is refused 438', `see ${logDir}/sipp-call-in-bad-*.log`);

  // 5: a well signed PASSporT of another call (another caller): 438
  const other = identity(`${keys}/carrier-key.pem`, '33611111111', '33123456789');
  const replay = await sipp('call-in-other', ['127.0.0.1:5060', '-sf', `${sippDir}/pstn-call-in.xml`,
    '-s', '0123456789', '-p', '5099', '-set', 'identity', other]);
  t.check(replay === 0 && /SIP\/2\.0 438/.test(log('call-in-other')),
    'a valid signature over another caller\'s number (orig.tn is not the From) is refused 438',
    `see ${logDir}/sipp-call-in-other-*.log`);
} catch (e) {
  t.check(false, 'PSTN checks ran', e.stack);
} finally {
  await browser.close();
}
process.exit(t.failed ? 1 : 0);
