// Access-edge tests: digest and time-limited credentials for the
// hand-written SIP user agents of tests/integration/ims/lib/ua.mjs, and
// Kamailio RPC. Node 20 with --experimental-websocket.
// SPDX-License-Identifier: GPL-2.0-or-later
import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dialog, rnd, uriOf } from '../ims/lib/ua.mjs';

const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');

// the value of an Authorization/Proxy-Authorization header answering the
// Digest challenge of response r (401 or 407), qop=auth
export function digest(r, { user, password, method, uri }) {
  const ch = r.get(r.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate') || '';
  const p = (k) => (new RegExp(`${k}="([^"]*)"`).exec(ch) || [])[1];
  const realm = p('realm');
  const nonce = p('nonce');
  const cnonce = rnd(4);
  const nc = '00000001';
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const opaque = p('opaque');
  const name = r.status === 401 ? 'Authorization' : 'Proxy-Authorization';
  return `${name}: Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"` +
    (opaque ? `, opaque="${opaque}"` : '');
}

// time-limited credentials for user (Kamailio auth_ephemeral, SHA-1):
// username "<expiry>:<user>", password base64(HMAC-SHA1(secret, username))
export function ephemeral(secret, user, ttlSeconds = 3600) {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${user}`;
  const password = crypto.createHmac('sha1', secret).update(username).digest('base64');
  return { username, password };
}

// sends a request through ua (WsUa) and answers one 401/407 with
// credentials; o as for ua.send(); resolves with the final response
export async function sendAuth(ua, o, { user, password }) {
  const first = await ua.send({ ...o, cseq: o.cseq || 1 });
  if (!first || (first.status !== 401 && first.status !== 407)) return first;
  const auth = digest(first, { user, password, method: o.method, uri: o.ruri });
  return ua.send({ ...o, cseq: (o.cseq || 1) + 1, headers: [...(o.headers || []), auth] });
}

// an INVITE through ua (WsUa) answering one challenge as sendAuth does; a
// 2xx is ACKed and its dialog (Dialog of ua.mjs) returned: { resp, dialog }
export async function inviteAuth(ua, o, cred) {
  const resp = await sendAuth(ua, { ...o, method: 'INVITE' }, cred);
  if (!resp || resp.status < 200 || resp.status >= 300) return { resp, dialog: null };
  const dialog = new Dialog(ua, {
    callId: o.callId, localTag: /tag=([^;>\s]+)/.exec(o.from)[1], remoteTag: /tag=([^;>\s]+)/.exec(resp.get('To'))[1],
    localUri: uriOf(o.from), remoteUri: o.ruri,
    routeSet: resp.all('Record-Route').flatMap((v) => v.split(/,(?=\s*<)/)).map((s) => s.trim()).reverse(),
    remoteTarget: uriOf(resp.get('Contact')), cseq: Number(resp.get('CSeq').split(/\s+/)[0]),
  });
  await dialog.ack();
  return { resp, dialog };
}

// a Kamailio RPC command through kamcmd ($IWG_KAMCMD); its output, faults
// included (kamcmd prints "error: CODE - TEXT" and exits 0)
export function kamcmd(...args) {
  const [bin, ...pre] = process.env.IWG_KAMCMD.split(' ');
  return execFileSync(bin, [...pre, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// opens a TCP connection from localAddress to the WebSocket listener
// host:port and sends the upgrade request of subprotocol sip; resolves with
// { status, socket } once the status line has come (the socket stays open)
export function wsHandshake({ host = '127.0.0.1', port, localAddress }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, localAddress }, () => {
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        'Sec-WebSocket-Protocol: sip\r\n\r\n');
    });
    let head = '';
    socket.on('data', (d) => {
      head += d;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m) { socket.removeAllListeners('data'); resolve({ status: Number(m[1]), socket }); }
    });
    socket.on('error', reject);
  });
}

// a browser in a process of its own (browser-call.mjs) that registers and
// calls target; resolves { child, callId } once the call is answered (see:
// the log hint of failure messages). Kill the child to make it vanish.
export async function browserCall({ domain, user, username, password, target, see }) {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'browser-call.mjs');
  const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', script,
    process.env.IWG_WS_URL, domain, user, username, password, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const callId = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /answered (\S+)/.exec(out);
        if (m) resolve(m[1]);
        if (/failed/.test(out)) reject(new Error(`the browser's call failed: ${out.trim()}; ${see}`));
      });
      child.on('exit', () => reject(new Error(`the browser exited before the call was answered: ${out.trim()}; ${see}`)));
    });
    return { child, callId };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

// the Call-IDs rtpengine has now (NG list)
export function rtpCalls() {
  return execFileSync(process.env.IWG_NG_BIN, ['-s', process.env.IWG_NG_ADDR, 'list'], { encoding: 'utf8' });
}
