// Login: paste an API key; whoami tells its role. The key is kept in this
// tab's sessionStorage once accepted (session.js).
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, setKey } from '../api.js';
import { homeFor } from '../lib/roles.js';
import { ErrorBox, Field, Notice, PageTitle } from '../components/common.js';

export function Login({ onLogin, reason }) {
  const [key, setValue] = useState('');
  const [error, setError] = useState(reason);
  const [busy, setBusy] = useState(false);
  const [appKey, setAppKey] = useState(null);

  const submit = async (e) => {
    e.preventDefault();
    const k = key.trim();
    setError(null);
    setAppKey(null);
    if (!k) {
      setError({ status: 0, code: 'missing', message: 'paste an API key first', field: 'api-key' });
      return;
    }
    setBusy(true);
    setKey(k);
    try {
      const who = await api.get('/api/v1/whoami');
      if (!homeFor(who.role)) {
        setKey(null);
        setAppKey(who);
      } else {
        onLogin(k, who);
      }
    } catch (err) {
      setKey(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<main id="main" class="login" tabindex="-1">
    <${PageTitle}>iwg console</${PageTitle}>
    <form onSubmit=${submit} aria-describedby="login-about">
      <${Field} id="api-key" label="API key" type="password" value=${key} onInput=${setValue}
        autocomplete="off" spellcheck="false" required aria-invalid=${error ? 'true' : undefined} />
      <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Sign in'}</button>
    </form>
    <p class="hint" id="login-about">The key of iwg-admind (roles noc, idadmin or admin). It stays in this browser tab only and is forgotten when the tab closes.</p>
    <${ErrorBox} error=${error} title="Sign-in failed" />
    ${appKey && html`<${Notice} tone="warn">The key <strong>${appKey.id}</strong> has the role <strong>${appKey.role}</strong>: it is meant for a web back-end asking for call credentials (POST /api/v1/credentials), not for this console. Use a noc, idadmin or admin key.</${Notice}>`}
  </main>`;
}
