// Audit log (idadmin, admin): every write made through iwg-admind, newest
// first, a page at a time; or the credentials issued to web back-ends (a
// log of its own on the server).
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { usePoll } from '../hooks.js';
import { text, time } from '../lib/format.js';
import { ErrorBox, Notice, PageTitle, Updated, Scroll } from '../components/common.js';

const PER_PAGE = 50;

export function Audit() {
  // befores[i]: the "before" id of page i (undefined: the newest)
  const [befores, setBefores] = useState([undefined]);
  const [which, setWhich] = useState('writes');
  const before = befores[befores.length - 1];
  const log = usePoll(() => api.get('/api/v1/audit', { per_page: PER_PAGE, before, log: which }), before ? 0 : 10000, [before, which]);
  const choose = (e) => { setWhich(e.currentTarget.value); setBefores([undefined]); };
  const items = (log.data && log.data.items) || [];
  const next = log.data && log.data.next_before;
  return html`
    <${PageTitle}>Audit log</${PageTitle}>
    <div class="field">
      <label for="audit-log">Log</label>
      <select id="audit-log" value=${which} onChange=${choose}>
        <option value="writes">Writes</option>
        <option value="credentials">Credentials issued</option>
      </select>
    </div>
    <${Updated} at=${log.at} loading=${log.loading} />
    <${ErrorBox} error=${log.error} title="The audit log could not be read" />
    ${log.data && !items.length ? html`<${Notice}>No entry.</${Notice}>` : html`
    <${Scroll} label="Audit log entries"><table class="audit">
      <caption class="sr-only">${which === 'writes' ? 'Writes' : 'Credentials issued and refused'}, newest first</caption>
      <thead><tr><th scope="col">Time</th><th scope="col">Key</th><th scope="col">Role</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Client</th><th scope="col">Status</th></tr></thead>
      <tbody>${items.map((a) => html`<tr data-action=${a.action} data-target=${a.target}>
        <th scope="row">${time(Math.floor(a.time))}</th><td>${text(a.key_id)}</td><td>${text(a.role)}</td><td>${text(a.action)}</td>
        <td class="mono">${text(a.target)}</td><td class="mono">${text(a.client)}</td>
        <td class=${a.status >= 400 ? 'text-bad' : ''}>${text(a.status)}</td></tr>`)}</tbody>
    </table></${Scroll}>`}
    <nav class="pager" aria-label="Audit log pages">
      <button type="button" disabled=${befores.length <= 1} onClick=${() => setBefores(befores.slice(0, -1))}>Newer</button>
      <button type="button" disabled=${!next} onClick=${() => setBefores([...befores, next])}>Older</button>
    </nav>`;
}
