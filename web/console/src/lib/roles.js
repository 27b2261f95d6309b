// Which pages each API key role may open, and where it may write. The
// server enforces the same rules (iwg-admind's route table); this only
// keeps the console from offering what would be refused.
// SPDX-License-Identifier: GPL-2.0-or-later

export const PAGES = [
  { id: 'dashboard', title: 'Dashboard', read: ['noc', 'admin'], write: [] },
  { id: 'calls', title: 'Calls', read: ['noc', 'admin'], write: [] },
  { id: 'registrations', title: 'Registrations', read: ['noc', 'admin'], write: [] },
  { id: 'identities', title: 'Identities', read: ['noc', 'idadmin', 'admin'], write: ['idadmin', 'admin'] },
  { id: 'hdrmed', title: 'Header mediation', read: ['noc', 'admin'], write: ['admin'] },
  { id: 'audit', title: 'Audit log', read: ['idadmin', 'admin'], write: [] },
];

const byId = new Map(PAGES.map((p) => [p.id, p]));

export function pagesFor(role) {
  return PAGES.filter((p) => p.read.includes(role));
}

export function canRead(role, page) {
  const p = byId.get(page);
  return !!p && p.read.includes(role);
}

export function canWrite(role, page) {
  const p = byId.get(page);
  return !!p && p.write.includes(role);
}

// the page a role lands on after login; null when the console has nothing
// for it (the app role only asks for credentials)
export function homeFor(role) {
  const p = pagesFor(role)[0];
  return p ? p.id : null;
}

export function pageTitle(page) {
  const p = byId.get(page);
  return p ? p.title : page;
}
