// Identities: the list with a namespace filter and a glob on the key, or the
// mapping holding a DID (every console role); for idadmin and admin also
// links to create and import, and per mapping edit and enable/disable.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api.js';
import { usePoll } from '../hooks.js';
import { href } from '../lib/route.js';
import { text, time } from '../lib/format.js';
import { fieldsOf } from '../lib/identity.js';
import { ErrorBox, Field, Notice, PageTitle, Pager, Updated, Scroll } from '../components/common.js';

const PER_PAGE = 50;

export function IdentitiesList({ writable }) {
  const [form, setForm] = useState({ ns: '', key: '', did: '' });
  const [filter, setFilter] = useState({ ns: '', key: '', did: '' });
  const [page, setPage] = useState(1);
  const [done, setDone] = useState(null);
  const [actionError, setActionError] = useState(null);
  // a DID names one mapping: the key pattern does not go with it
  const list = usePoll(() => api.get('/api/v1/identities', filter.did
    ? { ns: filter.ns, did: filter.did, page, per_page: PER_PAGE }
    : { ns: filter.ns, key: filter.key, page, per_page: PER_PAGE }),
  0, [filter, page]);

  const search = (e) => {
    e.preventDefault();
    setPage(1);
    setFilter({ ns: form.ns.trim(), key: form.key.trim(), did: form.did.trim() });
  };

  const toggle = async (m) => {
    const enabled = m.enabled === false;
    setActionError(null);
    setDone(null);
    try {
      await api.put(`/api/v1/identities/${seg(m.ns)}/${seg(m.key)}`, { ...fieldsOf(m), enabled });
      setDone(`${m.ns}/${m.key} ${enabled ? 'enabled' : 'disabled'}.`);
      list.refresh();
    } catch (e) {
      setActionError(e);
    }
  };

  const items = (list.data && list.data.items) || [];
  return html`
    <${PageTitle}>Identities</${PageTitle}>
    ${writable && html`<p class="actions">
      <a class="button" href=${href('identities', 'new')}>New identity</a>
      <a class="button secondary" href=${href('identities', 'import')}>Import CSV or JSON lines</a>
    </p>`}
    <form class="search" role="search" onSubmit=${search}>
      <${Field} id="id-filter-ns" label="Namespace" value=${form.ns} onInput=${(v) => setForm({ ...form, ns: v })} hint="e.g. web; empty: all" />
      <${Field} id="id-filter-key" label="Key (glob)" value=${form.key} onInput=${(v) => setForm({ ...form, key: v })} hint="* any text, ? one character, [ab] one of" />
      <${Field} id="id-filter-did" label="DID" value=${form.did} onInput=${(v) => setForm({ ...form, did: v })} hint="the mapping holding a number, e.g. +33123456789 (the key is then not used)" />
      <button type="submit">Search</button>
    </form>
    <${Updated} at=${list.at} loading=${list.loading} auto=${false} />
    <${ErrorBox} error=${list.error} title="Identities could not be read" />
    <${ErrorBox} error=${actionError} title="Change refused" />
    ${done && html`<${Notice} tone="ok">${done}</${Notice}>`}
    ${list.data && html`<p class="summary" role="status">${list.data.total} mapping(s)${list.data.truncated ? ' (listing truncated: narrow the search)' : ''}.</p>`}
    ${list.data && !items.length ? html`<${Notice}>No mapping matches.</${Notice}>` : html`
    <${Scroll} label="Identity mappings"><table class="identities">
      <caption class="sr-only">Identity mappings</caption>
      <thead><tr><th scope="col">Namespace</th><th scope="col">Key</th><th scope="col">SIP URI</th><th scope="col">Display name</th>
        <th scope="col">Tenant</th><th scope="col">DID</th><th scope="col">State</th><th scope="col">Not after</th><th scope="col">HA1</th>
        ${writable && html`<th scope="col">Actions</th>`}</tr></thead>
      <tbody>${items.map((m) => html`<tr data-identity=${`${m.ns}/${m.key}`}>
        <td>${m.ns}</td><th scope="row">${m.key}</th><td class="mono">${m.sip_uri}</td><td>${text(m.display_name)}</td><td>${text(m.tenant)}</td><td class="mono">${text(m.did)}</td>
        <td>${m.enabled === false ? html`<span class="badge badge-bad">disabled</span>` : html`<span class="badge badge-ok">enabled</span>`}</td>
        <td>${m.not_after ? time(m.not_after) : '—'}</td><td>${m.ha1_set ? 'set' : '—'}</td>
        ${writable && html`<td class="row-actions">
          <a href=${href('identities', m.ns, m.key)} aria-label=${`Edit ${m.ns}/${m.key}`}>Edit</a>
          <button type="button" class="secondary small" onClick=${() => toggle(m)} aria-label=${`${m.enabled === false ? 'Enable' : 'Disable'} ${m.ns}/${m.key}`}>${m.enabled === false ? 'Enable' : 'Disable'}</button>
        </td>`}
      </tr>`)}</tbody>
    </table></${Scroll}>`}
    ${list.data && html`<${Pager} page=${page} perPage=${PER_PAGE} total=${list.data.total} onPage=${setPage} label="Identities" />`}`;
}
