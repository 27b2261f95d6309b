// Dashboard (noc, admin): dependencies and nodes up/down, the cluster view
// (every node's state, registrations, calls and media sessions, the totals
// over the nodes up, the others marked), the current figures, and the last
// hour of registrations, active calls, calls/s and failures/s from the
// daemon's time series, refreshed automatically.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { usePoll } from '../hooks.js';
import { duration, num, text, time } from '../lib/format.js';
import { clusterCoverage, clusterRows } from '../lib/cluster.js';
import { columns, latest } from '../lib/series.js';
import { Chart } from '../components/chart.js';
import { ErrorBox, PageTitle, Updated, Scroll } from '../components/common.js';

const STATUS_MS = 5000;

function State({ up }) {
  return html`<span class=${`badge ${up ? 'badge-ok' : 'badge-bad'}`}>${up ? 'up' : 'down'}</span>`;
}

// one table of every node and dependency: /api/v1/nodes, or /readyz's
// dependencies while the nodes cannot be read; the heading says readiness
function Nodes({ ready, nodes }) {
  const items = (nodes.data && nodes.data.items) || (ready.data && ready.data.dependencies) || [];
  const status = ready.data ? ready.data.status : null;
  return html`<section aria-labelledby="nodes-h">
    <h2 id="nodes-h">Nodes and dependencies ${status && html`<span class=${`badge ${status === 'ready' ? 'badge-ok' : 'badge-bad'}`} data-ready=${status}>${status === 'ready' ? 'all up' : 'not ready'}</span>`}</h2>
    <${ErrorBox} error=${ready.error} title="Readiness could not be read" />
    <${ErrorBox} error=${nodes.error} title="Nodes could not be read" />
    <${Scroll} label="Nodes and dependencies"><table>
      <caption class="sr-only">Redis, Kamailio and rtpengine nodes (GET /api/v1/nodes, /readyz)</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Target</th><th scope="col">Latency</th><th scope="col">Version</th><th scope="col">Uptime</th><th scope="col">Sessions</th><th scope="col">Error</th></tr></thead>
      <tbody>${items.map((n) => html`<tr data-node=${n.name}>
        <th scope="row">${n.name}</th><td>${n.kind}</td><td><${State} up=${n.status === 'up'} /></td><td class="mono">${text(n.target)}</td>
        <td>${n.latency_ms === undefined ? '—' : `${num(n.latency_ms, 1)} ms`}</td><td>${text(n.version)}</td>
        <td>${n.uptime_s === undefined ? '—' : duration(n.uptime_s)}</td><td>${n.sessions === undefined ? '—' : num(n.sessions)}</td>
        <td>${text(n.error)}</td></tr>`)}</tbody>
    </table></${Scroll}>
  </section>`;
}

const CLUSTER_STATE = { up: 'up', degraded: 'degraded', down: 'down' };

