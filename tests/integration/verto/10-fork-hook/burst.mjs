// Bursts of TLS handshakes at Kamailio's TLS listeners while it starts
// (10-fork-hook): every INTERVAL ms, BURST connections at once to each
// target: a third complete their handshake then close, a third send a
// ClientHello and vanish mid-handshake, a third send plain bytes (not TLS).
// Connection refusals (listener not up yet) are counted, not errors.
// Runs until STOP_FILE exists; then writes a JSON summary to OUT_FILE.
// Usage: node burst.mjs STOP_FILE OUT_FILE HOST:PORT...
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [stopFile, outFile, ...targets] = process.argv.slice(2);
const BURST = Number(process.env.BURST || 40);
const INTERVAL = Number(process.env.BURST_INTERVAL_MS || 100);
const MAX_OUTSTANDING = 600;
const stats = Object.fromEntries(targets.map((t) => [t, { started: 0, complete: 0, broken: 0, garbage: 0, refused: 0, failed: 0 }]));
let outstanding = 0;

function one(target, kind) {
  const [host, p] = target.split(':');
  const port = Number(p);
  const s = stats[target];
  s.started += 1;
  outstanding += 1;
  let done = false;
  const finish = (what) => {
    if (done) return;
    done = true;
    outstanding -= 1;
    s[what] += 1;
  };
  const raw = net.connect({ host, port });
  raw.setTimeout(5000, () => { raw.destroy(); finish('failed'); });
  raw.on('error', (e) => { finish(e.code === 'ECONNREFUSED' ? 'refused' : (kind === 'complete' ? 'failed' : kind)); });
  raw.on('close', () => finish(kind === 'complete' ? 'failed' : kind));
  raw.on('connect', () => {
    if (kind === 'garbage') {
      raw.end('GET / HTTP/1.0\r\n\r\n\x16\x03\x01\x00\x05hello');
      return;
    }
    const t = tls.connect({ socket: raw, rejectUnauthorized: false, servername: undefined });
    t.on('error', () => {});
    if (kind === 'complete') {
      t.on('secureConnect', () => { finish('complete'); t.destroy(); });
    } else {
      // the ClientHello is out; vanish before the handshake ends
      setTimeout(() => raw.destroy(), Math.floor(Math.random() * 5));
    }
  });
}

const kinds = ['complete', 'broken', 'garbage'];
const timer = setInterval(() => {
  if (fs.existsSync(stopFile)) {
    clearInterval(timer);
    const wait = setInterval(() => {
      if (outstanding > 0) return;
      clearInterval(wait);
      fs.writeFileSync(outFile, JSON.stringify(stats));
      process.exit(0);
    }, 50);
    setTimeout(() => { fs.writeFileSync(outFile, JSON.stringify({ ...stats, outstanding })); process.exit(0); }, 8000);
    return;
  }
  if (outstanding > MAX_OUTSTANDING) return;
  for (const target of targets) for (let i = 0; i < BURST; i++) one(target, kinds[i % 3]);
}, INTERVAL);
