// The console's one client of iwg-admind's REST API: same origin, the API
// key as "Authorization: Bearer", JSON in and out. A failed request throws
// ApiError carrying the server's JSON error ({error, message, field}).
// SPDX-License-Identifier: GPL-2.0-or-later

export class ApiError extends Error {
  // retryAfter: the seconds of a Retry-After header (429, 503), else null
  constructor(status, body, what, retryAfter = null) {
    const b = body && typeof body === 'object' ? body : {};
    super(b.message || `${what}: HTTP ${status}`);
    this.status = status;
    this.code = b.error || (status ? `http_${status}` : 'network');
    this.field = b.field || null;
    this.body = b;
    this.what = what;
    this.retryAfter = retryAfter;
  }
}

let apiKey = null;
let onUnauthorized = null;

export function setKey(key) {
  apiKey = key || null;
}

// fn(error) runs when the server answers 401 to a request made with a key
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function withQuery(path, query) {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// request(method, path, { query, body, accept: [extra ok statuses] })
export async function request(method, path, { query, body, accept = [] } = {}) {
  const url = withQuery(path, query);
  const what = `${method} ${path}`;
  const headers = { Accept: 'application/json' };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: `cannot reach iwg-admind (${what}): ${e.message}` }, what);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok || accept.includes(res.status)) return data;
  const ra = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  const err = new ApiError(res.status, data, what, Number.isFinite(ra) && ra >= 0 ? ra : null);
  if (res.status === 401 && apiKey && onUnauthorized) onUnauthorized(err);
  throw err;
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body) => request('POST', path, { body }),
  put: (path, body) => request('PUT', path, { body }),
  del: (path) => request('DELETE', path),
};

// path segment of a REST URL
export const seg = (s) => encodeURIComponent(String(s));
