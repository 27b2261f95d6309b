// A small RFC 7662 token introspection endpoint over HTTPS for the
// 07-introspection test: POST /introspect with HTTP Basic client
// credentials and a form body token=...; the answers for the test tokens
// are fixed below. Every request is logged as one line "<token>" to the log
// file, so the test can count how often the endpoint was asked.
//
//   node introspect-server.mjs PORT CERT KEY CLIENT_ID SECRET LOGFILE
// SPDX-License-Identifier: GPL-2.0-or-later
import https from 'node:https';
import fs from 'node:fs';

const [port, cert, key, id, secret, logFile] = process.argv.slice(2);
// RFC 6749 2.3.1: client id and secret are form-urlencoded, then Basic
const formDecode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
function clientOk(header) {
  const m = /^Basic (.+)$/.exec(header || '');
  if (!m) return false;
  const [u, p] = Buffer.from(m[1], 'base64').toString().split(':');
  try { return formDecode(u) === id && formDecode(p || '') === secret; } catch { return false; }
}
const now = () => Math.floor(Date.now() / 1000);
const active = (sub, extra = {}) => ({ active: true, sub, aud: 'iwg', iss: 'paas', exp: now() + 300, scope: 'sip', ...extra });

// token -> [delay ms, HTTP status, answer]
const answers = {
  'opaque-ann': () => [0, 200, active('ann')],
  'opaque-bob': () => [0, 200, active('bob')],
  'opaque-nobody': () => [0, 200, active('nobody')],
  'opaque-revoked': () => [0, 200, { active: false }],
  'opaque-wrong-aud': () => [0, 200, active('ann', { aud: 'elsewhere' })],
  'opaque-expired': () => [0, 200, active('ann', { exp: now() - 600 })],
  'opaque-slow': () => [1500, 200, active('ann')],
  'opaque-broken': () => [0, 500, { error: 'server_error' }],
};

const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const reply = (status, obj) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const token = new URLSearchParams(body).get('token') || '';
    fs.appendFileSync(logFile, `${token}\n`);
    if (req.method !== 'POST' || req.url !== '/introspect') return reply(404, { error: 'not_found' });
    if (!clientOk(req.headers.authorization)) return reply(401, { error: 'invalid_client' });
    const [delay, status, answer] = (answers[token] || (() => [0, 200, { active: false }]))();
    setTimeout(() => reply(status, answer), delay);
  });
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
