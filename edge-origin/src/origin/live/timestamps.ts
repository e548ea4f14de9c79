// Continuous timestamps for the looping live source.
//
// Each live segment replays a source segment whose MPEG-TS timestamps restart with every loop.
// HLS players that honour EXT-X-DISCONTINUITY cope, but many clients (ffmpeg's HLS reader,
// some TV stacks) follow timestamps and stall when they jump back. So, like a real live
// packager, the origin shifts every timestamp of loop k by k loop-lengths: PES PTS/DTS and
// the PCR in TS packets, the X-TIMESTAMP-MAP in WebVTT. Sizes do not change, so byte ranges
// and Content-Length stay valid.
import { byteAt } from '../../../../shared/lang/byte-at.ts';

/** MPEG-TS timestamps are 33-bit counters of a 90 kHz clock. */
export const TIMESTAMP_MODULO = 2 ** 33;
const PACKET = 188;
const SYNC = 0x47;

/** The offset to add to loop `loopIndex`'s timestamps, loops being `loopTicks` long (90 kHz). */
export function loopTimestampOffset(loopIndex: number, loopTicks: number): number {
  return (loopIndex * loopTicks) % TIMESTAMP_MODULO;
}

/** A copy of an MPEG-TS segment with every PTS, DTS and PCR moved forward by `offset` ticks. */
export function shiftTransportStream(source: Uint8Array, offset: number): Uint8Array {
  const bytes = new Uint8Array(source);
  if (offset % TIMESTAMP_MODULO === 0) return bytes;
  for (let p = 0; p + PACKET <= bytes.length; p += PACKET) {
    if (bytes[p] !== SYNC) throw new Error(`MPEG-TS sync byte missing at offset ${p}`);
    const payloadUnitStart = (byteAt(bytes, p + 1) & 0x40) !== 0;
    const adaptationControl = (byteAt(bytes, p + 3) >> 4) & 0x3;
    let payload = p + 4;
    if (adaptationControl & 0x2) {
      const length = byteAt(bytes, p + 4);
      if (length > 0 && (byteAt(bytes, p + 5) & 0x10) !== 0) shiftPcr(bytes, p + 6, offset);
      payload = p + 5 + length;
    }
    if (!(adaptationControl & 0x1) || !payloadUnitStart || payload + 14 > p + PACKET) continue;
    // A PES packet starts here (PSI tables start with a pointer field instead, never 00 00 01).
    if (bytes[payload] !== 0 || bytes[payload + 1] !== 0 || bytes[payload + 2] !== 1) continue;
    const ptsDtsFlags = byteAt(bytes, payload + 7) >> 6;
    if (ptsDtsFlags & 0x2) shiftPesTimestamp(bytes, payload + 9, offset);
    if (ptsDtsFlags === 0x3 && payload + 19 <= p + PACKET) shiftPesTimestamp(bytes, payload + 14, offset);
  }
  return bytes;
}

/** A WebVTT segment whose X-TIMESTAMP-MAP MPEGTS value is moved forward by `offset` ticks. */
export function shiftWebVtt(text: string, offset: number): string {
  return text.replace(
    /X-TIMESTAMP-MAP=MPEGTS:(\d+)/,
    (_, value: string) => `X-TIMESTAMP-MAP=MPEGTS:${(Number(value) + offset) % TIMESTAMP_MODULO}`,
  );
}

// PES timestamp, 5 bytes:
// 4-bit prefix | ts[32..30] | marker, ts[29..22], ts[21..15] | marker, ts[14..7], ts[6..0] | marker.
function shiftPesTimestamp(bytes: Uint8Array, at: number, offset: number): void {
  const value =
    ((byteAt(bytes, at) >> 1) & 0x07) * 2 ** 30 +
    byteAt(bytes, at + 1) * 2 ** 22 +
    (byteAt(bytes, at + 2) >> 1) * 2 ** 15 +
    byteAt(bytes, at + 3) * 2 ** 7 +
    (byteAt(bytes, at + 4) >> 1);
  const shifted = (value + offset) % TIMESTAMP_MODULO;
  bytes[at] = (byteAt(bytes, at) & 0xf1) | (Math.floor(shifted / 2 ** 30) << 1);
  bytes[at + 1] = Math.floor(shifted / 2 ** 22) & 0xff;
  bytes[at + 2] = ((Math.floor(shifted / 2 ** 15) & 0x7f) << 1) | 0x01;
  bytes[at + 3] = Math.floor(shifted / 2 ** 7) & 0xff;
  bytes[at + 4] = ((shifted & 0x7f) << 1) | 0x01;
}

// PCR: 33-bit base (90 kHz), 6 reserved bits, 9-bit extension; only the base moves.
function shiftPcr(bytes: Uint8Array, at: number, offset: number): void {
  const base =
    byteAt(bytes, at) * 2 ** 25 +
    byteAt(bytes, at + 1) * 2 ** 17 +
    byteAt(bytes, at + 2) * 2 ** 9 +
    byteAt(bytes, at + 3) * 2 +
    (byteAt(bytes, at + 4) >> 7);
  const shifted = (base + offset) % TIMESTAMP_MODULO;
  bytes[at] = Math.floor(shifted / 2 ** 25) & 0xff;
  bytes[at + 1] = Math.floor(shifted / 2 ** 17) & 0xff;
  bytes[at + 2] = Math.floor(shifted / 2 ** 9) & 0xff;
  bytes[at + 3] = Math.floor(shifted / 2) & 0xff;
  bytes[at + 4] = (byteAt(bytes, at + 4) & 0x7f) | ((shifted & 0x1) << 7);
}

/** Reads the first PES PTS of a stream in a segment (tests and diagnostics). */
export function firstPts(bytes: Uint8Array): number | null {
  for (let p = 0; p + PACKET <= bytes.length; p += PACKET) {
    const adaptationControl = (byteAt(bytes, p + 3) >> 4) & 0x3;
    if (!(byteAt(bytes, p + 1) & 0x40) || !(adaptationControl & 0x1)) continue;
    const payload = adaptationControl & 0x2 ? p + 5 + byteAt(bytes, p + 4) : p + 4;
    if (bytes[payload] !== 0 || bytes[payload + 1] !== 0 || bytes[payload + 2] !== 1) continue;
    if (!(byteAt(bytes, payload + 7) & 0x80)) continue;
    const at = payload + 9;
    return (
      ((byteAt(bytes, at) >> 1) & 0x07) * 2 ** 30 +
      byteAt(bytes, at + 1) * 2 ** 22 +
      (byteAt(bytes, at + 2) >> 1) * 2 ** 15 +
      byteAt(bytes, at + 3) * 2 ** 7 +
      (byteAt(bytes, at + 4) >> 1)
    );
  }
  return null;
}
