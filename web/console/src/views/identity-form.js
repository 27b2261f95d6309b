// One identity mapping: create (#/identities/new), edit or, for a read-only
// role, view (#/identities/<ns>/<key>). Errors name the field the server
// refused, which gets the focus.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api.js';
import { href } from '../lib/route.js';
import { text, time, yesNo } from '../lib/format.js';
import { bodyOf, formOf, TEXT_FIELDS } from '../lib/identity.js';
import { ErrorBox, Field, Notice, PageTitle } from '../components/common.js';

const EMPTY = { ns: 'web', key: '', sip_uri: '', display_name: '', impi: '', tenant: '', agent_id: '', queue: '', language: '', priority: '', did: '', ha1: '', enabled: true, not_after: '' };

const inputId = (f) => `identity-${f}`;

function ReadOnly({ m }) {
  return html`<dl class="facts">
    ${[['Namespace', m.ns], ['Key', m.key], ...TEXT_FIELDS.map(([f, label]) => [label, text(m[f])]),
      ['Enabled', yesNo(m.enabled !== false)], ['Not after', m.not_after ? time(m.not_after) : '—'], ['HA1', m.ha1_set ? 'set' : 'not set']]
      .map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}

export function IdentityForm({ ns, idKey, writable }) {
  const create = ns === undefined;
  const [form, setForm] = useState(EMPTY);
  const [orig, setOrig] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (create) return;
    api.get(`/api/v1/identities/${seg(ns)}/${seg(idKey)}`)
      .then((m) => {
        setOrig(m);
        setForm(formOf(m));
      })
      .catch(setLoadError);
  }, [ns, idKey]);

  const set = (f) => (v) => setForm({ ...form, [f]: v });

  const fail = (e) => {
    setError(e);
    const el = e.field && document.getElementById(inputId(e.field));
    if (el) el.focus();
  };

  const submit = async (e) => {
    e.preventDefault();
    setSaved(null);
    setError(null);
    const { body, error: bad } = bodyOf(form, { create });
    if (bad) {
      fail({ status: 0, code: 'invalid', ...bad });
      return;
    }
    setBusy(true);
    try {
      const m = create ? await api.post('/api/v1/identities', body)
        : await api.put(`/api/v1/identities/${seg(ns)}/${seg(idKey)}`, body);
      setSaved(m);
      setOrig(m);
      setForm(create ? { ...EMPTY, ns: form.ns } : formOf(m));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const title = create ? 'New identity' : `Identity ${ns}/${idKey}`;
  const head = html`<p class="back"><a href=${href('identities')}>← All identities</a></p><${PageTitle}>${title}</${PageTitle}>`;
  if (loadError) return html`${head}<${ErrorBox} error=${loadError} title="The mapping could not be read" />`;
  if (!create && !orig) return html`${head}<p role="status">Loading…</p>`;
  if (!writable) return html`${head}<${ReadOnly} m=${orig} />`;

  const invalid = (f) => (error && error.field === f ? 'true' : undefined);
  return html`${head}
    ${saved && html`<${Notice} tone="ok">${create ? 'Created' : 'Saved'} <a href=${href('identities', saved.ns, saved.key)}>${saved.ns}/${saved.key}</a>.</${Notice}>`}
    <${ErrorBox} error=${error} title=${create ? 'Not created' : 'Not saved'} />
    <form class="form" onSubmit=${submit} novalidate>
      ${create && html`<div class="row">
        <${Field} id=${inputId('ns')} label="Namespace" value=${form.ns} onInput=${set('ns')} required hint="1-32 of A-Z a-z 0-9 _ - ." aria-invalid=${invalid('ns')} />
        <${Field} id=${inputId('key')} label="Key" value=${form.key} onInput=${set('key')} required hint="the web identity, e.g. user-123" aria-invalid=${invalid('key')} />
      </div>`}
      ${TEXT_FIELDS.map(([f, label, hint]) => html`<${Field} id=${inputId(f)} label=${label} value=${form[f]} onInput=${set(f)}
        required=${f === 'sip_uri'} hint=${hint} aria-invalid=${invalid(f)} />`)}
      <${Field} id=${inputId('ha1')} label="HA1 (digest)" value=${form.ha1} onInput=${set('ha1')} autocomplete="off" spellcheck="false"
        aria-invalid=${invalid('ha1')}
        hint=${orig && orig.ha1_set ? 'An HA1 is set. It is never shown; leave this empty to keep it, or enter a new one.' : '32 (MD5) or 64 (SHA-256) hex digits; write-only'} />
      <${Field} id=${inputId('not_after')} label="Not after" value=${form.not_after} onInput=${set('not_after')} aria-invalid=${invalid('not_after')}
        hint="unix seconds or 2026-01-31T23:59:59Z; empty: no end" />
      <${Field} id=${inputId('enabled')} type="checkbox" label="Enabled" value=${form.enabled} onInput=${set('enabled')} />
      <p class="actions"><button type="submit" disabled=${busy}>${create ? 'Create' : 'Save'}</button></p>
    </form>`;
}
