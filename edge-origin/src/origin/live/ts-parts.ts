import { byteAt } from '../../../../shared/lang/byte-at.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';
// LL-HLS parts of an MPEG-TS segment: where its access units start, and how they group into
// parts of about the part target. Pure: bytes in, byte ranges out.
//
// A part is a run of whole 188-byte packets that starts where a PES packet of the segment's
// main stream (its video, else its audio) starts, so a player's transmuxer fed the parts one
// after another sees the same packets as the whole segment. The PSI tables (PAT, PMT) that the
// muxer writes just before a PES go with the part they announce. The first part of a segment
// starts at byte 0 and is independent (our segments begin with a keyframe); a later part is
// independent only when it starts on a random-access point AND with the tables: hls.js starts
// an audio rendition at the newest independent part, and one without a PAT/PMT before its first
// PES fails to decode in Chromium (seen with our audio parts, every one a random-access point).
const PACKET = 188;
const SYNC = 0x47;
const TICKS = 90_000;

export interface AccessUnit {
  /** Byte offset where this access unit's packets start (PSI tables just before it included). */
  offset: number;
  /** Presentation time, 90 kHz ticks. */
  pts: number;
  /** Random-access point (a keyframe; every audio frame is one). */
  key: boolean;
  /** Its packets start with the PAT: a player that starts here learns the streams at once. */
  tables: boolean;
}

export interface TsIndex {
  units: AccessUnit[];
  /** Total bytes (a whole number of packets). */
  bytes: number;
}

/** The access units (PES starts) of the segment's main stream: its video if it has one, else its audio. */
export function indexTransportStream(bytes: Uint8Array): TsIndex {
  const total = bytes.length - (bytes.length % PACKET);
  const found = new Map<number, { video: boolean; units: AccessUnit[] }>();
  // Where the run of PSI packets immediately before the current packet began (-1: none), and
  // whether that run starts with the PAT.
  let psiRunStart = -1;
  let psiRunPat = false;
  for (let p = 0; p + PACKET <= total; p += PACKET) {
    if (bytes[p] !== SYNC) throw new Error(`MPEG-TS sync byte missing at offset ${p}`);
    const pid = ((byteAt(bytes, p + 1) & 0x1f) << 8) | byteAt(bytes, p + 2);
    const payloadUnitStart = (byteAt(bytes, p + 1) & 0x40) !== 0;
    const adaptation = (byteAt(bytes, p + 3) >> 4) & 0x3;
    let payload = p + 4;
    let randomAccess = false;
    if (adaptation & 0x2) {
      const length = byteAt(bytes, p + 4);
      randomAccess = length > 0 && (byteAt(bytes, p + 5) & 0x40) !== 0;
      payload = p + 5 + length;
    }
    const pes =
      payloadUnitStart &&
      adaptation & 0x1 &&
      payload + 14 <= p + PACKET &&
      bytes[payload] === 0 &&
      bytes[payload + 1] === 0 &&
      bytes[payload + 2] === 1;
    if (!pes) {
      // PSI (PAT, PMT, SDT) starts with a pointer field, never a PES start code.
      const psi = pid === 0 || (payloadUnitStart && !(bytes[payload] === 0 && bytes[payload + 1] === 0));
      if (psi && psiRunStart < 0) psiRunPat = pid === 0;
      psiRunStart = psi ? (psiRunStart < 0 ? p : psiRunStart) : -1;
      continue;
    }
    const streamId = byteAt(bytes, payload + 3);
    const video = (streamId & 0xf0) === 0xe0;
    const audio = (streamId & 0xe0) === 0xc0;
    const start = psiRunStart >= 0 ? psiRunStart : p;
    const tables = psiRunStart >= 0 && psiRunPat;
    psiRunStart = -1;
    if (!video && !audio) continue;
    if (!(byteAt(bytes, payload + 7) & 0x80)) continue; // no PTS: not a unit start we can time
    let stream = found.get(pid);
    if (!stream) found.set(pid, (stream = { video, units: [] }));
    stream.units.push({ offset: start, pts: readPts(bytes, payload + 9), key: audio || randomAccess, tables });
  }
  const streams = [...found.values()];
  const main = streams.find((s) => s.video) ?? streams[0];
  const units = main?.units ?? [];
  if (units[0]) units[0] = { ...units[0], offset: 0, tables: true };
  return { units, bytes: total };
}

