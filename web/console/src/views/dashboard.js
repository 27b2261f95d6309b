// Dashboard (noc, admin): dependencies and nodes up/down, the current
// figures, and the last hour of registrations, active calls, calls/s and
// failures/s from the daemon's time series, refreshed automatically.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { usePoll } from '../hooks.js';
import { duration, num, text } from '../lib/format.js';
import { columns, latest } from '../lib/series.js';
import { Chart } from '../components/chart.js';
import { ErrorBox, PageTitle, Updated, Scroll } from '../components/common.js';

const STATUS_MS = 5000;

function State({ up }) {
  return html`<span class=${`badge ${up ? 'badge-ok' : 'badge-bad'}`}>${up ? 'up' : 'down'}</span>`;
}

function Health({ ready }) {
  if (!ready.data) return html`<${ErrorBox} error=${ready.error} title="Readiness unknown" />`;
  const deps = ready.data.dependencies || [];
  const ok = ready.data.status === 'ready';
  return html`<section aria-labelledby="health-h">
    <h2 id="health-h">Dependencies <span class=${`badge ${ok ? 'badge-ok' : 'badge-bad'}`} data-ready=${ready.data.status}>${ok ? 'all up' : 'not ready'}</span></h2>
    <${ErrorBox} error=${ready.error} title="Last refresh failed" />
    <${Scroll} label="Dependencies"><table>
      <caption class="sr-only">Readiness of each dependency (GET /readyz)</caption>
      <thead><tr><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Latency</th><th scope="col">Error</th></tr></thead>
      <tbody>${deps.map((d) => html`<tr data-dependency=${d.name}>
        <td>${d.kind}</td><th scope="row">${d.name}</th><td>${text(d.target)}</td><td><${State} up=${d.status === 'up'} /></td>
        <td>${d.latency_ms === undefined ? '—' : `${num(d.latency_ms, 1)} ms`}</td><td>${text(d.error)}</td></tr>`)}</tbody>
    </table></${Scroll}>
  </section>`;
}

function Nodes({ nodes }) {
  const items = (nodes.data && nodes.data.items) || [];
  return html`<section aria-labelledby="nodes-h">
    <h2 id="nodes-h">Nodes</h2>
    <${ErrorBox} error=${nodes.error} title="Nodes could not be read" />
    <${Scroll} label="Nodes"><table>
      <caption class="sr-only">Kamailio and rtpengine nodes (GET /api/v1/nodes)</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Version</th><th scope="col">Uptime</th><th scope="col">Sessions</th><th scope="col">Latency</th></tr></thead>
      <tbody>${items.map((n) => html`<tr data-node=${n.name}>
        <th scope="row">${n.name}</th><td>${n.kind}</td><td><${State} up=${n.status === 'up'} /></td><td>${text(n.version)}</td>
        <td>${n.uptime_s === undefined ? '—' : duration(n.uptime_s)}</td><td>${n.sessions === undefined ? '—' : num(n.sessions)}</td>
        <td>${n.latency_ms === undefined ? '—' : `${num(n.latency_ms, 1)} ms`}</td></tr>`)}</tbody>
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
  return html`
    <${PageTitle}>Dashboard</${PageTitle}>
    <${Updated} at=${nodes.at} loading=${nodes.loading} />
    <${Now} point=${series.data ? latest(series.data.points) : null} />
    <${History} series=${series} />
    <div class="two-col">
      <${Health} ready=${ready} />
      <${Nodes} nodes=${nodes} />
    </div>`;
}
