// One call through the gateway preset, its rtpengine killed mid-call (see
// test.sh for the hosts, pairs and addresses). The browser is iwg-probe
// (ICE, DTLS-SRTP, PCMA, checks the echo); the SIP side is a UDP UA here
// that answers with plain RTP on 10.17.9.1, echoes every packet and notes
// when each arrived and whether it is a clean PCMA frame (160 bytes of
// payload: an SRTP packet relayed undecrypted would carry 10 more).
//
// IWG_HA_CASE:
//   dtls          PCMA passed through; nothing renegotiates after DTLS is
//                 up: the standby holds the call but not the SRTP keys
//                 DTLS made, so no media comes back (docs/scaling.md)
//   renegotiated  PCMA; the SIP side re-INVITEs once DTLS is up (iwg-probe
//                 declines it, 488: it answers no re-INVITE), and by then
//                 rtpengine stores the call with its SRTP keys: the
//                 browser's media comes back at the SIP side through the
//                 standby; the gap is reported
//   transcoded    the browser sends Opus, the SIP side gets PCMA through
//                 rtpengine's transcoder; renegotiated as above: the
//                 standby relays the browser's Opus frames unconverted
//   pair-down     both nodes of the call's pair are killed: new calls go to
//                 the other service address (Kamailio disables the dead
//                 one), the call of the dead pair gets no further command
//                 (the module keeps a call on its address)
// All but pair-down: no BYE from iwg, a re-INVITE after the kill gets
// through (its offer reaches the node now holding the address), the BYE's
// delete removes the call from that node and its Redis database.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFileSync, spawn } from 'node:child_process';
import { UdpUa, rnd } from '../../ims/lib/ua.mjs';

const env = process.env;
const CASE = env.IWG_HA_CASE;
const LOGS = env.IWG_LOGDIR;
const MEDIA_IP = '10.17.9.1';
const RTP_PORT = 40100;
const see = `see ${LOGS} (kamailio.log, rtp-*.log, ha-peer.log, probe-${CASE}.*)`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// p's value, or 'running' after ms (the timer does not keep node alive)
const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(r, ms, 'running').unref())]);

