// Forged in-dialog requests for an answered Verto call: SIPp (the contact
// center) calls the PaaS user, Chromium answers with a real
// RTCPeerConnection; then requests with the call's Call-ID but a wrong
// From or To tag (a re-INVITE moving the media, a BYE, a NOTIFY sipfrag)
// each get 481 and change nothing: no verto.bye or verto.info reaches the
// browser, verto.calls still lists the call active, verto:dialog_refused
// counts them, the agent's media
// still arrives where it was and none where the forged SDP pointed. A BYE
// with the right tags from 127.0.0.5 (not in IWG_CC_PEERS) is not acted on
// either. Then SIPp's genuine BYE ends the call (verto.bye
// NORMAL_CLEARING). Usage: node forged.mjs TAP_START LOGDIR WS_URL SIPP_SCENARIO
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';
import fs from 'node:fs';
import { launch, tap } from '../lib.mjs';
import { rpcUntil, vertoStats } from '../../../lib/wsload.mjs';
import { agentMedia, sipp, sippEnd, sleep, twinServer } from '../../../e2e/verto/sdklib.mjs';

const [start, logDir, wsUrl, scenario] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 700)}; logs: ${logDir} (kamailio.log, sipp-forged-*, forged-sip.log)`;
const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);
const msgs = () => ev(() => socks.a.msgs);
const TWIN = 8898;
const siplog = fs.createWriteStream(`${logDir}/forged-sip.log`);

const list = (r) => (Array.isArray(r) ? r : []);

// a UDP endpoint that sends requests to Kamailio and collects the replies
async function sipSocket(addr) {
  const s = dgram.createSocket('udp4');
  const replies = [];
  s.on('message', (b) => {
    const text = b.toString('latin1');
    siplog.write(`<<< ${addr}\n${text}\n`);
    const m = /^SIP\/2\.0 (\d{3})/.exec(text);
    const br = /branch=([^;\r\n ]+)/.exec(text);
    const to = /^(?:To|t):[^\r\n]*?;tag=([^;\r\n ]+)/mi.exec(text);
    if (m) replies.push({ code: Number(m[1]), branch: br ? br[1] : '', totag: to ? to[1] : '' });
  });
  await new Promise((r) => s.bind(0, addr, r));
  return {
    port: s.address().port,
    // send one request; its first final reply's code, or null within ms
    async request(text, branch, ms = 4000) {
      siplog.write(`>>> ${addr}\n${text}\n`);
      s.send(Buffer.from(text, 'latin1'), 5060, '127.0.0.1');
      const t0 = Date.now();
      while (Date.now() - t0 < ms) {
        const r = replies.find((x) => x.branch === branch && x.code >= 200);
        if (r) { this.last = r; return r.code; }
        await sleep(20);
      }
      return null;
    },
    close: () => s.close(),
  };
}

let seq = 1;
function request(sock, addr, method, { callId, ftag, ttag }, body = '', ctype = '') {
  seq += 1;
  const branch = `z9hG4bK-forged-${seq}`;
  const text = `${method} sip:verto@127.0.0.1:5060 SIP/2.0\r\n`
    + `Via: SIP/2.0/UDP ${addr}:${sock.port};branch=${branch}\r\n`
    + `From: "Agent Smith" <sip:2001@cc.example>;tag=${ftag}\r\n`
    + `To: <sip:1008@cc.example>${ttag ? `;tag=${ttag}` : ''}\r\n`
    + `Call-ID: ${callId}\r\nCSeq: ${seq} ${method}\r\n`
    + `Contact: <sip:2001@${addr}:${sock.port}>\r\nMax-Forwards: 70\r\n`
    + (method === 'NOTIFY' ? 'Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n' : '')
    + (ctype ? `Content-Type: ${ctype}\r\n` : '')
    + `Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
  return sock.request(text, branch);
}

const said = [];
const twin = await twinServer(TWIN, (h) => said.push(h));
const agent = await agentMedia(41300);
// where the forged re-INVITE points the media: must stay silent
const moved = { packets: 0 };
const movedSock = dgram.createSocket('udp4');
movedSock.on('message', () => { moved.packets += 1; });
await new Promise((r) => movedSock.bind(41302, '127.0.0.1', r));
const untilTrue = async (pred, ms) => {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await sleep(50);
  return pred();
};

