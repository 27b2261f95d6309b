// The console's pure modules under Node (no browser, no stack): the import
// file parser with its line numbers, roles, hash routes, the calls view's
// reading of rtpengine's legs, the series columns.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normUri, parseImport, parseTime } from '../../../web/console/src/lib/import-parse.js';
import { canRead, canWrite, homeFor, pagesFor } from '../../../web/console/src/lib/roles.js';
import { href, parseHash } from '../../../web/console/src/lib/route.js';
import { codecSummary, mediaRows, sideOf } from '../../../web/console/src/lib/calls.js';
import { columns, filled } from '../../../web/console/src/lib/series.js';
import { bodyOf } from '../../../web/console/src/lib/identity.js';
import { retrying } from '../../../web/console/src/lib/retry.js';
import { clusterCoverage, clusterRows } from '../../../web/console/src/lib/cluster.js';

test('CSV import: records keep their line; quoted fields, comments and blank lines', () => {
  const csv = [
    '# people',
    'ns,key,sip_uri,display_name,enabled,not_after',
    'web,alice,sip:alice@iwg.test,"Alice, A.",yes,',
    '',
    'web,bob,sip:bob@iwg.test,"Bob ""the"" B",0,2026-01-31T23:59:59Z',
    'web,carol,sip:carol@iwg.test,"two',
    'lines",1,1767225600',
  ].join('\r\n');
  const r = parseImport(csv);
  assert.equal(r.format, 'csv');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.records.map((x) => x.line), [3, 5, 6]);
  assert.deepEqual(r.records[0].record, { ns: 'web', key: 'alice', sip_uri: 'sip:alice@iwg.test', display_name: 'Alice, A.', enabled: true });
  assert.equal(r.records[1].record.display_name, 'Bob "the" B');
  assert.equal(r.records[1].record.enabled, false);
  assert.equal(r.records[1].record.not_after, 1769903999);
  assert.equal(r.records[2].record.display_name, 'two\r\nlines');
});

test('CSV import: errors name their line (unknown column, field count, bad values, duplicates, missing ns)', () => {
  assert.deepEqual(parseImport('ns,key,sip,uri\nweb,a,b,c\n').errors.map((e) => e.line), [1, 1]);
  const r = parseImport([
    'key,sip_uri,enabled,not_after',
    'a,sip:a@x,,',
    'b,sip:b@x,maybe,',
    'x,sip:x@x',
    'c,sip:c@x,1,tomorrow',
    'a,sip:other@x,1,',
    'd,sip:A@X;transport=ws,1,',
    'e,sip:a@X,1,',
    'f,"sip:f@x,1,',
  ].join('\n'), { defaultNs: 'web' });
  assert.deepEqual(r.errors.map((e) => [e.line, e.field]), [
    [3, 'enabled'], [4, ''], [5, 'not_after'], [6, 'key'], [8, 'sip_uri'], [9, ''],
  ], JSON.stringify(r.errors));
  assert.match(r.errors[3].message, /duplicate of line 2/);
  assert.match(r.errors[4].message, /duplicate of line 2/);
  assert.deepEqual(r.records.map((x) => x.record.key), ['a', 'd']);
  const noNs = parseImport('key,sip_uri\na,sip:a@x\n');
  assert.deepEqual(noNs.errors, [{ line: 2, field: 'ns', message: 'ns: required' }]);
});

test('JSON lines import: objects per line, booleans and times, errors per line', () => {
  const r = parseImport([
    '{"ns":"web","key":"a","sip_uri":"sip:a@x","enabled":false,"not_after":"2026-01-01T00:00:00+01:00"}',
    '# comment',
    '{"ns":"web","key":"b","sip_uri":"sip:b@x","color":"red"}',
    '[1]',
    '{"ns":"web","key":"c",',
    '{"ns":"web","key":"d","sip_uri":"sip:d@x","display_name":null,"enabled":1}',
  ].join('\n'));
  assert.equal(r.format, 'jsonl');
  assert.deepEqual(r.errors.map((e) => e.line), [3, 4, 5]);
  assert.deepEqual(r.records.map((x) => [x.line, x.record.key, x.record.enabled]), [[1, 'a', false], [6, 'd', true]]);
  assert.equal(r.records[0].record.not_after, 1767222000);
  assert.equal('display_name' in r.records[1].record, false);
});

