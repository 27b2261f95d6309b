// One call of headless Chromium (JsSIP, Opus over DTLS-SRTP) through the
// gateway to sip:echo@IWG_DOMAIN, for test.sh's peers that speak one codec
// (SIPp echoing the RTP): registers with the test password, calls, waits
// for DTLS and 50 audio packets each way, hangs up. Prints one JSON line:
// { result: "ok" | "failed", why?, stats } (stats: the page's getStats
// summary); exit 0 on "ok", 1 otherwise.
// Usage: node browser-call.mjs LOGDIR NAME
// SPDX-License-Identifier: GPL-2.0-or-later
import { launchClient } from '../../../e2e/lib/browser.mjs';

const [logDir, name] = process.argv.slice(2);
const domain = process.env.IWG_DOMAIN || 'iwg.test';
let client = null;
let out = { result: 'failed', why: 'not started' };
try {
  client = await launchClient({ logDir, name });
  const reg = await client.register(process.env.IWG_WSS_URL || 'wss://127.0.0.1:8443', `sip:caller@${domain}`,
    process.env.IWG_TEST_PASSWORD);
  if (!reg.ok) throw new Error(`REGISTER: ${reg.status} ${reg.cause || ''}`);
  await client.call(`sip:echo@${domain}`);
  await client.waitState((s) => s.callState === 'confirmed', 15000, 'call confirmed');
  const stats = await client.waitStats((s) => s.dtlsState === 'connected' && s.outboundPackets >= 50
    && s.inboundPackets >= 50, 15000, 'DTLS up, 50 audio packets each way');
  await client.hangup();
  await client.waitState((s) => s.callState === 'ended', 15000, 'call ended');
  out = { result: 'ok', stats };
} catch (e) {
  out = { result: 'failed', why: e.message, stats: client ? await client.stats().catch(() => null) : null };
} finally {
  if (client) await client.close();
}
console.log(JSON.stringify(out));
process.exit(out.result === 'ok' ? 0 : 1);
