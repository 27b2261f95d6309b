// The flood of 06-flood, in a process of its own (forked by flood.mjs, so
// that thousands of reconnecting sockets do not starve the test's own event
// loop): slots of raw WebSocket clients (tests/lib/wsload.mjs), each
// reconnecting once closed, half a second after a refusal.
//   idle     IDLE_ADDRS, IDLE_SLOTS each: upgrade, then nothing
//   slow     127.0.0.8, MAX_PER_IP slots: a frame header announcing 65,000
//            bytes, 40 KiB of it at once, then 1 KiB every 250 ms
//   fragment 127.0.0.9, MAX_PER_IP slots: a text frame without FIN
//            (16 KiB), then continuation frames without FIN, 4 KiB every 250 ms
// IPC: sends { live } every 200 ms; on { cmd: 'stop' } closes its
// connections and answers { per } (the counts per address), then exits.
// Usage (fork): swarm.mjs WS_URL MAX_PER_IP IDLE_SLOTS
// SPDX-License-Identifier: GPL-2.0-or-later
import { frameHeader, maskBytes, wsConnect } from '../../../lib/wsload.mjs';

const [wsUrl, maxPerIpArg, idleSlotsArg] = process.argv.slice(2);
const MAX_PER_IP = Number(maxPerIpArg);
const IDLE_SLOTS = Number(idleSlotsArg);
const IDLE_ADDRS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'];
const SLOW_ADDR = '127.0.0.8';
const FRAG_ADDR = '127.0.0.9';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const addrs = [...IDLE_ADDRS, SLOW_ADDR, FRAG_ADDR];
// per address: maxOpen counts only until the first close seen from that
// address (then the count is exact: nothing left the server yet); later
// the client's view may lag the server's (it frees a slot, accepts another,
// and the 101 may be read before the older connection's close frame)
const per = Object.fromEntries(addrs.map((a) => [a, { attempts: 0, upgraded: 0, refused: 0, errors: 0, open: 0,
  maxOpen: 0, firstClose: false, maxOpenLater: 0, closes: {} }]));
let running = true;
const live = new Set();

function trickle(c, kind) {
  if (kind === 'slow') {
    const total = 65000;
    const { header, mask } = frameHeader(0x1, total);
    let sent = 40 * 1024;
    c.sendRaw(Buffer.concat([header, maskBytes(Buffer.alloc(sent, 0x61), mask)]));
    return setInterval(() => {
      if (sent + 1024 < total) { c.sendRaw(maskBytes(Buffer.alloc(1024, 0x61), mask, sent)); sent += 1024; }
    }, 250);
  }
  // a fragmented text message that never ends
  const first = frameHeader(0x1, 16 * 1024, false);
  c.sendRaw(Buffer.concat([first.header, maskBytes(Buffer.alloc(16 * 1024, 0x62), first.mask)]));
  return setInterval(() => {
    const f = frameHeader(0x0, 4096, false);
    c.sendRaw(Buffer.concat([f.header, maskBytes(Buffer.alloc(4096, 0x62), f.mask)]));
  }, 250);
}

async function slot(addr, kind) {
  const s = per[addr];
  while (running) {
    s.attempts += 1;
    const c = await wsConnect({ url: wsUrl, localAddress: addr, timeoutMs: 8000 });
    if (!c.upgraded) {
      // closed or reset by the server before the upgrade: refused
      if (c.refused && (!c.error || /ECONNRESET|EPIPE/.test(c.error))) s.refused += 1; else s.errors += 1;
      if (c.error) s.lastError = c.error;
      await sleep(500);
      continue;
    }
    s.upgraded += 1;
    s.open += 1;
    if (!s.firstClose) s.maxOpen = Math.max(s.maxOpen, s.open);
    s.maxOpenLater = Math.max(s.maxOpenLater, s.open);
    live.add(c);
    // counted closed at the server's close frame (its decision), so this
    // count never runs ahead of the server's own
    let counted = false;
    c.onCloseFrame = () => { s.firstClose = true; if (!counted) { counted = true; s.open -= 1; } };
    const timer = kind === 'idle' ? null : trickle(c, kind);
    const info = await c.closed;
    clearInterval(timer);
    live.delete(c);
    s.firstClose = true;
    if (!counted) { counted = true; s.open -= 1; }
    const code = c.closedByUs ? 'ours' : info.code;
    s.closes[code] = (s.closes[code] || 0) + 1;
  }
}

const slots = [];
const starts = [];
for (const a of IDLE_ADDRS) for (let i = 0; i < IDLE_SLOTS; i++) starts.push([a, 'idle']);
for (let i = 0; i < MAX_PER_IP; i++) { starts.push([SLOW_ADDR, 'slow']); starts.push([FRAG_ADDR, 'fragment']); }
const ticker = setInterval(() => process.send({ live: live.size, slots: starts.length }), 200);
process.on('message', async (m) => {
  if (m.cmd !== 'stop') return;
  running = false;
  clearInterval(ticker);
  for (const c of live) { c.closedByUs = true; c.close(); }
  await Promise.race([Promise.all(slots), sleep(10000)]);
  for (const c of live) c.destroy();
  process.send({ per }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
// start the slots a few at a time (the listen backlog is finite)
for (let i = 0; i < starts.length; i += 100) {
  slots.push(...starts.slice(i, i + 100).map(([a, k]) => slot(a, k)));
  await sleep(20);
}
