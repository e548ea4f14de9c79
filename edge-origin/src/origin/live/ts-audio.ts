// LL-HLS parts of an MPEG-TS audio segment, re-packetized. The muxer packs a third of a second
// of AAC frames, unevenly, in each PES packet, and a part can only be cut where a PES starts:
// parts cut from the segment's own packets would be far from the part target, some shorter
// than the 85 % of it RFC 8216bis asks. So an audio part is made anew from the segment's frames:
// its PAT and PMT (copied from the segment's start), then one PES holding its ADTS frames, with
// the PTS of the first. Same media as the segment, every part independent. Pure.
import type { TsIndex } from './ts-parts.ts';
import { byteAt } from '../../../../shared/lang/byte-at.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

const PACKET = 188;
const SYNC = 0x47;
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export interface AudioFrames {
  /** The PSI packets (PAT, PMT) the segment starts with. */
  tables: Uint8Array;
  pid: number;
  streamId: number;
  /** ADTS frames with their PTS (90 kHz). */
  frames: { pts: number; bytes: Uint8Array }[];
}

/** The ADTS frames of the segment's audio stream (undefined: not an ADTS audio segment). */
export function readAudioFrames(bytes: Uint8Array): AudioFrames | undefined {
  let tablesEnd = -1;
  let pid = -1;
  let streamId = 0;
  const pes: { pts: number; chunks: Uint8Array[] }[] = [];
  for (let p = 0; p + PACKET <= bytes.length; p += PACKET) {
    if (bytes[p] !== SYNC) return undefined;
    const packetPid = ((byteAt(bytes, p + 1) & 0x1f) << 8) | byteAt(bytes, p + 2);
    const start = (byteAt(bytes, p + 1) & 0x40) !== 0;
    const adaptation = (byteAt(bytes, p + 3) >> 4) & 0x3;
    let payload = p + 4;
    if (adaptation & 0x2) payload = p + 5 + byteAt(bytes, p + 4);
    if (!(adaptation & 0x1) || payload >= p + PACKET) continue;
    const isPes = start && bytes[payload] === 0 && bytes[payload + 1] === 0 && bytes[payload + 2] === 1;
    if (isPes && (byteAt(bytes, payload + 3) & 0xe0) === 0xc0 && (pid < 0 || packetPid === pid)) {
      if (pid < 0) {
        pid = packetPid;
        streamId = byteAt(bytes, payload + 3);
        tablesEnd = p;
      }
      if (!(byteAt(bytes, payload + 7) & 0x80)) return undefined;
      const headerLength = byteAt(bytes, payload + 8);
      pes.push({ pts: readPts(bytes, payload + 9), chunks: [bytes.subarray(payload + 9 + headerLength, p + PACKET)] });
    } else if (packetPid === pid && pes.length > 0) {
      itemAt(pes, pes.length - 1).chunks.push(bytes.subarray(payload, p + PACKET));
    }
  }
  if (pid < 0) return undefined;
  const frames: AudioFrames['frames'] = [];
  for (const packet of pes) {
    const data = concat(packet.chunks);
    let pts = packet.pts;
    for (let i = 0; i + 7 <= data.length; ) {
      if (data[i] !== 0xff || (byteAt(data, i + 1) & 0xf0) !== 0xf0) return undefined;
      const length = ((byteAt(data, i + 3) & 0x03) << 11) | (byteAt(data, i + 4) << 3) | (byteAt(data, i + 5) >> 5);
      const rate = SAMPLE_RATES[(byteAt(data, i + 2) >> 2) & 0x0f];
      if (!rate || length < 7 || i + length > data.length) return undefined;
      frames.push({ pts: Math.round(pts) % 2 ** 33, bytes: data.subarray(i, i + length) });
      pts += (1024 * 90_000) / rate;
      i += length;
    }
  }
  return { tables: bytes.slice(0, tablesEnd), pid, streamId, frames };
}

/** The frames as units for cutParts: unit i is frame i (offsets are frame indices, not bytes). */
export function frameIndex(audio: AudioFrames): TsIndex {
  return {
    units: audio.frames.map((f, i) => ({ offset: i, pts: f.pts, key: true, tables: true })),
    bytes: audio.frames.length,
  };
}

/** An MPEG-TS part holding frames [from, to): the segment's tables, then one PES. */
export function muxAudioPart(audio: AudioFrames, from: number, to: number): Uint8Array {
  const frames = audio.frames.slice(from, to);
  const payload = concat(frames.map((f) => f.bytes));
  const header = new Uint8Array(14);
  header.set([0, 0, 1, audio.streamId]);
  const pesLength = payload.length + 8;
  if (pesLength <= 0xffff) header.set([pesLength >> 8, pesLength & 0xff], 4);
  header.set([0x80, 0x80, 5], 6);
  writePts(header, 9, frames[0]?.pts ?? 0);
  const pes = concat([header, payload]);
  const packets: Uint8Array[] = [audio.tables];
  let cc = 0;
  for (let at = 0; at < pes.length; cc = (cc + 1) & 0x0f) {
    const packet = new Uint8Array(PACKET).fill(0xff);
    const left = pes.length - at;
    packet[0] = SYNC;
    packet[1] = (at === 0 ? 0x40 : 0) | ((audio.pid >> 8) & 0x1f);
    packet[2] = audio.pid & 0xff;
    if (left >= PACKET - 4) {
      packet[3] = 0x10 | cc;
      packet.set(pes.subarray(at, at + PACKET - 4), 4);
      at += PACKET - 4;
    } else {
      // The last packet: an adaptation field of stuffing fills what the payload leaves.
      const fill = PACKET - 4 - left;
      packet[3] = 0x30 | cc;
      packet[4] = fill - 1;
      if (fill > 1) packet[5] = 0x00;
      packet.set(pes.subarray(at), 4 + fill);
      at = pes.length;
    }
    packets.push(packet);
  }
  return concat(packets);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
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

function writePts(bytes: Uint8Array, at: number, pts: number): void {
  bytes[at] = 0x21 | (Math.floor(pts / 2 ** 30) << 1);
  bytes[at + 1] = Math.floor(pts / 2 ** 22) & 0xff;
  bytes[at + 2] = ((Math.floor(pts / 2 ** 15) & 0x7f) << 1) | 1;
  bytes[at + 3] = Math.floor(pts / 2 ** 7) & 0xff;
  bytes[at + 4] = ((pts & 0x7f) << 1) | 1;
}
