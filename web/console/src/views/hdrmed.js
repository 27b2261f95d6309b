// Header mediation: the header and parameter names iwg_hdrmed discovered
// per node, profile and direction, optionally the unknown ones only (noc,
// admin); for admin also clearing them and reloading the rule files, a
// refused reload showing the module's file:line.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { usePoll } from '../hooks.js';
import { num, text, time } from '../lib/format.js';
import { ErrorBox, Field, Notice, PageTitle, Updated, Scroll } from '../components/common.js';

function Table({ t, n }) {
  const id = `hd-${n}`;
  return html`<section class="hd-table" aria-labelledby=${id} data-profile=${t.profile} data-direction=${t.direction}>
    <h2 id=${id}>${t.profile}, ${t.direction === 'in' ? 'incoming' : 'outgoing'} <span class="sub">on ${t.node}</span></h2>
    <p class="hint">${num(t.messages)} message(s), ${num(t.names)} name(s) of ${num(t.capacity)}${t.dropped ? `, ${num(t.dropped)} dropped (table full)` : ''}.</p>
    ${t.entries && t.entries.length ? html`<${Scroll} label=${`Names discovered: ${t.profile} ${t.direction} on ${t.node}`}><table>
      <caption class="sr-only">Names discovered: ${t.profile} ${t.direction} on ${t.node}</caption>
      <thead><tr><th scope="col">Kind</th><th scope="col">Header</th><th scope="col">Parameter</th><th scope="col">Known</th><th scope="col">Count</th><th scope="col">First seen</th><th scope="col">Sample</th></tr></thead>
      <tbody>${t.entries.map((e) => html`<tr class=${e.unknown ? 'row-warn' : ''}>
        <td>${e.kind}</td><th scope="row">${e.header}</th><td>${text(e.name)}</td>
        <td>${e.unknown ? html`<span class="badge badge-warn">unknown</span>` : 'known'}</td>
        <td>${num(e.count)}</td><td>${time(e.first_seen)}</td><td class="mono">${text(e.sample)}</td></tr>`)}</tbody>
    </table></${Scroll}>` : html`<p>No name.</p>`}
  </section>`;
}

function Admin({ profile, onDone }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const act = async (what) => {
    if (what === 'reset' && !window.confirm(`Clear the discovered names${profile ? ` of ${profile}` : ''} on every node?`)) return;
    setBusy(true);
    setError(null);
    setResult(null);
    const body = profile ? { profile } : {};
    try {
      const r = await api.post(`/api/v1/hdrmed/${what === 'reset' ? 'discovered/reset' : 'reload'}`, body);
      if (what === 'reset') setResult(`Cleared on ${(r.items || []).join(', ') || 'no node'}.`);
      else setResult(`Reloaded: ${(r.items || []).map((n) => `${n.node} (${(n.profiles || []).map((p) => `${p.profile}: ${p.rules} rule(s)`).join(', ')})`).join('; ') || 'no node'}.`);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-labelledby="hd-admin-h" class="panel">
    <h2 id="hd-admin-h">Rules and discovery</h2>
    <p class="actions">
      <button type="button" disabled=${busy} onClick=${() => act('reload')}>Reload rule files</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${() => act('reset')}>Clear discovered names</button>
    </p>
    ${result && html`<${Notice} tone="ok">${result}</${Notice}>`}
    <${ErrorBox} error=${error} title=${error && error.code === 'rules_invalid' ? 'Rule reload refused (the old rules stay active)' : 'Refused'} />
  </section>`;
}

export function Hdrmed({ writable }) {
  const [unknownOnly, setUnknownOnly] = useState(false);
  const [input, setInput] = useState('');
  const [profile, setProfile] = useState('');
  const disc = usePoll(() => api.get('/api/v1/hdrmed/discovered', { unknown: unknownOnly ? 'true' : '', profile }), 10000,
    [unknownOnly, profile]);
  const search = (e) => {
    e.preventDefault();
    setProfile(input.trim());
  };
  const items = (disc.data && disc.data.items) || [];
  const notLoaded = disc.error && disc.error.code === 'module_not_loaded';
  const off = disc.error && disc.error.code === 'discovery_off';
  return html`
    <${PageTitle}>Header mediation</${PageTitle}>
    ${writable && html`<${Admin} profile=${profile} onDone=${disc.refresh} />`}
    <form class="search" role="search" onSubmit=${search}>
      <${Field} id="hd-profile" label="Profile" value=${input} onInput=${setInput} hint="e.g. ims-volte; empty: all" />
      <${Field} id="hd-unknown" type="checkbox" label="Unknown names only" value=${unknownOnly} onInput=${setUnknownOnly} />
      <button type="submit">Show</button>
    </form>
    <${Updated} at=${disc.at} loading=${disc.loading} />
    ${notLoaded ? html`<${Notice}>No Kamailio node runs iwg_hdrmed: nothing is discovered.</${Notice}>`
      : off ? html`<${Notice}>Discovery is off in iwg_hdrmed (modparam discovery 0): no name is recorded.</${Notice}>`
        : html`<${ErrorBox} error=${disc.error} title="Discovered names could not be read" />`}
    ${disc.data && disc.data.skipped && disc.data.skipped.length ? html`<p class="hint">Nodes without iwg_hdrmed: ${disc.data.skipped.join(', ')}.</p>` : ''}
    ${disc.data && !items.length ? html`<${Notice}>No discovery table.</${Notice}>` : ''}
    ${items.map((t, n) => html`<${Table} t=${t} n=${n} key=${`${t.node}/${t.profile}/${t.direction}`} />`)}`;
}
