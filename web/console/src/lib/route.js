// Hash routes of the console: "#/calls/<call id>" <-> { page: 'calls',
// args: ['<call id>'] }. Segments are URI-encoded, so a Call-ID or an
// identity key may hold any character. The API key never appears here.
// SPDX-License-Identifier: GPL-2.0-or-later

export function parseHash(hash) {
  const h = String(hash || '').replace(/^#\/?/, '');
  if (!h) return { page: '', args: [] };
  const parts = h.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { page: parts[0], args: parts.slice(1) };
}

export function href(page, ...args) {
  return `#/${[page, ...args].map((s) => encodeURIComponent(String(s))).join('/')}`;
}