test('URI normalisation and times as the identity store reads them', () => {
  assert.equal(normUri('<sip:Alice@Example.COM;transport=ws>'), 'sip:Alice@example.com');
  assert.equal(normUri('tel:+4930123;phone-context=x'), 'tel:+4930123');
  assert.equal(parseTime('1767225600'), 1767225600);
  assert.equal(parseTime('2026-01-01T00:00:00Z'), 1767225600);
  assert.equal(parseTime('2026-01-01'), undefined);
});

test('identity form: required fields and not_after before anything is sent', () => {
  assert.deepEqual(bodyOf({ ns: 'web', key: '', sip_uri: 'sip:a@x' }, { create: true }).error.field, 'key');
  assert.deepEqual(bodyOf({ sip_uri: ' ' }, { create: false }).error.field, 'sip_uri');
  assert.deepEqual(bodyOf({ sip_uri: 'sip:a@x', not_after: 'soon' }, { create: false }).error.field, 'not_after');
  assert.deepEqual(bodyOf({ ns: 'web', key: 'k', sip_uri: 'sip:a@x', display_name: 'A', enabled: false }, { create: true }).body,
    { ns: 'web', key: 'k', sip_uri: 'sip:a@x', display_name: 'A', enabled: false, not_after: 0 });
});

test('identity form and import: language, priority and did checked as lib/idstore does', () => {
  const base = { ns: 'web', key: 'k', sip_uri: 'sip:a@x' };
  assert.deepEqual(bodyOf({ ...base, language: 'en-GB', priority: '5', did: '+33123456789' }, { create: true }).body,
    { ...base, language: 'en-GB', priority: '5', did: '+33123456789', enabled: true, not_after: 0 });
  const e = (f, v) => bodyOf({ ...base, [f]: v }, { create: true }).error;
  assert.deepEqual(e('priority', '10'), { field: 'priority', message: 'priority: must be an integer from 0 to 9' });
  assert.deepEqual(e('did', '0612345678'), { field: 'did', message: "did: must be an E.164 number: '+' then 6 to 15 digits" });
  assert.equal(e('did', '+12345').field, 'did');
  assert.equal(e('language', 'fr_FR').field, 'language');
  assert.equal(e('priority', ' 7 '), undefined, 'spaces around are trimmed');
  // files: the columns are known, a JSON priority may be a number, a DID is
  // taken once in any namespace
  const r = parseImport([
    'ns,key,sip_uri,language,priority,did',
    'web,a,sip:a@x,fr,5,+33100000001',
    'paas,b,sip:b@x,,,+33100000001',
    'web,c,sip:c@x,,,',
    'web,d,sip:d@x,,,',
  ].join('\n'));
  assert.deepEqual(r.errors.map((x) => [x.line, x.field]), [[3, 'did']], JSON.stringify(r.errors));
  assert.match(r.errors[0].message, /duplicate of line 2/);
  assert.deepEqual(r.records[0].record, { ns: 'web', key: 'a', sip_uri: 'sip:a@x', language: 'fr', priority: '5', did: '+33100000001' });
  const j = parseImport('{"ns":"web","key":"a","sip_uri":"sip:a@x","priority":3,"did":"+33100000002"}');
  assert.deepEqual(j.errors, []);
  assert.equal(j.records[0].record.priority, '3');
});

test('roles: pages and writes per role', () => {
  assert.deepEqual(pagesFor('noc').map((p) => p.id), ['dashboard', 'calls', 'registrations', 'identities', 'hdrmed']);
  assert.deepEqual(pagesFor('idadmin').map((p) => p.id), ['identities', 'audit']);
  assert.equal(pagesFor('admin').length, 6);
  assert.deepEqual(pagesFor('app'), []);
  assert.equal(homeFor('app'), null);
  assert.equal(canWrite('noc', 'identities'), false);
  assert.equal(canWrite('idadmin', 'identities'), true);
  assert.equal(canWrite('idadmin', 'hdrmed'), false);
  assert.equal(canWrite('admin', 'hdrmed'), true);
  assert.equal(canRead('noc', 'audit'), false);
});

test('hash routes carry any Call-ID or key', () => {
  const id = 'a/b%c@d e#f';
  assert.deepEqual(parseHash(href('calls', id)), { page: 'calls', args: [id] });
  assert.deepEqual(parseHash('#/identities/web/alice'), { page: 'identities', args: ['web', 'alice'] });
  assert.deepEqual(parseHash(''), { page: '', args: [] });
});