// the cluster view (GET /api/v1/cluster): the sampler's last reading of
// every Kamailio and rtpengine node; a node down or degraded is marked and
// its figures are left out of the totals, never shown as 0
function Cluster({ cluster }) {
  const v = cluster.data;
  const t = v && v.totals;
  const rows = clusterRows(v);
  return html`<section aria-labelledby="cluster-h">
    <h2 id="cluster-h">Cluster ${t && html`<span class=${`badge ${t.complete ? 'badge-ok' : 'badge-bad'}`} data-complete=${String(t.complete)}>${t.complete ? 'every node counted' : `${t.not_counted.length} not counted`}</span>`}</h2>
    <${ErrorBox} error=${cluster.error} title="The cluster view could not be read" />
    <p class="hint" data-coverage>${v ? `${clusterCoverage(v)}; sampled ${num(v.age_seconds, 0)} s ago, one sample every ${v.interval_seconds} s.` : 'No sample yet.'}</p>
    <dl class="figures">
      <div class="figure" data-total="registrations"><dt>Registrations</dt><dd>${t ? num(t.registrations) : '—'}</dd></div>
      <div class="figure" data-total="calls_active"><dt>Calls (Kamailio)</dt><dd>${t ? num(t.calls_active) : '—'}</dd></div>
      <div class="figure" data-total="media_sessions"><dt>Media sessions</dt><dd>${t ? num(t.media_sessions) : '—'}</dd></div>
    </dl>
    <${Scroll} label="Cluster nodes"><table>
      <caption class="sr-only">Kamailio and rtpengine nodes as last sampled (GET /api/v1/cluster)</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Registrations</th><th scope="col">Calls</th><th scope="col">Media sessions</th><th scope="col">Last seen</th><th scope="col">Reason</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr data-cluster-node=${r.name} data-state=${r.state}>
        <th scope="row">${r.name}</th><td>${r.kind}</td>
        <td><span class=${`badge ${r.badge}`}>${CLUSTER_STATE[r.state] || r.state}</span></td>
        <td>${num(r.registrations)}</td><td>${num(r.calls)}</td><td>${num(r.sessions)}</td>
        <td>${r.lastSeen ? time(Date.parse(r.lastSeen) / 1000) : 'never'}</td><td>${text(r.reason)}</td></tr>`)}</tbody>
    </table></${Scroll}>
  </section>`;
}

const FIGURES = [
  ['registrations', 'Registrations', 0],
  ['calls_active', 'Active calls', 0],
  ['calls_per_second', 'Calls per second', 2],
  ['failures_per_second', 'Failures per second', 2],
];

function Now({ point }) {
  return html`<section aria-labelledby="now-h">
    <h2 id="now-h">Now</h2>
    <dl class="figures">
      ${FIGURES.map(([f, label, d]) => html`<div class="figure" data-figure=${f}><dt>${label}</dt><dd>${point ? num(point[f], d) : '—'}</dd></div>`)}
      <div class="figure" data-figure="nodes"><dt>Nodes up</dt><dd>${point && point.nodes_total !== null ? `${num(point.nodes_up)} / ${num(point.nodes_total)}` : '—'}</dd></div>
    </dl>
  </section>`;
}

const CHARTS = [
  {
    id: 'chart-load',
    title: 'Registrations and active calls',
    yLabel: 'count',
    series: [
      { field: 'registrations', label: 'registrations', color: '#1f5fbf', swatch: 'swatch-blue' },
      { field: 'calls_active', label: 'active calls', color: '#127a3a', swatch: 'swatch-green' },
    ],
  },
  {
    id: 'chart-rate',
    title: 'Calls and failures per second',
    yLabel: 'per second',
    series: [
      { field: 'calls_per_second', label: 'calls/s', color: '#1f5fbf', swatch: 'swatch-blue' },
      { field: 'failures_per_second', label: 'failures/s', color: '#b3261e', swatch: 'swatch-red' },
    ],
  },
];

function History({ series }) {
  const points = (series.data && series.data.points) || [];
  const interval = series.data ? series.data.interval_seconds : null;
  const data = useMemo(() => CHARTS.map((c) => columns(points, c.series.map((s) => s.field))), [series.data]);
  const last = latest(points);
  return html`<section aria-labelledby="hist-h">
    <h2 id="hist-h">Last hour</h2>
    <${ErrorBox} error=${series.error} title="The time series could not be read" />
    <p class="hint">${points.length} sample(s)${interval ? `, one every ${interval} s` : ''}.</p>
    <div class="charts">
      ${CHARTS.map((c, i) => html`<${Chart} key=${c.id} id=${c.id} title=${c.title} yLabel=${c.yLabel} series=${c.series} data=${data[i]}
        summary=${last ? c.series.map((s) => `${s.label} now ${num(last[s.field], 2)}`).join(', ') : 'no samples yet'} />`)}
    </div>
  </section>`;
}

export function Dashboard() {
  const ready = usePoll(() => api.get('/readyz', null, { accept: [503] }), STATUS_MS);
  const nodes = usePoll(() => api.get('/api/v1/nodes'), STATUS_MS);
  const series = usePoll(() => api.get('/api/v1/series'), STATUS_MS);
  const cluster = usePoll(() => api.get('/api/v1/cluster'), STATUS_MS);
  return html`
    <${PageTitle}>Dashboard</${PageTitle}>
    <${Updated} at=${nodes.at} loading=${nodes.loading} />
    <${Now} point=${series.data ? latest(series.data.points) : null} />
    <${History} series=${series} />
    <${Cluster} cluster=${cluster} />
    <${Nodes} ready=${ready} nodes=${nodes} />`;
}
