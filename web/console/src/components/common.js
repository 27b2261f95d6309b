// Small shared pieces of the views: page title, errors, notices, pager.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';

// the page's h1; focused after navigation (app.js) so screen readers and
// keyboard users start at the new content
export function PageTitle({ children }) {
  return html`<h1 id="page-title" tabindex="-1">${children}</h1>`;
}

// an API error as the server gave it: message, field, status and code
export function ErrorBox({ error, title = 'Request failed' }) {
  if (!error) return null;
  const status = error.status ? `HTTP ${error.status}` : 'no answer';
  return html`<div class="msg msg-error" role="alert">
    <p><strong>${title}:</strong> <span class="msg-text">${error.message}</span></p>
    <p class="msg-detail">${status}${error.code ? ` · ${error.code}` : ''}${error.field ? ` · field ${error.field}` : ''}${error.body && error.body.node ? ` · node ${error.body.node}` : ''}</p>
  </div>`;
}

export function Notice({ children, tone = 'info' }) {
  return html`<div class=${`msg msg-${tone}`} role="status">${children}</div>`;
}

// "updated 12:00:05" beside auto-refreshing content
export function Updated({ at, loading, auto = true }) {
  const t = at ? at.toLocaleTimeString('en-GB') : '…';
  return html`<p class="updated">${loading && !at ? 'loading…' : `updated ${t}${auto ? ', refreshes automatically' : ''}`}</p>`;
}

export function Pager({ page, perPage, total, onPage, label }) {
  const last = Math.max(1, Math.ceil((total || 0) / perPage));
  if (last <= 1) return null;
  return html`<nav class="pager" aria-label=${`${label} pages`}>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous</button>
    <span>page ${page} of ${last}</span>
    <button type="button" disabled=${page >= last} onClick=${() => onPage(page + 1)}>Next</button>
  </nav>`;
}

// a text or checkbox field with its label
export function Field({ id, label, hint, type = 'text', value, onInput, required, ...rest }) {
  const hintId = hint ? `${id}-hint` : undefined;
  if (type === 'checkbox') {
    return html`<div class="field field-check">
      <input id=${id} type="checkbox" checked=${!!value} onChange=${(e) => onInput(e.currentTarget.checked)} aria-describedby=${hintId} ...${rest} />
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    </div>`;
  }
  return html`<div class="field">
    <label for=${id}>${label}${required ? html`<span class="req" aria-hidden="true"> *</span>` : ''}</label>
    <input id=${id} type=${type} value=${value ?? ''} required=${required} aria-describedby=${hintId}
      onInput=${(e) => onInput(e.currentTarget.value)} ...${rest} />
    ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
  </div>`;
}

// a table that may scroll sideways on narrow screens: focusable and named
// so keyboard users can scroll it too
export function Scroll({ label, children }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${label}>${children}</div>`;
}
