// Transfers with iwg.js: blind (REFER) and attended (REFER with Replaces
// naming the other call's dialog), asserted in what the SIPp peer receives.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitEvent, see, poll, DOMAIN, STEP } from './lib.mjs';
import { registered, answeringPeer, flowing } from './calls.mjs';

// the SIP URI and header parameters of a Refer-To value
function referTo(value) {
  const uri = (/<([^>]+)>/.exec(value) || [null, value])[1];
  const [base, query = ''] = uri.split('?');
  const headers = Object.fromEntries(query.split('&').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    return [decodeURIComponent(kv.slice(0, i)).toLowerCase(), decodeURIComponent(kv.slice(i + 1))];
  }));
  return { base, headers };
}

const tagOf = (h) => (/;tag=([^;>\s]+)/.exec(h || '') || [])[1];

test('transfer() sends a REFER to the target; accepted (202), the call ends as transferred', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'bt', 'caller');
  const { peer } = await answeringPeer(t, 'peer-bt', { port: 41800 });
  assert.deepEqual(await pg.t('call', 'bt', 'call-bt', 'echo'), { ok: true });
  await flowing(pg, 'call-bt');
  const r = await pg.t('invoke', 'call-bt', 'transfer', [`carol@${DOMAIN}`]);
  assert.ok(r.ok, `transfer(): ${r.code} ${r.message}; ${see('browser.log', ...peer.logs)}`);
  assert.equal(r.value.status, 202, 'transfer() resolves with the REFER\'s 202');
  const [refer] = peer.received('REFER');
  assert.ok(refer, `no REFER at the peer; ${see(...peer.logs)}`);
  assert.equal(referTo(refer.get('Refer-To')).base, `sip:carol@${DOMAIN}`, `Refer-To: ${refer.get('Refer-To')}`);
  assert.ok(!/replaces/i.test(refer.get('Refer-To')), 'a blind transfer has no Replaces');
  const ended = await waitEvent(pg, 'call-bt', 'ended');
  assert.equal(ended.detail.reason, 'transferred', JSON.stringify(ended.detail));
  assert.equal(await peer.waitExit(STEP), 0, `SIPp peer did not get its BYE after the transfer; ${see(...peer.logs)}`);
});

test('transfer({ waitForResult }) resolves with the status the far end\'s NOTIFY reports, relayed by the gateway in the call\'s dialog', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'bn', 'caller');
  const { peer } = await answeringPeer(t, 'peer-bn', { port: 41850, referNotify: true });
  assert.deepEqual(await pg.t('call', 'bn', 'call-bn', 'echo'), { ok: true });
  await flowing(pg, 'call-bn');
  const r = await pg.t('invoke', 'call-bn', 'transfer', [`carol@${DOMAIN}`, { waitForResult: true, timeoutMs: STEP }]);
  assert.ok(r.ok, `transfer(): ${r.code} ${r.message}; ${see('browser.log', 'kamailio.log', ...peer.logs)}`);
  assert.equal(r.value.status, 200, 'transfer() resolves with the NOTIFY\'s sipfrag status');
  const phases = (await pg.t('events', 'call-bn')).filter((e) => e.type === 'transfer-progress').map((e) => e.detail.phase);
  // the 202 and the NOTIFY leave the peer back to back and may cross
  assert.deepEqual([...phases].sort(), ['accepted', 'completed'], `transfer-progress: the 202 and the NOTIFY (${phases})`);
  const ended = await waitEvent(pg, 'call-bn', 'ended');
  assert.equal(ended.detail.reason, 'transferred', JSON.stringify(ended.detail));
  assert.equal(await peer.waitExit(STEP), 0, `SIPp peer: NOTIFY answered and BYE; ${see(...peer.logs)}`);
});

test('attendedTransfer() sends a REFER whose Refer-To carries Replaces with the other call\'s dialog; both calls end as transferred', { timeout: 60000 }, async (t) => {
  const pg = await registered(t, 'at', 'caller');
  const { peer } = await answeringPeer(t, 'peer-at', { port: 41900, calls: 2 });
  assert.deepEqual(await pg.t('call', 'at', 'call-a', `sip:bob@${DOMAIN}`), { ok: true });
  await flowing(pg, 'call-a');
  const h = await pg.t('invoke', 'call-a', 'hold', []);
  assert.ok(h.ok, `hold() of the first call: ${h.message}`);
  assert.deepEqual(await pg.t('call', 'at', 'call-b', `sip:carol@${DOMAIN}`), { ok: true });
  await flowing(pg, 'call-b');
  const idA = await pg.t('prop', 'call-a', 'id');
  const idB = await pg.t('prop', 'call-b', 'id');

  const r = await pg.t('invoke', 'call-a', 'attendedTransfer', [{ $call: 'call-b' }]);
  assert.ok(r.ok, `attendedTransfer(): ${r.code} ${r.message}; ${see('browser.log', ...peer.logs)}`);
  const [refer] = peer.received('REFER');
  assert.ok(refer, `no REFER at the peer; ${see(...peer.logs)}`);
  assert.equal(refer.get('Call-ID'), idA, 'the REFER goes in the first call\'s dialog');
  const rt = referTo(refer.get('Refer-To'));
  assert.equal(rt.base, `sip:carol@${DOMAIN}`, `Refer-To: ${refer.get('Refer-To')}`);
  assert.ok(rt.headers.replaces, `Refer-To without Replaces: ${refer.get('Refer-To')}`);
  const [cid, ...params] = rt.headers.replaces.split(';');
  const p = Object.fromEntries(params.map((x) => x.split('=')));
  assert.equal(cid, idB, `Replaces names Call-ID ${cid}, the second call is ${idB}`);
  const invB = peer.received('INVITE').find((m) => m.get('Call-ID') === idB);
  assert.equal(p['from-tag'], tagOf(invB.get('From')), `Replaces from-tag: ${rt.headers.replaces}`);
  const okB = await poll(() => peer.received('ACK').find((m) => m.get('Call-ID') === idB), { timeoutMs: STEP, what: 'ACK of the second call at the peer' });
  assert.equal(p['to-tag'], tagOf(okB.get('To')), `Replaces to-tag: ${rt.headers.replaces}`);

  for (const c of ['call-a', 'call-b']) {
    const ended = await waitEvent(pg, c, 'ended');
    assert.equal(ended.detail.reason, 'transferred', `${c}: ${JSON.stringify(ended.detail)}`);
  }
  assert.equal(await peer.waitExit(STEP), 0, `SIPp peer did not get both BYEs after the transfer; ${see(...peer.logs)}`);
});
