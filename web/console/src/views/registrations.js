// Registrations (noc, admin): usrloc contents of every Kamailio node, with
// a search by user or AoR.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { usePoll } from '../hooks.js';
import { text } from '../lib/format.js';
import { ErrorBox, Field, Notice, PageTitle, Pager, Updated, Scroll } from '../components/common.js';

const PER_PAGE = 50;

export function Registrations() {
  const [input, setInput] = useState('');
  const [user, setUser] = useState('');
  const [page, setPage] = useState(1);
  const regs = usePoll(() => api.get('/api/v1/registrations', { user, page, per_page: PER_PAGE }), 5000, [user, page]);
  const search = (e) => {
    e.preventDefault();
    setPage(1);
    setUser(input.trim());
  };
  const items = (regs.data && regs.data.items) || [];
  return html`
    <${PageTitle}>Registrations</${PageTitle}>
    <form class="search" role="search" onSubmit=${search}>
      <${Field} id="reg-user" label="User or AoR" value=${input} onInput=${setInput} hint="alice, or alice@iwg.test; empty: everyone" />
      <button type="submit">Search</button>
    </form>
    <${Updated} at=${regs.at} loading=${regs.loading} />
    <${ErrorBox} error=${regs.error} title="Registrations could not be read" />
    ${regs.data && html`<p class="summary" role="status">${regs.data.total} AoR(s)${user ? ` matching "${user}"` : ''}.</p>`}
    ${regs.data && !items.length ? html`<${Notice}>No registration${user ? ' matches' : ''}.</${Notice}>` : html`
    <${Scroll} label="Registrations"><table>
      <caption class="sr-only">Registered AoRs and their contacts</caption>
      <thead><tr><th scope="col">AoR</th><th scope="col">Node</th><th scope="col">Contact</th><th scope="col">Expires</th><th scope="col">User agent</th><th scope="col">Received</th></tr></thead>
      <tbody>${items.flatMap((r) => {
        const cs = r.contacts && r.contacts.length ? r.contacts : [{}];
        return cs.map((c, i) => html`<tr data-aor=${r.aor}>
          ${i === 0 ? html`<th scope="row" rowspan=${cs.length}>${r.aor}</th><td rowspan=${cs.length}>${r.node}</td>` : ''}
          <td class="mono">${text(c.address)}</td><td>${text(c.expires)}</td><td>${text(c.user_agent)}</td><td class="mono">${text(c.received)}</td>
        </tr>`);
      })}</tbody>
    </table></${Scroll}>`}
    ${regs.data && html`<${Pager} page=${page} perPage=${PER_PAGE} total=${regs.data.total} onPage=${setPage} label="Registrations" />`}`;
}
