// The real @signalwire/js 1.5.0 Verto client's call survives its node (see
// test.sh): the SDK in Chromium reaches the two nodes through one address,
// a TCP front that hands each new connection to the first node accepting
// it (as a load balancer with health checks does); node A carries the
// call with audio both ways and is killed by PID; the SDK reconnects by
// itself to the same address, now node B, which takes the session over:
// verto.attach, the SDK's new peer connection, audio both ways again; the
// SDK's message reaches the agent through B (INFO) and the agent's BYE
// ends the SDK's call. SIPp (sipp/cc-takeover.xml) checks the INVITE from
// A, B's re-INVITE (491 first), the INFO, and B's 200 to its BYE.
// Usage: node sdk-takeover.mjs TAP_START LOGDIR SIPP_DIR RUN_DIR
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import net from 'node:net';
import { tap } from '../lib.mjs';
import { agentMedia, bundle, openSdkPage, sipp, sippEnd } from '../../../e2e/verto/sdklib.mjs';
import { killNode, node, ownedBy, sessionKeys, redis, until } from './nodes.mjs';

const [start, logDir, sippDir, runDir] = process.argv.slice(2);
const t = tap(Number(start));
const logs = `${logDir}/browser-verto-sdk-takeover.log, kam-a2.log, kam-b.log, sipp-sdk-takeover-*`;
const why = (x) => `got ${JSON.stringify(x)?.slice(0, 600)}; logs: ${logs}`;
const A = node('127.0.0.21', runDir, 'kam-a2');
const B = node('127.0.0.22', runDir, 'kam-b');
const FRONT = 8446;

// the front on 127.0.0.1:FRONT: a new connection goes to the first node
// whose Verto port accepts it, and lives as long as that connection
function front(port, nodes) {
  const open = new Set();
  const server = net.createServer((c) => {
    open.add(c);
    c.on('close', () => open.delete(c));
    c.on('error', () => {});
    c.pause();
    const to = (i) => {
      if (i >= nodes.length || c.destroyed) { c.destroy(); return; }
      const up = net.connect(8082, nodes[i].ip);
      c.once('close', () => up.destroy());
      up.once('error', () => { up.destroy(); to(i + 1); });
      up.once('connect', () => {
        up.removeAllListeners('error');
        up.on('error', () => c.destroy());
        up.on('close', () => c.destroy());
        c.pipe(up);
        up.pipe(c);
        c.resume();
      });
    };
    to(0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ close() { for (const c of open) c.destroy(); server.close(); } }));
  });
}

const rtp = await agentMedia(41100);
const lb = await front(FRONT, [A, B]);
const cc = sipp(logDir, 'sdk-takeover', ['-sf', `${sippDir}/cc-takeover.xml`, '-i', '127.0.0.1', '-p', '5090',
  '-set', 'node_a', A.ip, '-set', 'node_b', B.ip,
  '-mi', '127.0.0.1', '-mp', '41000', '-key', 'rtp_port', '41100', '-m', '1', '-cp', '8893']);
let sdk = null;
try {
  sdk = await openSdkPage((await bundle()).outfile, `${logDir}/browser-verto-sdk-takeover.log`);
  const { vt, events } = sdk;
  const audio = (pc, min = 25) => until(async () => {
    const s = await vt('stats');
    return s && s.pc === pc && s.sent >= min && s.received >= min && (await vt('state')) === 'active' ? s : false;
  }, `audio on peer connection ${pc}`, 15000);

  // ---- the call through the front, carried by node A ----
  await vt('connect', `ws://127.0.0.1:${FRONT}/verto-ws`, '1008@cc.example', '1234', { tenant: 'acme' });
  const ready = await until(async () => (await events()).find((e) => e.type === 'ready' || e.type === 'error'), 'ready');
  const sessid = ready?.detail?.sessid;
  t.check(ready?.type === 'ready' && sessid, 'the SDK logs in through the front (signalwire.ready)', why(ready));
  if (!sessid) throw new Error('login failed; nothing more to check');
  await vt('call', '5000');
  const first = await audio(1);
  t.check(!!first, 'the call is active with audio both ways (getStats of the SDK\'s peer connection)',
    why({ stats: await vt('stats'), state: await vt('state') }));
  t.check(await until(() => ownedBy(A, sessid), 'A owns the session'), 'Redis: node A owns the session',
    `owner ${redis('GET', sessionKeys(sessid).owner)}`);

  // ---- node A dies; the SDK reconnects to the front by itself ----
  const opens = (await events()).filter((e) => e.type === 'socket.open').length;
  const killed = Date.now();
  const { pids, gone } = await killNode(A);
  t.check(pids.length > 3 && gone, `node A killed mid-call (${pids.length} processes, SIGKILL by PID)`, `pids ${pids}`);
  const back = await until(async () => (await events()).filter((e) => e.type === 'socket.open').length > opens,
    'reconnect', 15000);
  t.check(!!back, 'the SDK reconnects to the same address (now node B)', why(await events()));
  t.check(await until(() => ownedBy(B, sessid), 'B owns the session', 15000),
    'node B takes the session over (owner key names B)', `owner ${redis('GET', sessionKeys(sessid).owner)}`);
  const again = await audio(2);
  // a figure, not an assertion: from the kill to 25 packets each way again
  if (again) console.log(`# audio back ${Date.now() - killed} ms after node A was killed`);
  t.check(!!again, 'node B re-attaches the call: the SDK answers verto.attach with a new peer connection, audio both ways again',
    why({ stats: await vt('stats'), state: await vt('state'),
      // rtpengine 10.5's re-attach race (docs/verto-ha.md, Limits)
      race: (() => { try { return /fingerprint mismatch/i.test(fs.readFileSync(`${logDir}/rtpengine.log`, 'utf8')); } catch { return 'no log'; } })() }));
  const agentBefore = rtp.packets;
  t.check(!!(await until(() => rtp.packets >= agentBefore + 25, 'agent RTP', 8000)),
    'the agent keeps receiving the browser\'s audio after the take-over', why(rtp.packets - agentBefore));

  // ---- the call goes on through B: the SDK's message, the agent's BYE ----
  t.check(await until(() => /o=cc%20\d+%202%20IN/.test(redis('GET', sessionKeys(sessid).state)), 'the re-INVITE answered', 15000),
    'node B\'s re-INVITE is answered (after a 491) and its SDP stored', `state ${redis('GET', sessionKeys(sessid).state).slice(0, 300)}`);
  await vt('message', 'iwg-cc', JSON.stringify({ event: 'note', text: 'still here' }));
  const ended = await until(async () => ['hangup', 'destroy'].includes(await vt('state')),
    'the agent\'s BYE', 15000);
  t.check(!!ended, 'the agent\'s BYE through node B ends the SDK\'s call', why(await vt('info')));
  const code = await sippEnd(cc);
  t.check(code === 0, 'SIPp: INVITE from A; re-INVITE from B (491, then again); the SDK\'s INFO through B; B answers the agent\'s BYE',
    `sipp exited ${code}; see ${logDir}/sipp-sdk-takeover-messages.log, sipp-sdk-takeover-errors.log`);
} catch (e) {
  t.check(false, 'the test ran to its end', e.stack);
} finally {
  // the next run of the contact center takes the same ports
  cc.proc.kill();
  if (await sippEnd(cc, 3000) === 'still running') cc.proc.kill('SIGKILL');
  rtp.close();
  lb.close();
  if (sdk) await sdk.close();
}
process.exit(t.failed ? 1 : 0);
