// The console shell: session (API key -> whoami -> role), the hash router,
// the header, the navigation the role may use, and the current view.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, setKey, setUnauthorizedHandler } from './api.js';
import { clearKey, loadKey, saveKey } from './session.js';
import { href, parseHash } from './lib/route.js';
import { canRead, canWrite, homeFor, pagesFor, pageTitle } from './lib/roles.js';
import { Notice, PageTitle } from './components/common.js';
import { Login } from './views/login.js';
import { Dashboard } from './views/dashboard.js';
import { CallDetail, CallsList } from './views/calls.js';
import { Registrations } from './views/registrations.js';
import { IdentitiesList } from './views/identities.js';
import { IdentityForm } from './views/identity-form.js';
import { IdentityImport } from './views/identity-import.js';
import { Hdrmed } from './views/hdrmed.js';
import { Audit } from './views/audit.js';

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const f = () => setHash(location.hash);
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return parseHash(hash);
}

function view(page, args, props) {
  switch (page) {
    case 'dashboard':
      return html`<${Dashboard} ...${props} />`;
    case 'calls':
      return args[0] ? html`<${CallDetail} ...${props} callId=${args[0]} />` : html`<${CallsList} ...${props} />`;
    case 'registrations':
      return html`<${Registrations} ...${props} />`;
    case 'identities':
      if (args[0] === 'new' && props.writable) return html`<${IdentityForm} ...${props} />`;
      if (args[0] === 'import' && props.writable) return html`<${IdentityImport} ...${props} />`;
      if (args.length === 2) return html`<${IdentityForm} ...${props} ns=${args[0]} idKey=${args[1]} />`;
      return html`<${IdentitiesList} ...${props} />`;
    case 'hdrmed':
      return html`<${Hdrmed} ...${props} />`;
    case 'audit':
      return html`<${Audit} ...${props} />`;
    default:
      return null;
  }
}

function SkipLink() {
  const skip = (e) => {
    e.preventDefault();
    document.getElementById('main').focus();
  };
  return html`<a class="skip" href="#main" onClick=${skip}>Skip to content</a>`;
}

// focusFirst: move the focus to the page title on the first render too
// (after signing in, when the login form the focus was on goes away), not
// only when the route changes; a reloaded page keeps the browser's start
function Shell({ session, route, onLogout, focusFirst }) {
  const pages = pagesFor(session.role);
  const page = route.page;
  const allowed = canRead(session.role, page);
  const routeKey = `${page}/${route.args.join('/')}`;
  const first = useRef(true);

  useEffect(() => {
    document.title = `${pageTitle(page)} · iwg console`;
    const t = document.getElementById('page-title');
    if (t && (!first.current || focusFirst)) t.focus();
    first.current = false;
  }, [routeKey]);

  const props = { role: session.role, writable: canWrite(session.role, page), args: route.args };
  return html`
    <${SkipLink} />
    <header class="top">
      <p class="brand"><a href=${href(homeFor(session.role))}>iwg console</a></p>
      <p class="who">key <strong>${session.id}</strong>, role <strong data-role=${session.role}>${session.role}</strong></p>
      <button type="button" class="secondary" onClick=${() => onLogout(null)}>Log out</button>
    </header>
    <nav class="nav" aria-label="Main">
      <ul>
        ${pages.map((p) => html`<li><a href=${href(p.id)} aria-current=${p.id === page ? 'page' : undefined}>${p.title}</a></li>`)}
      </ul>
    </nav>
    <main id="main" tabindex="-1">
      ${allowed ? view(page, route.args, props) : html`
        <${PageTitle}>Not available</${PageTitle}>
        <${Notice}>The role <strong>${session.role}</strong> cannot open this page. <a href=${href(homeFor(session.role))}>Go to ${pageTitle(homeFor(session.role))}</a>.</${Notice}>`}
    </main>`;
}

export function App() {
  const [session, setSession] = useState(null);
  const [checking, setChecking] = useState(() => !!loadKey());
  const [reason, setReason] = useState(null);
  const [signedIn, setSignedIn] = useState(false);
  const route = useRoute();
  const current = useRef(null);
  current.current = session;

  const logout = (why) => {
    clearKey();
    setKey(null);
    setSession(null);
    setReason(why);
    location.hash = '#/login';
  };

  useEffect(() => {
    setUnauthorizedHandler((e) => {
      if (current.current) logout(e);
    });
    const k = loadKey();
    if (!k) return;
    setKey(k);
    api.get('/api/v1/whoami')
      .then((w) => (homeFor(w.role) ? setSession(w) : logout(null)))
      .catch((e) => logout(e))
      .finally(() => setChecking(false));
  }, []);

  // a signed-in tab lands on its role's first page
  useEffect(() => {
    if (session && (!route.page || route.page === 'login')) location.replace(href(homeFor(session.role)));
  }, [session, route.page]);

  const login = (key, who) => {
    saveKey(key);
    setReason(null);
    setSignedIn(true);
    setSession(who);
    location.hash = href(homeFor(who.role));
  };

  if (checking) return html`<main id="main" class="center" tabindex="-1"><p role="status">Checking the API key…</p></main>`;
  if (!session) return html`<${Login} onLogin=${login} reason=${reason} />`;
  return html`<${Shell} session=${session} route=${route} onLogout=${logout} focusFirst=${signedIn} />`;
}
