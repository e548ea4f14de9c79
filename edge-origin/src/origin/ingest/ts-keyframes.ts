// Spots the video keyframes in the MPEG-TS the listener copies out, so the régie sees how long
// ago the encoder last sent one (an encoder set to a 10 s GOP makes every viewer wait that long
// to start). Reads only the packet header and the PES start, as live/timestamps.ts does; the
// tests hold it to ffprobe's own keyframe flags.
import { byteAt } from '../../../../shared/lang/byte-at.ts';
const PACKET = 188;
const SYNC = 0x47;

/** Calls `onKeyframe` for every video access unit flagged random-access, across chunk borders. */
export function keyframeScanner(onKeyframe: () => void): (chunk: Uint8Array) => void {
  let carry = new Uint8Array(0);
  return (chunk) => {
    const bytes = carry.length ? concat(carry, chunk) : chunk;
    let p = 0;
    while (p + PACKET <= bytes.length) {
      if (bytes[p] !== SYNC) {
        p++; // lost sync: look for the next packet start
        continue;
      }
      if (isVideoKeyframe(bytes, p)) onKeyframe();
      p += PACKET;
    }
    carry = bytes.slice(p);
  };
}

function isVideoKeyframe(b: Uint8Array, p: number): boolean {
  const payloadUnitStart = (byteAt(b, p + 1) & 0x40) !== 0;
  const adaptation = (byteAt(b, p + 3) >> 4) & 0x3;
  if (!payloadUnitStart || !(adaptation & 0x2) || !(adaptation & 0x1)) return false;
  const length = byteAt(b, p + 4);
  if (length === 0 || (byteAt(b, p + 5) & 0x40) === 0) return false; // random_access_indicator
  const pes = p + 5 + length;
  // PES start code, then a video stream id (0xE0–0xEF).
  return (
    pes + 4 <= p + PACKET &&
    b[pes] === 0 &&
    b[pes + 1] === 0 &&
    b[pes + 2] === 1 &&
    (byteAt(b, pes + 3) & 0xf0) === 0xe0
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