// the nodes of test.sh: name host service-address own-db partner-db
const nodes = env.IWG_HA_NODES.trim().split('\n').map((l) => {
  const [name, host, addr, db, sub] = l.trim().split(/\s+/);
  return { name, host, addr, db, sub };
});
// "PID LOG" of a node (test.sh): its process and log file now
const nodeRun = (name) => fs.readFileSync(path.join(env.IWG_RUN, 'nodes', name), 'utf8').trim().split(' ');
const logOf = (name) => fs.readFileSync(path.join(LOGS, `${nodeRun(name)[1]}.log`), 'utf8');
// an NG command to a service address, from here (ng) or from inside host
// h, where the address is its own node's (ngIn); null on failure
const ngIn = (h, addr, ...args) => {
  const cmd = [env.IWG_NG_BIN, '-s', `${addr}:2223`, '-t', '300', ...args];
  try {
    return JSON.parse(execFileSync(h ? 'nsenter' : cmd.shift(), h ? ['-t', hostNs(h), '-n', ...cmd] : cmd,
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return null;
  }
};
const ng = (addr, ...args) => ngIn(null, addr, ...args);
const hostNs = (h) => env.IWG_HA_NS.split(' ')[h === 'A' ? 0 : 1];
// the SRTP suite of the browser's leg in a query answer ('none': no keys)
const browserSuite = (q) => (q ? Object.values(q.tags || {}).flatMap((t) => t.medias || [])
  .filter((m) => m.protocol === 'UDP/TLS/RTP/SAVPF').map((m) => m.streams[0]['crypto suite'] || 'none').join() : null);
// the host ('A' or 'B') the route of a service address points to
const hostOf = (addr) => (/dev ha([AB])\b/.exec(execFileSync('ip', ['-o', 'route', 'get', addr], { encoding: 'utf8' })) || [])[1];
const redis = (db, ...args) => execFileSync('redis-cli', ['-h', MEDIA_IP, '-p', env.IWG_MREDIS_PORT, '-n', db, ...args],
  { encoding: 'utf8', env: { ...env, REDISCLI_AUTH: env.RTPENGINE_REDIS_AUTH_PW } }).trim();

// UDP datagrams delivered in the namespace of host h so far
function udpIn(h) {
  const [names, values] = fs.readFileSync(`/proc/${hostNs(h)}/net/snmp`, 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  return Number(values.split(/\s+/)[names.split(/\s+/).indexOf('InDatagrams')]);
}

async function until(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) return v;
    await sleep(50);
  }
}

// --- the SIP side: SIP UA and RTP echo ---------------------------------------
const peer = await new UdpUa(5090, { name: 'peer', logFile: path.join(LOGS, 'ha-peer.log') }).open();
let sdpVersion = 1;
const peerSdp = () => ['v=0', `o=peer 4242 ${sdpVersion} IN IP4 ${MEDIA_IP}`, 's=-', `c=IN IP4 ${MEDIA_IP}`, 't=0 0',
  `m=audio ${RTP_PORT} RTP/AVP 8`, 'a=rtpmap:8 PCMA/8000', 'a=sendrecv', ''].join('\r\n');
peer.onRequest = (m) => (m.method === 'INVITE' ? { status: 200, body: peerSdp() } : { status: 200 });

const arrivals = []; // { t (ms, performance.now), clean, pt, len }
const rtp = dgram.createSocket('udp4');
rtp.on('message', (buf, from) => {
  let hdr = 12 + 4 * (buf[0] & 0x0f);
  if (buf[0] & 0x10 && buf.length >= hdr + 4) hdr += 4 + 4 * buf.readUInt16BE(hdr + 2);
  const clean = buf.length > 1 && buf[0] >> 6 === 2 && (buf[1] & 0x7f) === 8 && buf.length - hdr === 160;
  arrivals.push({ t: performance.now(), clean, pt: buf[1] & 0x7f, len: buf.length });
  rtp.send(buf, from.port, from.address);
});
await new Promise((r) => rtp.bind(RTP_PORT, MEDIA_IP, r));
const clean = (from = 0) => arrivals.filter((a) => a.clean && a.t > from);

// --- the browser: iwg-probe, in the call until the SIP side hangs up ----------
const probeOut = path.join(LOGS, `probe-${CASE}.json`);
const probe = spawn(env.IWG_PROBE, ['--ws', env.IWG_WS_URL, '--password', env.IWG_TEST_PASSWORD, '--to', 'echo',
  '--local-ip', MEDIA_IP, '--echo', '--duration', '60', '--max-loss', '100', '--timeout', '10',
  '--codec', CASE === 'transcoded' ? 'opus' : 'PCMA'],
{ stdio: ['ignore', fs.openSync(probeOut, 'w'), fs.openSync(path.join(LOGS, `probe-${CASE}.err`), 'w')] });
const probeDone = new Promise((r) => probe.on('exit', (code) => r(code)));
after(() => {
  fs.writeFileSync(path.join(LOGS, `arrivals-${CASE}.json`), JSON.stringify(arrivals));
  probe.kill('SIGKILL');
  peer.close();
  rtp.close();
});

// an in-dialog INVITE from the SIP side with its SDP (new version); ACKs a
// failure (same branch) or a 2xx; resolves with the final response
async function reinvite(d) {
  sdpVersion += 1;
  const o = {
    method: 'INVITE', ruri: d.remoteTarget, routes: d.routeSet, callId: d.callId, cseq: ++d.cseq,
    from: `<${d.localUri}>;tag=${d.localTag}`, to: `<${d.remoteUri}>;tag=${d.remoteTag}`,
    body: peerSdp(), branch: `z9hG4bK${rnd()}`,
  };
  const r = await peer.send(o);
  if (r && r.status >= 300) await peer.send({ ...o, method: 'ACK', body: '' });
  else if (r) await d.ack(o.cseq);
  return r;
}

// the probe's call is up, its media at the SIP side: its dialog here and
// the service address of its pair
async function establishedCall() {
  const flowing = await until(() => clean().length >= 25, 15000);
  assert.ok(flowing, `no clean PCMA from the browser at the SIP side within 15 s (${arrivals.length} packets); ${see}`);
  const [d] = [...peer.dialogs.values()];
  assert.ok(d, `the SIP side has no dialog; ${see}`);
  const addr = ['10.17.0.21', '10.17.0.22'].find((a) => (ng(a, 'list') || { calls: [] }).calls.includes(d.callId));
  assert.ok(addr, `neither service address lists call ${d.callId}; ${see}`);
  return { d, callId: d.callId, addr };
}

const failover = async () => {
  const { d, callId, addr } = await establishedCall();
  // which node of the pair is active (where the address points)
  const from = hostOf(addr);
  const to = from === 'A' ? 'B' : 'A';
  const active = nodes.find((n) => n.addr === addr && n.host === from);
  const standby = nodes.find((n) => n.addr === addr && n.host === to);
  console.log(`call ${callId} on ${addr}: ${active.name} (host${from}) active, ${standby.name} (host${to}) standby`);
  const inRedis = (n) => redis(n.db, 'EXISTS', callId) === '1';
  assert.ok(inRedis(active), `call ${callId} is not in the active node's Redis database ${active.db}; ${see}`);

  if (CASE !== 'dtls') {
    const r = await reinvite(d);
    assert.ok(r && r.status === 488, `the re-INVITE after DTLS: want the browser's 488, got ${r && r.status}; ${see}`);
  }
  // the standby restored it from the keyspace notifications: it holds the
  // call before the kill, with the SRTP keys of the browser's leg only if
  // an offer or answer came after DTLS (asked inside its host)
  const suite = CASE === 'dtls' ? 'none' : 'AES_CM_128_HMAC_SHA1_80';
  const held = await until(() => browserSuite(ngIn(to, addr, 'query', callId)) === suite, 5000);
  const q = ngIn(to, addr, 'query', callId);
  fs.writeFileSync(path.join(LOGS, `query-${CASE}.json`), JSON.stringify(q, null, 1));
  assert.ok(held, `${standby.name} does not hold ${callId} with SRTP suite ${suite} of the browser's leg ` +
    `(${browserSuite(q)}) before the kill; ${see}`);

  // kill the active node by PID; the address moves to the standby's host
  const before = clean().length;
  const echoedBefore = arrivals.length;
  const udp0 = udpIn(to);
  const tKill = performance.now();
  process.kill(Number(nodeRun(active.name)[0]), 'SIGKILL');
  execFileSync('ip', ['route', 'replace', `${addr}/32`, 'dev', `ha${to}`]);
  const tMove = performance.now();
  fs.writeFileSync(path.join(env.IWG_RUN, 'killed'), active.name);
  assert.equal(hostOf(addr), to, `${addr} still routes to host${from}`);

  if (CASE === 'renegotiated') {
    const back = await until(() => clean(tMove).length >= 25, 10000);
    assert.ok(back, `the browser's media did not come back at the SIP side through ${standby.name} ` +
      `(${clean(tMove).length} clean packets in 10 s after the kill); ${see}`);
    // the longest silence at the SIP side, from the last packet before the
    // kill to the 25th after the address moved
    const last = clean().filter((a) => a.t <= tKill).pop();
    const win = clean(last.t - 1).filter((a) => a.t <= clean(tMove)[24].t);
    const gap = Math.max(...win.slice(1).map((a, i) => a.t - win[i].t));
    console.log(`media gap at the SIP side: ${gap.toFixed(0)} ms without a packet (20 ms between packets); ` +
      `the address moved ${(tMove - tKill).toFixed(1)} ms after the kill`);
  } else if (CASE === 'transcoded') {
    // no transcoder on the standby: the browser's Opus frames (payload
    // type 111) reach the SIP side as they are, and no PCMA frame after
    // the first of them (before it: in flight from the killed node)
    const opus = () => arrivals.filter((a) => a.t > tMove && a.pt === 111);
    const got = await until(() => opus().length >= 25, 10000);
    assert.ok(got, `the browser's Opus frames did not reach the SIP side through ${standby.name} ` +
      `(${opus().length} in 10 s); ${see}`);
    const first = opus()[0];
    assert.equal(clean(first.t).length, 0, `${standby.name} transcoded to PCMA after the takeover ` +
      `(docs/scaling.md says it cannot); ${see}`);
    const last = clean().filter((a) => a.t <= tKill).pop();
    console.log(`transcoded call: PCMA until the kill, then Opus frames (payload type 111) unconverted through ` +
      `${standby.name}, the first ${(first.t - last.t).toFixed(0)} ms after the last PCMA one ` +
      `(${clean(tKill).length} PCMA in flight from ${active.name})`);
  } else {
    // the standby's host gets the browser's packets (UDP datagrams
    // delivered there; nothing else talks to it meanwhile) but the node has
    // no keys to decrypt them: from the 10th to the 60th datagram (1 s of
    // media; packets the killed node had sent are in by then) nothing
    // reaches the SIP side
    const at10 = await until(() => udpIn(to) >= udp0 + 10, 10000);
    const clean10 = clean().length;
    const at60 = at10 && await until(() => udpIn(to) >= udp0 + 60, 10000);
    assert.ok(at60, `host${to} did not receive the browser's packets after the move (${udpIn(to) - udp0} datagrams); ${see}`);
    assert.equal(clean().length, clean10, `clean media reached the SIP side through ${standby.name} without DTLS ` +
      `keys (docs/scaling.md says it cannot); ${see}`);
    console.log(`DTLS call, no renegotiation: host${to} received ${udpIn(to) - udp0} datagrams after the move, ` +
      `the SIP side no clean packet (${clean10 - before} in flight from ${active.name})`);
  }
  // the call was not torn down: no BYE anywhere, the browser still in it
  assert.equal(peer.received.filter((m) => m.method === 'BYE' && m.get('Call-ID') === callId).length, 0,
    `the SIP side got a BYE; ${see}`);
  assert.equal(probe.exitCode, null, `the browser (iwg-probe) left the call; ${see}`);

  // the next offer for the call reaches the node now holding the address
  const r = await reinvite(d);
  assert.ok(r && r.status === 488, `a re-INVITE after the kill: want the browser's 488 (so the offer succeeded), ` +
    `got ${r && r.status} (503: the offer failed); ${see}`);
  const standbyLog = () => logOf(standby.name);
  assert.ok(standbyLog().includes(`[${callId}]: [control] Received command 'offer'`), `${standby.name} got no offer; ${see}`);

  // the SIP side hangs up: the delete reaches the standby, the call is gone
  const bye = await d.request('BYE');
  assert.equal(bye && bye.status, 200, `BYE from the SIP side: ${bye && bye.status}; ${see}`);
  const code = await within(probeDone, 10000);
  const res = JSON.parse(fs.readFileSync(probeOut, 'utf8') || '{}');
  assert.ok(res.remote_bye === true && res.sip_status === 200, `the browser did not get the BYE: ${JSON.stringify(res)} (exit ${code}); ${see}`);
  const gone = await until(() => !(ng(addr, 'list') || { calls: [callId] }).calls.includes(callId), 5000);
  assert.ok(gone, `${standby.name} still lists ${callId} after the BYE; ${see}`);
  assert.ok(standbyLog().includes(`[${callId}]: [control] Received command 'delete'`), `${standby.name} got no delete; ${see}`);
  // its copy in Redis is gone from the database of the node that ended it
  // (the killed node's database keeps what that node wrote last, if the
  // call was written again after the takeover: docs/scaling.md)
  const clear = await until(() => !inRedis(standby), 5000);
  assert.ok(clear, `call ${callId} left in ${standby.name}'s Redis database ${standby.db}; ${see}`);
  console.log(`after the BYE: call in ${active.name}'s database ${active.db}: ${inRedis(active) ? 'yes (stale)' : 'no'}`);
  const kam = fs.readFileSync(path.join(LOGS, 'kamailio.log'), 'utf8');
  assert.doesNotMatch(kam, /rtpengine (offer|answer) failed|no available proxies|queried nodes limit/,
    `Kamailio logged a failed rtpengine command; ${see}`);

  // the way back: every packet the browser got authenticated; beyond the
  // echoes the SIP side sent before the kill (the most the killed node can
  // have relayed) it got some through the standby, unless the call has no
  // keys there. (After the declined re-offer the stored state is the
  // offer's, Opus toward the browser: sip-offer-to-browser, so the
  // renegotiated call's echo comes back as Opus, not its PCMA frames.)
  console.log(`browser's view: ${res.sent} sent, ${res.received} received (${echoedBefore} echoed before the kill), ` +
    `${res.echo_match} echoes matched, ${res.echo_mismatch} did not, ${res.srtp_errors} SRTP errors`);
  assert.equal(res.srtp_errors, 0, `the browser could not authenticate what it got: ${JSON.stringify(res)}; ${see}`);
  if (CASE === 'dtls') {
    assert.ok(res.received <= echoedBefore, `the browser got packets through ${standby.name} without DTLS keys there: ` +
      `${JSON.stringify(res)}; ${see}`);
  } else {
    assert.ok(res.received > echoedBefore, `the browser got nothing through ${standby.name}: ${JSON.stringify(res)}; ${see}`);
  }
};

const pairDown = async () => {
  const { d, callId, addr } = await establishedCall();
  const other = addr === '10.17.0.21' ? '10.17.0.22' : '10.17.0.21';
  for (const n of nodes.filter((x) => x.addr === addr)) process.kill(Number(nodeRun(n.name)[0]), 'SIGKILL');
  const kam = () => fs.readFileSync(path.join(LOGS, 'kamailio.log'), 'utf8');
  const refused = (kam().match(/no available proxies/g) || []).length;

  // new calls: those the Call-ID puts on the dead address are tried there,
  // then on the other one; the dead address is disabled
  const out = path.join(LOGS, 'probe-pair-down-new.json');
  const calls = spawn(env.IWG_PROBE, ['--ws', env.IWG_WS_URL, '--password', env.IWG_TEST_PASSWORD, '--to', 'echo',
    '--local-ip', MEDIA_IP, '--echo', '--duration', '1', '--calls', '16', '--rate', '20', '--timeout', '10'],
  { stdio: ['ignore', fs.openSync(out, 'w'), fs.openSync(path.join(LOGS, 'probe-pair-down-new.err'), 'w')] });
  const code = await new Promise((r) => calls.on('exit', r));
  assert.equal(code, 0, `new calls with ${addr} dead: ${fs.readFileSync(out, 'utf8').slice(-600)}; ${see}`);
  const show = execFileSync(env.IWG_KAMCMD.split(' ')[0], [...env.IWG_KAMCMD.split(' ').slice(1), 'rtpengine.show', 'all'],
    { encoding: 'utf8' });
  fs.writeFileSync(path.join(LOGS, 'rtpengine-show.txt'), show);
  const disabled = (a) => new RegExp(`url: udp:${a.replace(/\./g, '\\.')}:2223[^}]*?disabled: 1`, 's').test(show);
  assert.ok(disabled(addr) && !disabled(other), `rtpengine.show: want ${addr} disabled, ${other} enabled: ${show}; ${see}`);
  console.log(`16 new calls with ${addr} dead: all answered with media (through ${other})`);

  // the call of the dead pair: its BYE's delete finds no node (the module
  // keeps the call on its address), nothing reaches the other pair
  const bye = await d.request('BYE');
  assert.equal(bye && bye.status, 200, `BYE from the SIP side: ${bye && bye.status}; ${see}`);
  const failed = await until(() => (kam().match(/no available proxies/g) || []).length > refused, 5000);
  assert.ok(failed, `Kamailio did not report the delete of ${callId} as failed; ${see}`);
  for (const n of nodes.filter((x) => x.addr === other)) {
    assert.ok(!logOf(n.name).includes(`[${callId}]`), `${n.name} (${other}) heard of ${callId}; ${see}`);
  }
  console.log(`the call on ${addr}: BYE relayed, its delete found no node ("no available proxies")`);
};

if (CASE === 'pair-down') {
  test('a whole pair down: new calls go to the other service address, a call of the dead pair keeps its address', pairDown);
} else {
  test(`media failover (${CASE}): the call survives its rtpengine, the next commands reach the standby`, failover);
}
