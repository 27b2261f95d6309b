// Reconnection: the gateway closes the browser's WebSocket (Kamailio RPC
// ws.close); iwg.js reconnects by itself, registers again, and the next
// call to it works.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSipp, waitEvent, rpc, see, here } from './lib.mjs';
import { registered, flowing, hangup } from './calls.mjs';

// ids of the open WebSocket connections (kamcmd ws.dump)
function wsConnections() {
  const out = rpc('ws.dump');
  // "3: wss:127.0.0.1:39580 -> wss:127.0.0.1:8443 (state: OPEN, ...)"
  return { ids: [...out.matchAll(/^\s*(\d+): wss?:/mg)].map((m) => m[1]), out };
}

test('after the gateway drops the WebSocket, iwg.js reconnects, registers again and the next call in works', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'rc', 'alice');
  const { ids, out } = wsConnections();
  assert.ok(ids.length >= 1, `no WebSocket connection in ws.dump: ${out}`);
  for (const id of ids) rpc('ws.close', id);
  const rec = await waitEvent(pg, 'rc', 'reconnecting');
  t.diagnostic(`closed WebSocket connection(s) ${ids.join(', ')}; reconnecting (close code ${rec.detail.code})`);
  await waitEvent(pg, 'rc', 'unregistered');
  const again = await waitEvent(pg, 'rc', 'registered', (d) => d.reconnected === true, 'registered again after the reconnection');
  assert.ok(again.t > rec.t);
  assert.equal(await pg.t('state', 'rc'), 'registered');
  const after = wsConnections();
  assert.ok(after.ids.length >= 1 && !after.ids.some((id) => ids.includes(id)), `WebSocket connections after the reconnection: ${after.out}`);

  await pg.t('expectIncoming', 'rc', 'call-rc', {});
  const uac = startSipp('uac-rc', path.resolve(here, '../sipp/uac-to-browser.xml'),
    ['127.0.0.1:5060', '-s', 'alice', '-i', '127.0.0.1', '-p', '5092', '-mp', '40400', '-rtp_echo', '-m', '1']);
  t.after(() => uac.stop());
  await waitEvent(pg, 'rc', 'incoming').catch((e) => { throw new Error(`${e.message}; ${see(...uac.logs)}`); });
  await flowing(pg, 'call-rc');
  await hangup(pg, 'call-rc', uac);
});
