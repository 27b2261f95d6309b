// Calls (noc, admin): the live list with each call's media verdict, and one
// call with both legs side by side (codec, packets, loss, jitter, MOS,
// DTLS, ICE) under the one-way-audio verdict of iwg-admind.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api.js';
import { usePoll } from '../hooks.js';
import { href } from '../lib/route.js';
import { duration, num, text, time } from '../lib/format.js';
import { codecSummary, dtlsText, iceText, mediaRows, parties, SIDE_NAMES, totalPackets, verdictInfo } from '../lib/calls.js';
import { ErrorBox, Notice, PageTitle, Pager, Updated, Scroll } from '../components/common.js';

const LIST_MS = 3000;
const CALL_MS = 2000;
const PER_PAGE = 25;

const diagnosisOf = (id) => api.get(`/api/v1/calls/${seg(id)}/diagnosis`);

function VerdictBadge({ d }) {
  if (!d) return html`<span class="badge badge-info">—</span>`;
  const v = verdictInfo(d.verdict);
  return html`<span class=${`badge badge-${v.tone}`} data-verdict=${d.verdict} title=${d.message}>${v.title}</span>`;
}

export function CallsList() {
  const [page, setPage] = useState(1);
  const list = usePoll(async () => {
    const calls = await api.get('/api/v1/calls', { page, per_page: PER_PAGE });
    // a verdict for every call with media on this page (rtpengine knows it)
    const diags = await Promise.all((calls.items || []).map((c) => (c.node ? diagnosisOf(c.call_id).catch(() => null) : null)));
    return { ...calls, diags };
  }, LIST_MS, [page]);
  const d = list.data;
  const items = (d && d.items) || [];
  const bad = d ? d.diags.filter((x) => x && verdictInfo(x.verdict).tone === 'bad').length : 0;
  return html`
    <${PageTitle}>Calls</${PageTitle}>
    <${Updated} at=${list.at} loading=${list.loading} />
    <${ErrorBox} error=${list.error} title="Calls could not be read" />
    ${d && html`<p class="summary" role="status">${d.total} call(s)${bad ? html`, <strong class="text-bad">${bad} with a media problem</strong>` : ''}.</p>`}
    ${d && !items.length ? html`<${Notice}>No call right now.</${Notice}>` : html`
    <${Scroll} label="Live calls"><table class="calls">
      <caption class="sr-only">Live calls, newest media first</caption>
      <thead><tr><th scope="col">Call-ID</th><th scope="col">From → to</th><th scope="col">Started</th><th scope="col">Codecs</th><th scope="col">Packets</th><th scope="col">Media</th></tr></thead>
      <tbody>${items.map((c, i) => {
        const p = parties(c);
        return html`<tr data-call-id=${c.call_id}>
          <th scope="row"><a href=${href('calls', c.call_id)}>${c.call_id}</a></th>
          <td>${p ? `${p.from} → ${p.to}` : '—'}</td>
          <td>${time(c.created || (c.dialog && c.dialog.init_time))}</td>
          <td>${codecSummary(c) || '—'}</td>
          <td>${num(totalPackets(c))}</td>
          <td><${VerdictBadge} d=${d.diags[i]} /></td>
        </tr>`;
      })}</tbody>
    </table></${Scroll}>`}
    ${d && html`<${Pager} page=${page} perPage=${PER_PAGE} total=${d.total} onPage=${setPage} label="Calls" />`}`;
}

function Verdict({ diag }) {
  if (diag.error && diag.error.status === 404) return html`<${Notice}>No media verdict: rtpengine does not know this call (it has no media or has ended).</${Notice}>`;
  if (!diag.data) return html`<${ErrorBox} error=${diag.error} title="No media verdict" />`;
  const d = diag.data;
  const v = verdictInfo(d.verdict);
  return html`<section class=${`verdict verdict-${v.tone}`} aria-labelledby="verdict-h" data-verdict=${d.verdict}>
    <h2 id="verdict-h">Media verdict: ${v.title}</h2>
    <p class="verdict-message">${d.message}</p>
    ${d.directions && d.directions.length ? html`<${Scroll} label="Media per direction"><table>
      <caption class="sr-only">Media per direction</caption>
      <thead><tr><th scope="col">Direction</th><th scope="col">Media</th><th scope="col">Packets</th><th scope="col">Last packet</th><th scope="col">Flowing</th></tr></thead>
      <tbody>${d.directions.map((x) => html`<tr data-from=${x.from}>
        <th scope="row">${SIDE_NAMES[x.from] || x.from} → gateway</th><td>${x.media}</td><td>${num(x.packets)}</td>
        <td>${x.last_packet_age_seconds === null || x.last_packet_age_seconds === undefined ? 'never' : `${num(x.last_packet_age_seconds, 1)} s ago`}</td>
        <td>${x.flowing ? html`<span class="badge badge-ok">yes</span>` : html`<span class="badge badge-bad">no</span>`}</td></tr>`)}</tbody>
    </table></${Scroll}>` : ''}
  </section>`;
}