let cc;
try {
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L', method: 'login', params: { login: '1008@cc.example', passwd: '1234',
    userVariables: {}, loginParams: {} } });
  const sessid = (await wait("m.id === 'L'"))?.result?.sessid;
  t.check(!!sessid, 'login through the identity store', why(sessid));

  cc = sipp(logDir, 'forged', ['127.0.0.1:5060', '-sf', scenario, '-s', '1008', '-i', '127.0.0.1',
    '-p', '5092', '-key', 'rtp_port', '41300', '-m', '1', '-cp', '8899', '-3pcc', `127.0.0.1:${TWIN}`]);
  const inv = await wait("m.method === 'verto.invite'", 10000);
  t.check(!!inv, 'the contact center\'s call reaches the browser (verto.invite)', why(inv));
  const callID = inv?.params?.callID;
  await send({ jsonrpc: '2.0', id: inv.id, result: { method: 'verto.invite' } });
  const asdp = await ev(([i]) => answerInvite(i), [inv]);
  await send({ jsonrpc: '2.0', id: 'ans', method: 'verto.answer',
    params: { sessid, sdp: asdp, dialogParams: { callID } } });
  const ar = await wait("m.id === 'ans'");
  t.check(ar?.result && !ar.error, 'the browser answers (verto.answer result)', why(ar));
  await untilTrue(() => said.some((h) => h.agent === 'answered'), 10000);
  const d = said.find((h) => h.agent === 'answered');
  t.check(d && d.ltag && d.rtag && d['call-id'], 'SIPp got the 200 and told the dialog\'s tags', why(said));
  const ids = { callId: d?.['call-id'], ltag: d?.ltag, rtag: d?.rtag };
  t.check(await untilTrue(() => agent.packets >= 25, 10000),
    'media from the browser reaches the agent through rtpengine', why(agent.packets));

  const sock = await sipSocket('127.0.0.1');
  const sdp = 'v=0\r\no=evil 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
    + 'm=audio 41302 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n';
  const wrongTo = { callId: ids.callId, ftag: ids.rtag, ttag: 'forged-to' };
  const wrongFrom = { callId: ids.callId, ftag: 'forged-from', ttag: ids.ltag };
  const forged = [
    ['a re-INVITE moving the media, wrong To tag', 'INVITE', wrongTo, sdp, 'application/sdp'],
    ['a re-INVITE moving the media, wrong From tag', 'INVITE', wrongFrom, sdp, 'application/sdp'],
    ['an UPDATE moving the media, wrong To tag', 'UPDATE', wrongTo, sdp, 'application/sdp'],
    ['a NOTIFY sipfrag, wrong To tag', 'NOTIFY', wrongTo, 'SIP/2.0 200 OK\r\n', 'message/sipfrag;version=2.0'],
    ['a BYE, wrong From tag', 'BYE', wrongFrom],
    ['a BYE, wrong To tag', 'BYE', wrongTo],
    ['a BYE without To tag', 'BYE', { callId: ids.callId, ftag: ids.rtag, ttag: '' }],
  ];
  const leaked = [];
  for (const [name, method, tags, body, ctype] of forged) {
    const code = await request(sock, '127.0.0.1', method, tags, body, ctype);
    t.check(code === 481, `${name}: 481 Call/Transaction Does Not Exist`, why(code));
    // the 481 must not give the dialog's tag to a request that lacked it
    if (tags.ttag !== ids.ltag && sock.last?.totag === ids.ltag)
      leaked.push({ name, sent: tags.ttag, got: sock.last?.totag });
  }
  t.check(leaked.length === 0, 'no 481 gives away the dialog\'s own tag', why(leaked));
  // the right tags, from an address outside IWG_CC_PEERS
  const stranger = await sipSocket('127.0.0.5');
  const scode = await request(stranger, '127.0.0.5', 'BYE',
    { callId: ids.callId, ftag: ids.rtag, ttag: ids.ltag });
  t.check(scode === null || scode >= 300, 'a BYE with the dialog\'s tags from 127.0.0.5 (not a peer) is refused',
    why(scode));

  // nothing changed
  const before = agent.packets;
  t.check(await untilTrue(() => agent.packets - before >= 25, 8000),
    'the agent still receives the browser\'s media where it was', why(agent.packets - before));
  t.check(moved.packets === 0, 'no media went where the forged SDP pointed', why(moved.packets));
  const r = await rpcUntil('verto.calls', (x) => list(x).some((c) => c.callID === callID && c.state === 'active'));
  t.check(list(r).some((c) => c.callID === callID && c.state === 'active'),
    'verto.calls still lists the call active', why(r));
  const bad = (await msgs()).filter((m) => ['verto.bye', 'verto.info', 'verto.display', 'verto.media']
    .includes(m.method));
  t.check(bad.length === 0, 'the browser got no verto.bye, verto.info or verto.display', why(bad));
  const klog = fs.readFileSync(`${logDir}/kamailio.log`, 'utf8');
  const refused = (klog.match(/refused, its tags are not the dialog's/g) || []).length;
  t.check(refused === forged.length, `each forged request was logged as refused with its Call-ID (${refused})`,
    why(refused));
  // the counters are published about once a second: polled
  let st = await vertoStats();
  for (let i = 0; i < 30 && st.dialog_refused !== forged.length; i++) {
    await sleep(100);
    st = await vertoStats();
  }
  t.check(st.dialog_refused === forged.length,
    `stats.get_statistics verto:dialog_refused counts them (${st.dialog_refused})`, why(st));

  // the genuine BYE
  twin.send(ids.callId, { Agent: 'hangup' });
  const b = await wait(`m.method === 'verto.bye' && m.params?.callID === '${callID}'`, 10000);
  t.check(b?.params?.cause === 'NORMAL_CLEARING', 'the contact center\'s genuine BYE ends the call (verto.bye NORMAL_CLEARING)',
    why(b));
  const code = await sippEnd(cc);
  t.check(code === 0, 'SIPp saw nothing from the forged requests and its BYE got 200',
    `sipp exited ${code}; see ${logDir}/sipp-forged-*.log`);
  sock.close();
  stranger.close();
} catch (e) {
  t.check(false, 'forged-dialog test ran', e.stack);
} finally {
  twin.close();
  agent.close();
  movedSock.close();
  if (cc) cc.proc.kill();
  siplog.end();
  await browser.close();
}
process.exitCode = t.failed ? 1 : 0;
