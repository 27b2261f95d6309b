// The IMS UE's media endpoint for the e2e IMS tests: a UDP socket that
// records every RTP packet (payload type, size, first payload bytes) and
// sends it back to where it came from (like SIPp -rtp_echo), plus the AMR-WB
// bandwidth-efficient payload check (RFC 4867 4.3).
// SPDX-License-Identifier: GPL-2.0-or-later
import dgram from 'node:dgram';

// bits of speech per AMR-WB frame type 0..8 (RFC 4867 / TS 26.201), SID = 9
const AMRWB_BITS = [132, 177, 253, 285, 317, 365, 397, 461, 477, 40];

export class RtpSink {
  constructor(port) {
    this.port = port;
    this.packets = []; // { pt, marker, len, payload (Buffer, first 8 bytes) }
  }

  open() {
    this.sock = dgram.createSocket('udp4');
    this.sock.on('message', (b, rinfo) => {
      if (b.length < 12 || b[0] >> 6 !== 2) return;
      const cc = b[0] & 15;
      const ext = b[0] & 16;
      let off = 12 + 4 * cc;
      if (ext && b.length >= off + 4) off += 4 + 4 * b.readUInt16BE(off + 2);
      const payload = b.subarray(off);
      if (this.packets.length < 20000) {
        this.packets.push({ pt: b[1] & 127, marker: b[1] >> 7, len: payload.length, payload: Buffer.from(payload.subarray(0, 8)) });
      }
      this.sock.send(b, rinfo.port, rinfo.address);
    });
    return new Promise((resolve) => this.sock.bind(this.port, '127.0.0.1', () => resolve(this)));
  }

  close() { this.sock.close(); }

  ofPt(pt) { return this.packets.filter((p) => p.pt === pt); }

  // payload types seen: { pt: count }
  summary() {
    const s = {};
    for (const p of this.packets) s[p.pt] = (s[p.pt] || 0) + 1;
    return s;
  }
}

// reads one AMR-WB packet as bandwidth-efficient with a single frame:
// { ok, ft, cmr, why }. ok when F = 0, FT a speech or SID type and the
// payload length is exactly ceil((4 + 6 + bits) / 8) (octet-aligned would
// be 2 bytes of header plus the frame rounded up to bytes)
export function amrwbBandwidthEfficient(p) {
  if (p.len < 2) return { ok: false, why: `payload of ${p.len} bytes` };
  const b0 = p.payload[0];
  const b1 = p.payload[1];
  const cmr = b0 >> 4;
  const f = (b0 >> 3) & 1;
  const ft = ((b0 & 7) << 1) | (b1 >> 7);
  if (f !== 0) return { ok: false, ft, cmr, why: 'F bit set (more frames, or octet-aligned reserved bits)' };
  if (ft > 9) return { ok: false, ft, cmr, why: `frame type ${ft}` };
  const want = Math.ceil((10 + AMRWB_BITS[ft]) / 8);
  if (p.len !== want) return { ok: false, ft, cmr, why: `length ${p.len}, bandwidth-efficient FT ${ft} is ${want}` };
  return { ok: true, ft, cmr };
}
