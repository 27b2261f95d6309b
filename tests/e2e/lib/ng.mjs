// rtpengine NG queries through the iwg-ng CLI ($IWG_BUILD/bin/iwg-ng), which
// prints rtpengine's reply as one JSON line and exits 0 (ok), 1 (rtpengine
// answered "error") or 2 (rtpengine unreachable).
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function ngBin() {
  return process.env.IWG_NG_BIN || path.join(process.env.IWG_BUILD || path.join(top, 'build'), 'bin', 'iwg-ng');
}

// runs iwg-ng with args; resolves { code, reply (parsed JSON or null), stdout, stderr, cmd }
export function ng(args, { addr = process.env.IWG_NG_ADDR || '127.0.0.1:2223', timeoutMs = 5000 } = {}) {
  const bin = ngBin();
  const argv = ['-s', addr, ...args];
  const cmd = [bin, ...argv].join(' ');
  return new Promise((resolve) => {
    execFile(bin, argv, { timeout: timeoutMs }, (err, stdout, stderr) => {
      let code = 0;
      if (err) code = typeof err.code === 'number' ? err.code : -1; // -1: not run / killed
      let reply = null;
      const first = stdout.split('\n').find((l) => l.trim() !== '');
      if (first) {
        try {
          reply = JSON.parse(first);
        } catch {
          reply = null;
        }
      }
      resolve({ code, reply, stdout, stderr: stderr || (err && code === -1 ? err.message : ''), cmd });
    });
  });
}

// NG "query" for a Call-ID; resolves like ng()
export function query(callId, opts) {
  return ng(['query', callId], opts);
}

// --- helpers over a query reply ---------------------------------------------

// every media of every tag (monologue): [{ tag, label, media }]
export function medias(reply) {
  const out = [];
  const tags = (reply && reply.tags) || {};
  for (const [tag, mono] of Object.entries(tags)) {
    for (const m of mono.medias || []) out.push({ tag, label: mono.label || null, media: m });
  }
  return out;
}

// packets received on a media's streams (rtpengine counts per stream, as received)
export function mediaPackets(media) {
  let n = 0;
  for (const s of media.streams || []) n += (s.stats && s.stats.packets) || 0;
  return n;
}

export function mediaFlags(media) {
  const f = new Set(media.flags || []);
  for (const s of media.streams || []) for (const x of s.flags || []) f.add(x);
  return f;
}
