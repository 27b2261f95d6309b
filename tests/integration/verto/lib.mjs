// Minimal raw-Verto WebSocket client for the iwg_verto integration tests:
// headless Chromium (Debian's /usr/bin/chromium through playwright-core, no
// extra npm package) opens native WebSockets from a blank page; the test
// drives them with vc(...) calls. Flags: docs/architecture.md, "Platform facts".
// SPDX-License-Identifier: GPL-2.0-or-later
import http from 'node:http';
import { chromium } from 'playwright-core';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--ignore-certificate-errors',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection'];

// page-side helpers: a registry of sockets with their received messages
const PAGE_LIB = () => {
  window.socks = {};
  window.vseq = 0; // arrival order across sockets: seqs[i] is msgs[i]'s
  window.vopen = (name, url) => new Promise((resolve) => {
    const ws = new WebSocket(url);
    const s = { ws, msgs: [], seqs: [], closed: null, protocol: null };
    window.socks[name] = s;
    ws.onmessage = (e) => { s.msgs.push(JSON.parse(e.data)); s.seqs.push(++window.vseq); };
    ws.onclose = (e) => { s.closed = { code: e.code, reason: e.reason }; resolve(false); };
    ws.onopen = () => { s.protocol = ws.protocol; resolve(true); };
  });
  window.vsend = (name, obj) => window.socks[name].ws.send(
    typeof obj === 'string' ? obj : JSON.stringify(obj));
  window.vwait = (name, pred, ms) => new Promise((resolve) => {
    const t0 = Date.now();
    const tick = () => {
      const s = window.socks[name];
      const m = s.msgs.find(pred);
      if (m) return resolve(m);
      if (Date.now() - t0 > ms) return resolve(null);
      setTimeout(tick, 20);
    };
    tick();
  });
  window.vclosed = (name, ms) => new Promise((resolve) => {
    const t0 = Date.now();
    const tick = () => {
      const s = window.socks[name];
      if (s.closed) return resolve(s.closed);
      if (Date.now() - t0 > ms) return resolve(null);
      setTimeout(tick, 20);
    };
    tick();
  });
  // an audio offer from the fake microphone with its ICE candidates, as
  // the SDK sends it (no trickle); the connection is kept in offers[]
  window.offers = [];
  window.audioOffer = async () => {
    const pc = new RTCPeerConnection();
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc.addTrack(mic.getAudioTracks()[0], mic);
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => {
      if (pc.iceGatheringState === 'complete') return r();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
      setTimeout(r, 3000);
    });
    window.offers.push(pc);
    return pc.localDescription.sdp;
  };
  // answer a verto.invite with a real PeerConnection (audio from the fake
  // microphone, ICE gathered); the connection is kept in pcs[callID]
  window.pcs = {};
  window.answerInvite = async (inv) => {
    const pc = new RTCPeerConnection();
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    await pc.setRemoteDescription({ type: 'offer', sdp: inv.params.sdp });
    pc.getTransceivers().forEach((tr) => {
      if (tr.receiver.track.kind === 'audio') { tr.sender.replaceTrack(mic.getAudioTracks()[0]); tr.direction = 'sendrecv'; }
    });
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((r) => {
      if (pc.iceGatheringState === 'complete') return r();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
      setTimeout(r, 3000);
    });
    window.pcs[inv.params.callID] = pc;
    return pc.localDescription.sdp;
  };
};

// the page must come from http://127.0.0.1: Chromium's local network access
// checks block WebSockets to 127.0.0.1 from about:blank
function serveBlank() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>verto</title>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function launch() {
  const server = await serveBlank();
  const browser = await chromium.launch({ executablePath: process.env.IWG_CHROMIUM || '/usr/bin/chromium', args: FLAGS });
  browser.on('disconnected', () => server.close());
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.evaluate(PAGE_LIB);
  return { browser, page };
}

// TAP lines numbered from `start`
export function tap(start) {
  let n = start;
  let failed = 0;
  return {
    check(ok, desc, why) {
      n += 1;
      if (ok) console.log(`ok ${n} - ${desc}`);
      else { failed += 1; console.log(`not ok ${n} - ${desc}\n# ${String(why).replace(/\n/g, '\n# ')}`); }
    },
    get failed() { return failed; },
  };
}
