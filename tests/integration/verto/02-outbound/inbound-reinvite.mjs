// iwg_verto: the contact center calls a PaaS user back, then re-INVITEs
// with a new P-Asserted-Identity (hold, resume): raw Verto JSON-RPC from
// Chromium with a real RTCPeerConnection answering, SIPp (UAC) as the
// contact center (cc-reinvite-inbound.xml).
// Usage: node inbound-reinvite.mjs TAP_START LOGDIR WS_URL SIPP_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { launch, tap } from '../lib.mjs';

const [start, logDir, wsUrl, sippDir] = process.argv.slice(2);
const t = tap(Number(start));
const { browser, page } = await launch();
const ev = (fn, ...a) => page.evaluate(fn, ...a);
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logDir}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sipp(name, scenario) {
  const args = ['127.0.0.1:5060', '-sf', `${sippDir}/${scenario}`, '-s', '1008',
    '-i', '127.0.0.1', '-p', '5091', '-key', 'rtp_port', '41300', '-m', '1',
    '-cp', '8895', '-nostdin', '-timeout', '30', '-timeout_error', '-trace_msg', '-trace_err',
    '-message_file', `${logDir}/sipp-${name}-messages.log`,
    '-error_file', `${logDir}/sipp-${name}-errors.log`];
  const p = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

const send = (obj) => ev((o) => vsend('a', o), obj);
const wait = (pred, ms = 8000) => ev(([p, m]) => vwait('a', new Function('m', `return ${p}`), m), [pred, ms]);

// the agent's media: RTP reaching 127.0.0.1:41300
const rtp = { packets: 0 };
const agentMedia = dgram.createSocket('udp4');
agentMedia.on('message', (b) => { if (b.length >= 12 && (b[0] >> 6) === 2) rtp.packets += 1; });
await new Promise((r) => agentMedia.bind(41300, '127.0.0.1', r));
const untilRtp = async (pred, ms) => {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await sleep(50);
  return pred();
};

try {
  await ev(([u]) => vopen('a', u), [wsUrl]);
  await send({ jsonrpc: '2.0', id: 'L1', method: 'login', params: { login: '1008@cc.example',
    passwd: '1234', userVariables: {}, loginParams: {} } });
  const r = await wait("m.id === 'L1'");
  const sessid = r?.result?.sessid;
  t.check(!!sessid, 'inbound: login through the identity store', why(r));

  const cc = sipp('reinvite-inbound', 'cc-reinvite-inbound.xml');
  const inv = await wait("m.method === 'verto.invite'", 10000);
  t.check(inv?.params?.caller_id_name === 'Agent Smith' && inv.params.caller_id_number === '2001',
    'inbound: verto.invite names the caller Agent Smith / 2001', why(inv?.params));
  const callID = inv?.params?.callID;
  await send({ jsonrpc: '2.0', id: inv.id, result: { method: 'verto.invite' } });
  const asdp = await ev((i) => answerInvite(i), inv);
  await send({ jsonrpc: '2.0', id: 'ans', method: 'verto.answer', params: { sessid, sdp: asdp,
    dialogParams: { callID, destination_number: '1008', caller_id_name: 'Web User', caller_id_number: '1008' } } });
  const ar = await wait("m.id === 'ans'");
  t.check(ar?.result && !ar.error, 'inbound: verto.answer is answered with a result', why(ar));

  let d = await wait(`m.method === 'verto.display' && m.params?.callID === '${callID}'`, 10000);
  t.check(d?.params?.display_name === 'Transfer Desk' && d.params.display_number === '2100' &&
    d.params.display_direction === 'outbound',
    'inbound: the re-INVITE with P-Asserted-Identity "Transfer Desk" <sip:2100@...> gives verto.display Transfer Desk / 2100, direction as in verto.invite',
    why(d));
  d = await wait(`m.method === 'verto.display' && m.params?.callID === '${callID}' && m.params.display_number !== '2100'`, 10000);
  t.check(d?.params?.display_name === 'Queue Seven' && d.params.display_number === '+33170000007',
    'inbound: the re-INVITE with P-Asserted-Identity "Queue Seven" <tel:+33170000007;cpc=ordinary> gives verto.display Queue Seven / +33170000007',
    why(d));
  const before = rtp.packets;
  t.check(await untilRtp(() => rtp.packets - before >= 10, 5000),
    'inbound: the browser\'s media still reaches the agent after the re-INVITEs', why(rtp.packets - before));
  await send({ jsonrpc: '2.0', id: 'bye', method: 'verto.bye', params: { sessid, dialogParams: { callID } } });
  const b = await wait("m.id === 'bye'");
  t.check(b?.result && !b.error, 'inbound: verto.bye is answered', why(b));
  const code = await cc;
  t.check(code === 0, 'inbound: the contact center got 200 a=recvonly (plain RTP) to its a=sendonly re-INVITE, a=sendrecv to a=sendrecv, then the BYE',
    `sipp exited ${code}; see ${logDir}/sipp-reinvite-inbound-*.log`);
} catch (e) {
  t.check(false, 'inbound re-INVITE test ran to the end', e.stack);
}
agentMedia.close();
await browser.close();
process.exit(t.failed ? 1 : 0);