test('calls: legs sorted browser first, codecs and sides from the protocol', () => {
  const call = {
    legs: [
      { tag: 's', media: [{ type: 'audio', protocol: 'RTP/AVP', codec: 'PCMA/8000', rtp: { packets: 10 }, quality: null }] },
      { tag: 'b', media: [{ type: 'audio', protocol: 'UDP/TLS/RTP/SAVPF', codec: 'opus/48000/2', rtp: { packets: 12 }, quality: { mos: 4.3, jitter_ms: 2, packet_loss_pct: 0, rtt_us: 1500 } }] },
    ],
  };
  const rows = mediaRows(call);
  assert.deepEqual(rows.map((r) => [r.side, r.codec, r.packets]), [['browser', 'opus/48000/2', 12], ['sip_peer', 'PCMA/8000', 10]]);
  assert.equal(rows[0].rttMs, 1.5);
  assert.equal(codecSummary(call), 'opus/48000/2 ↔ PCMA/8000');
  assert.equal(sideOf('UDP/TLS/RTP/SAVP'), 'browser');
  assert.equal(sideOf('RTP/AVP'), 'sip_peer');
});

test('series: columns for uPlot keep nulls', () => {
  const c = columns([{ t: 1, a: 2, b: null }, { t: 2, a: 3 }], ['a', 'b']);
  assert.deepEqual(c, [[1, 2], [2, 3], [null, null]]);
  assert.equal(filled(c[1]), 2);
  assert.equal(filled(c[2]), 0);
});

test('a bulk request refused for rate (429) is sent again after Retry-After; other errors and the last 429 are thrown', async () => {
  const waits = [];
  const wait = async (s) => { waits.push(s); };
  const e429 = (ra) => Object.assign(new Error('rate'), { status: 429, retryAfter: ra });
  let n = 0;
  assert.equal(await retrying(async () => { if (n++ < 2) throw e429(n === 1 ? 3 : null); return 'created'; }, { wait }), 'created');
  assert.deepEqual(waits, [3, 1], 'Retry-After seconds, 1 s without one');
  waits.length = 0;
  await assert.rejects(retrying(async () => { throw Object.assign(new Error('conflict'), { status: 409 }); }, { wait }), /conflict/);
  assert.deepEqual(waits, [], 'a 409 is not retried');
  await assert.rejects(retrying(async () => { throw e429(120); }, { wait, tries: 3 }), /rate/);
  assert.deepEqual(waits, [30, 30], 'at most 30 s, tries - 1 waits');
});

test('cluster view: a node down is marked, its figures unknown (not 0), the coverage names it', () => {
  const view = {
    nodes: [
      { kind: 'kamailio', name: 'kam1', state: 'up', reason: null, last_seen: '2026-01-01T10:00:00Z', registrations: 2, calls_active: 0 },
      { kind: 'kamailio', name: 'kam2', state: 'down', reason: 'refused', last_seen: null, registrations: null, calls_active: null },
      { kind: 'rtpengine', name: 'rtp1', state: 'degraded', reason: 'NG statistics', last_seen: '2026-01-01T10:00:00Z', sessions: null },
    ],
    totals: { nodes_total: 3, nodes_up: 1, nodes_degraded: 1, nodes_down: 1, registrations: 2, calls_active: 0, media_sessions: null, complete: false, not_counted: ['kam2', 'rtp1'] },
  };
  const rows = clusterRows(view);
  assert.deepEqual(rows.map((r) => [r.name, r.state, r.badge, r.counted]),
    [['kam1', 'up', 'badge-ok', true], ['kam2', 'down', 'badge-bad', false], ['rtp1', 'degraded', 'badge-warn', false]]);
  assert.deepEqual(rows.map((r) => [r.registrations, r.calls, r.sessions]), [[2, 0, null], [null, null, null], [null, null, null]]);
  assert.equal(rows[1].lastSeen, null);
  assert.equal(clusterCoverage(view), '1 of 3 nodes up; not counted: kam2 (down), rtp1 (degraded)');
  view.totals = { ...view.totals, nodes_up: 3, complete: true, not_counted: [] };
  assert.equal(clusterCoverage(view), '3 of 3 nodes up; every node counted');
  assert.deepEqual(clusterRows(null), []);
});