export interface PartSpan {
  /** Byte range [offset, end) of the segment. */
  offset: number;
  end: number;
  /** Seconds from the segment's start to the part's start, and its length. */
  start: number;
  duration: number;
  independent: boolean;
  /** Byte offsets where its access units end, with when (seconds from the segment's start): how
   * the part is produced, frame by frame. The last one is `end`. */
  steps: { end: number; at: number }[];
}

/**
 * Cuts a segment of `duration` seconds into parts of at most `limit` seconds (the advertised
 * PART-TARGET) and of near-equal length, each cut at an access unit start. A single access unit
 * longer than `limit` (never ours) makes its part longer. `aim`: the length the shares are worked
 * out from (a unit read while it is encoded is cut as if it lasted its nominal length, so its
 * parts are the same before and after its end is known).
 */
export function cutParts(index: TsIndex, duration: number, limit: number, aim = duration): PartSpan[] {
  const { units } = index;
  if (units.length === 0)
    return [
      {
        offset: 0,
        end: index.bytes,
        start: 0,
        duration,
        independent: true,
        steps: [{ end: index.bytes, at: duration }],
      },
    ];
  const first = itemAt(units, 0).pts;
  const at = (i: number) => ((itemAt(units, i).pts - first + 2 ** 33) % 2 ** 33) / TICKS;
  const starts = [0];
  const epsilon = 1e-6;
  for (;;) {
    const from = itemAt(starts, starts.length - 1);
    const s = at(from);
    if (aim - s <= limit + epsilon) break;
    // Aim at an even share of what is left, never past the limit.
    const ideal = s + (aim - s) / Math.ceil((aim - s) / limit - epsilon);
    let best = -1;
    for (let i = from + 1; i < units.length && at(i) <= s + limit + epsilon; i++) {
      if (best < 0 || Math.abs(at(i) - ideal) < Math.abs(at(best) - ideal)) best = i;
    }
    if (best < 0) best = from + 1;
    if (best >= units.length || at(best) >= Math.min(duration, aim)) break;
    starts.push(best);
  }
  return starts.map((u, k) => {
    const next = starts[k + 1];
    const last = next ?? units.length;
    const end = next === undefined ? index.bytes : itemAt(units, next).offset;
    const endAt = next === undefined ? duration : at(next);
    // Unit i is produced once its presentation interval is over: when the next one starts.
    const steps: PartSpan['steps'] = [];
    for (let i = u; i < last; i++)
      steps.push(i + 1 < last ? { end: itemAt(units, i + 1).offset, at: at(i + 1) } : { end, at: endAt });
    return {
      offset: itemAt(units, u).offset,
      end,
      start: at(u),
      duration: endAt - at(u),
      independent: k === 0 || (itemAt(units, u).key && itemAt(units, u).tables),
      steps,
    };
  });
}

/**
 * The parts of a segment still being written: those whose end is already fixed (an access unit
 * past where the next cut could fall has been written), cut as `cutParts` will cut the whole.
 */
export function partsSoFar(index: TsIndex, aim: number, limit: number): PartSpan[] {
  const { units } = index;
  if (units.length === 0) return [];
  const first = itemAt(units, 0).pts;
  const last = ((itemAt(units, units.length - 1).pts - first + 2 ** 33) % 2 ** 33) / TICKS;
  const parts = cutParts(index, aim, limit, aim);
  return parts.filter((p, k) => k + 1 < parts.length && last > p.start + limit + 1e-6);
}

function readPts(bytes: Uint8Array, at: number): number {
  return (
    ((byteAt(bytes, at) >> 1) & 0x07) * 2 ** 30 +
    byteAt(bytes, at + 1) * 2 ** 22 +
    (byteAt(bytes, at + 2) >> 1) * 2 ** 15 +
    byteAt(bytes, at + 3) * 2 ** 7 +
    (byteAt(bytes, at + 4) >> 1)
  );
}