const LEG_ROWS = [
  ['codec', 'Codec', (r) => text(r.codec)],
  ['protocol', 'Protocol', (r) => text(r.protocol)],
  ['packets', 'RTP packets received', (r) => num(r.packets)],
  ['bytes', 'RTP bytes received', (r) => num(r.bytes)],
  ['errors', 'RTP errors', (r) => num(r.errors)],
  ['rtcp', 'RTCP packets received', (r) => num(r.rtcpPackets)],
  ['loss', 'Packet loss', (r) => (r.lossPct === null ? '—' : `${num(r.lossPct)} %`)],
  ['jitter', 'Jitter', (r) => (r.jitterMs === null ? '—' : `${num(r.jitterMs)} ms`)],
  ['mos', 'MOS', (r) => (r.mos === null ? '— (needs RTCP)' : num(r.mos, 1))],
  ['rtt', 'Round-trip time', (r) => (r.rttMs === null ? '—' : `${num(r.rttMs, 1)} ms`)],
  ['dtls', 'DTLS', (r) => dtlsText(r.dtls)],
  ['ice', 'ICE', (r) => iceText(r.ice)],
  ['remote', 'Remote address', (r) => text(r.remote)],
];

function Legs({ call }) {
  const rows = mediaRows(call);
  if (!rows.length) return html`<${Notice}>No media legs (a dialog without media).</${Notice}>`;
  return html`<section aria-labelledby="legs-h">
    <h2 id="legs-h">Legs</h2>
    <${Scroll} label="Legs"><table class="legs">
      <caption class="sr-only">Both legs of the call, one column each</caption>
      <thead><tr><th scope="col">Figure</th>${rows.map((r) => html`<th scope="col" data-side=${r.side}>${SIDE_NAMES[r.side]} ${r.type}<br /><span class="tag">tag ${r.tag}</span></th>`)}</tr></thead>
      <tbody>${LEG_ROWS.map(([f, label, show]) => html`<tr data-figure=${f}>
        <th scope="row">${label}</th>${rows.map((r) => html`<td data-side=${r.side} data-field=${f}>${show(r)}</td>`)}</tr>`)}</tbody>
    </table></${Scroll}>
  </section>`;
}

// a call nobody knows any more has ended: no point asking again
const gone = (e) => e.status === 404;

export function CallDetail({ callId }) {
  const call = usePoll(() => api.get(`/api/v1/calls/${seg(callId)}`), CALL_MS, [callId], gone);
  const diag = usePoll(() => diagnosisOf(callId), CALL_MS, [callId], gone);
  const c = call.data;
  const p = c && parties(c);
  return html`
    <p class="back"><a href=${href('calls')}>← All calls</a></p>
    <${PageTitle}>Call <span class="mono">${callId}</span></${PageTitle}>
    <${Updated} at=${call.at} loading=${call.loading} />
    ${call.error && call.error.status === 404 ? html`<${Notice}>The call has ended (neither rtpengine nor Kamailio knows it). <a href=${href('calls')}>Back to the live calls</a>.</${Notice}>`
      : html`<${ErrorBox} error=${call.error} title="The call could not be read" />`}
    <${Verdict} diag=${diag} />
    ${c && html`<dl class="facts">
      <div><dt>Media node</dt><dd>${text(c.node)}</dd></div>
      <div><dt>Created</dt><dd>${time(c.created)}</dd></div>
      <div><dt>Last signal</dt><dd>${time(c.last_signal)}</dd></div>
      ${p && html`<div><dt>From</dt><dd>${p.from}</dd></div><div><dt>To</dt><dd>${p.to}</dd></div>
        <div><dt>Dialog</dt><dd>${p.state}, ${duration(c.dialog.duration_s)}</dd></div>`}
    </dl>`}
    ${c && html`<${Legs} call=${c} />`}`;
}
