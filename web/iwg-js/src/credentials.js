// Credentials a browser presents to the gateway, in the three kinds it
// accepts (kamcfg/edge/auth.cfg):
//   token      a web token, sent as "Authorization: Bearer <token>" on every
//              request out of dialog (REGISTER, INVITE); never in dialog, so
//              it does not travel past the gateway
//   ephemeral  time-limited digest credentials: username "<expiry>:<user>",
//              password base64(HMAC-SHA1(secret, username))
//   digest     a SIP user and password
// A credential is what POST /api/v1/credentials returns, taken as is.
// SPDX-License-Identifier: GPL-2.0-or-later
import { IWGError } from './errors.js';

const USER_RE = /^[A-Za-z0-9._~+\-!$&'()*,;=%]{1,128}$/;

function bad(message) {
  return new IWGError('invalid_credential', message);
}

// the SIP URI of user in domain, or uri when given ("sip:" added if missing)
function sipUri(uri, user, domain) {
  if (typeof uri === 'string' && uri) return /^sips?:/i.test(uri) ? uri : `sip:${uri}`;
  if (!user) throw bad('the credential names no user (give "uri" or "user")');
  if (!domain) throw bad(`no SIP domain for user "${user}": give the credential a "uri" or the Gateway a "domain"`);
  return `sip:${user}@${domain}`;
}

// the user part of a SIP URI
function uriUser(uri) {
  const m = /^sips?:([^@;?]+)@/i.exec(uri);
  return m ? decodeURIComponent(m[1]) : null;
}

// normalizeCredential(cred, domain): the credential checked and completed:
// { kind, uri, user, authUser, password, token, expires } (expires: seconds
// since the epoch, or null). Throws IWGError invalid_credential.
export function normalizeCredential(cred, domain) {
  if (!cred || typeof cred !== 'object') throw bad('the credential must be an object');
  let kind = cred.kind;
  if (!kind) kind = cred.token ? 'token' : /^\d+:/.test(String(cred.username || '')) ? 'ephemeral' : 'digest';
  const expiresIn = (v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : null);
  switch (kind) {
    case 'token': {
      if (typeof cred.token !== 'string' || !/^[A-Za-z0-9\-._~+/]+=*$/.test(cred.token)) {
        throw bad('a token credential needs "token" (the web token, without "Bearer ")');
      }
      const uri = sipUri(cred.uri, cred.user, domain);
      return { kind, uri, user: cred.user || uriUser(uri), authUser: null, password: null, token: cred.token,
        expires: expiresIn(cred.expires) || jwtExpiry(cred.token) };
    }
    case 'ephemeral': {
      const m = /^(\d+):(.+)$/.exec(String(cred.username || ''));
      if (!m) throw bad('an ephemeral credential needs "username" as "<expiry>:<user>"');
      if (typeof cred.password !== 'string' || !cred.password) throw bad('an ephemeral credential needs "password"');
      const user = cred.user || m[2];
      const uri = sipUri(cred.uri, user, domain);
      return { kind, uri, user, authUser: cred.username, password: cred.password, token: null,
        expires: expiresIn(cred.expires) || Number(m[1]) };
    }
    case 'digest': {
      if (typeof cred.password !== 'string' || !cred.password) throw bad('a digest credential needs "password"');
      const user = cred.user || (cred.uri ? uriUser(sipUri(cred.uri)) : null);
      if (user && !USER_RE.test(user)) throw bad(`"${user}" is not a SIP user name`);
      const uri = sipUri(cred.uri, user, domain);
      return { kind, uri, user: user || uriUser(uri), authUser: cred.authUser || cred.username || null,
        password: cred.password, token: null, expires: null };
    }
    default:
      throw bad(`unknown credential kind "${kind}" (token, ephemeral or digest)`);
  }
}

// the "exp" claim of a JWT, or null (the token is not checked here: the
// gateway does that)
export function jwtExpiry(token) {
  const part = String(token).split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const exp = JSON.parse(json).exp;
    return Number.isFinite(exp) ? exp : null;
  } catch {
    return null;
  }
}

// the headers a request out of dialog carries for this credential
export function authHeaders(c) {
  return c.kind === 'token' ? [`Authorization: Bearer ${c.token}`] : [];
}

// refreshDelay(c, nowMs): milliseconds until a fresh credential should be
// asked for (at 80 % of the remaining lifetime, at least 5 s from now), or
// null for one that does not expire
export function refreshDelay(c, nowMs = Date.now()) {
  if (!c.expires) return null;
  const left = c.expires * 1000 - nowMs;
  return Math.max(5000, Math.floor(left * 0.8));
}
