// node dashboard-check.mjs DASHBOARD.json METRICS.txt: reads a Grafana
// dashboard and a scrape of iwg-admind's /metrics and prints one JSON
// object of findings for the suite's assertions:
//   exprs      every PromQL expression (panel targets, template queries)
//   names      the iwg_* names they use
//   missing    names that are no sample name of the scrape
//   raw_counters  counter (or histogram bucket) names used outside
//                 rate()/irate()/increase()
//   rated_gauges  gauge names inside rate()/irate()/increase()
//   datasources   panel or target datasources other than ${DS_PROMETHEUS}
//   dup_ids, panels, schemaVersion, inputs (the __inputs names)
import { readFileSync } from 'node:fs';

const [dashFile, metricsFile] = process.argv.slice(2);
const dash = JSON.parse(readFileSync(dashFile, 'utf8'));
const text = readFileSync(metricsFile, 'utf8');

// families and their types; sample names
const types = new Map();
const samples = new Set();
for (const line of text.split('\n')) {
  const t = line.match(/^# TYPE (\S+) (\S+)$/);
  if (t) types.set(t[1], t[2]);
  else if (line && !line.startsWith('#')) samples.add(line.split(/[{ ]/)[0]);
}
// the type of a sample name: its family's, a histogram's for _bucket etc.
function typeOf(name) {
  if (types.has(name)) return types.get(name);
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return types.get(base) === 'histogram' ? 'histogram' : undefined;
}

const panels = [];
(function walk(list) {
  for (const p of list || []) {
    panels.push(p);
    walk(p.panels);
  }
})(dash.panels);

const exprs = [];
const datasources = [];
const isDs = (d) => d && d.uid === '${DS_PROMETHEUS}' && d.type === 'prometheus';
for (const p of panels) {
  if (p.type === 'row') continue;
  if (!isDs(p.datasource)) datasources.push(`panel ${p.id}`);
  for (const t of p.targets || []) {
    if (!isDs(t.datasource)) datasources.push(`panel ${p.id} target ${t.refId}`);
    if (typeof t.expr === 'string') exprs.push(t.expr);
  }
}
for (const v of dash.templating?.list || []) {
  const q = typeof v.query === 'string' ? v.query : v.query?.query;
  if (q) exprs.push(q);
}

const names = new Set();
const missing = new Set();
const rawCounters = new Set();
const ratedGauges = new Set();
for (const e of exprs) {
  for (const m of e.matchAll(/\biwg_[a-z0-9_]+/g)) {
    const n = m[0];
    names.add(n);
    if (!samples.has(n)) missing.add(n);
    const rated = /\b(rate|irate|increase)\(\s*$/.test(e.slice(0, m.index));
    const t = typeOf(n);
    if (!rated && (t === 'counter' || t === 'histogram')) rawCounters.add(n);
    if (rated && t === 'gauge') ratedGauges.add(n);
  }
}

const ids = panels.map((p) => p.id);
const dupIds = ids.filter((id, i) => ids.indexOf(id) !== i);
console.log(JSON.stringify({
  schemaVersion: dash.schemaVersion,
  inputs: (dash.__inputs || []).map((i) => i.name),
  panels: panels.filter((p) => p.type !== 'row').map((p) => p.title),
  exprs,
  names: [...names].sort(),
  missing: [...missing].sort(),
  raw_counters: [...rawCounters].sort(),
  rated_gauges: [...ratedGauges].sort(),
  datasources,
  dup_ids: dupIds,
}));
