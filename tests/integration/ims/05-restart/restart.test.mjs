// Kamailio restart with the IMS gateway cfg (see test.sh): registration,
// restart (asked of test.sh through $IWG_RUN/restart.req), usrloc rows kept
// in SQLite and loaded again, the browser reconnects and re-registers, the
// flow token issued before the restart answers 430, an MT INVITE through the
// new one reaches the browser. SIPp is the S-CSCF registrar; a Node UDP UA
// is the terminating IMS side.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WsUa, UdpUa, webrtcSdp, imsSdp } from '../lib/ua.mjs';
import { LOGDIR, see, startScscf, poll, sippReceived, rpc } from '../lib/harness.mjs';

const WS_URL = process.env.IWG_WS_URL || 'ws://127.0.0.1:8080';
const RUN = process.env.IWG_RUN;
const DB = path.join(RUN, 'iwg.sqlite');
const LOGS = ['ws-ua.log', 'ims-ua.log', 'sipp-scscf.msg', 'kamailio-before-restart.log', 'kamailio.log', 'restart.err'];
const why = (s) => `${s}; ${see(...LOGS)}`;

let registrar;
let ims;
let alice;
let path1; // the Path (flow token) of the registration before the restart

// rows of alice in the usrloc table of the SQLite database
const dbRows = () => Number(execFileSync('sqlite3', [DB, "SELECT count(*) FROM location WHERE username = 'alice';"], { encoding: 'utf8' }).trim());

// the Path of the last REGISTER with this Call-ID the S-CSCF got
const pathAt = (callId) => sippReceived(registrar.msg).filter((m) => m.method === 'REGISTER' && m.get('Call-ID') === callId && m.get('Path')).pop();

before(async () => {
  registrar = await startScscf(8898, 5082);
  ims = await new UdpUa(5082, { name: 'ims', logFile: path.join(LOGDIR, 'ims-ua.log') }).open();
  alice = await new WsUa(WS_URL, { user: 'alice', domain: 'ims.test', logFile: path.join(LOGDIR, 'ws-ua.log') }).open();
  alice.onRequest = (m) => (m.method === 'INVITE' && m.body ? { status: 200, body: webrtcSdp({ setup: 'active' }) } : { status: 200 });
});

after(async () => {
  if (alice) await alice.close();
  if (ims) ims.close();
  if (registrar) registrar.proc.kill('SIGTERM');
});

test('registration is written to the SQLite usrloc table', async () => {
  const r = await alice.register();
  assert.equal(r && r.status, 200, why(`REGISTER answered ${r && r.status}`));
  path1 = pathAt(alice.regCallId);
  assert.ok(path1, why('no REGISTER with Path at the S-CSCF'));
  path1 = path1.get('Path');
  assert.ok(dbRows() >= 1, `no usrloc row of alice in ${DB}`);
});

test('Kamailio restarts (stopped by PID, same run directory and database); the WebSocket drops', async () => {
  fs.writeFileSync(path.join(RUN, 'restart.req'), '');
  const done = path.join(RUN, 'restart.done');
  await poll(() => fs.existsSync(done) && fs.readFileSync(done, 'utf8').trim(), 60000, 'the restart of Kamailio')
    .catch((e) => { throw new Error(why(e.message)); });
  assert.equal(fs.readFileSync(done, 'utf8').trim(), 'ok', why('Kamailio did not come up again'));
  await poll(() => alice.closed, 10000, 'the browser to see its WebSocket closed').catch((e) => { throw new Error(why(e.message)); });
});

test('usrloc rows survive the restart (SQLite and ul.dump)', () => {
  assert.ok(dbRows() >= 1, `the usrloc row of alice is gone from ${DB}`);
  const dump = rpc('ul.dump');
  assert.match(dump, /alice/, `ul.dump after the restart lacks alice: ${dump}`);
});

test('the flow token issued before the restart answers 430', async () => {
  const { resp } = await ims.invite(alice.contact, { routes: [path1], body: imsSdp() });
  assert.equal(resp && resp.status, 430, why(`MT INVITE through the old flow answered ${resp && resp.status}`));
});

test('the browser reconnects and re-registers; an MT INVITE through the new Path reaches it', async () => {
  await alice.open();
  // a new registration (the S-CSCF scenario keeps one call per Call-ID)
  alice.regCallId = `${crypto.randomBytes(8).toString('hex')}@alice`;
  const r = await alice.register();
  assert.equal(r && r.status, 200, why(`re-REGISTER after the restart answered ${r && r.status}`));
  const p2 = pathAt(alice.regCallId);
  assert.ok(p2 && p2.get('Path') !== path1, why('no new Path after the restart'));
  const n = alice.received.length;
  const { resp, dialog } = await ims.invite(alice.contact, { routes: [p2.get('Path')], body: imsSdp() });
  assert.equal(resp && resp.status, 200, why(`MT INVITE after the restart answered ${resp && resp.status}`));
  assert.ok(alice.received.slice(n).some((m) => m.method === 'INVITE'), why('the browser did not get the INVITE'));
  const bye = await dialog.request('BYE');
  assert.equal(bye && bye.status, 200, why(`BYE answered ${bye && bye.status}`));
});
