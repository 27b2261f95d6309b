// One raw Verto login over wss from Node's built-in WebSocket, the server's
// certificate verified (run with NODE_EXTRA_CA_CERTS=<the self-signed cert>).
// Exits 0 when the login result with a sessid and verto.clientReady came
// within 5 s, else 1 with the reason on stdout.
// Usage: node --experimental-websocket wss-login.mjs WSS_URL
// SPDX-License-Identifier: GPL-2.0-or-later
const [url] = process.argv.slice(2);
const seen = { result: null, ready: false };

const done = (ok, why) => {
  if (!ok) console.log(why);
  process.exit(ok ? 0 : 1);
};
const timer = setTimeout(() => done(false, `no login within 5 s: ${JSON.stringify(seen)}`), 5000);
const ws = new WebSocket(url);
ws.onerror = (e) => done(false, `WebSocket error: ${e.message || e.error?.message || e.type}`);
ws.onclose = (e) => done(false, `closed ${e.code} ${e.reason} before the login completed`);
ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'login',
  params: { login: '1008@cc.example', passwd: '1234', userVariables: {}, loginParams: {} } }));
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.id === 1 && !m.method) seen.result = m.result || m.error;
  if (m.method === 'verto.clientReady') seen.ready = true;
  if (seen.result?.sessid && seen.ready) {
    clearTimeout(timer);
    ws.onclose = null;
    ws.close();
    done(true);
  }
};
