// The part cutters against the real thing: a loop segment of the demo media, read by ffprobe.
// Video parts are byte ranges at ffprobe's own packet positions; audio parts, re-packetized,
// decode and carry exactly the segment's frames.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { frameIndex, muxAudioPart, readAudioFrames } from '../../edge-origin/src/origin/live/ts-audio.ts';
import { cutParts, indexTransportStream } from '../../edge-origin/src/origin/live/ts-parts.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';

const PART_TARGET = 0.52;
let dir: string;

beforeAll(async () => {
  const manifest = await ensureTestManifest();
  dir = join(manifest.root, manifest.live.sport.dir);
}, MEDIA_TIMEOUT_MS);

/** ffprobe's packets of a file: position (bytes, N/A inside a PES) and pts (s), and the keyframe flag. */
function probePackets(path: string): { pos: number | null; pts: number; key: boolean }[] {
  const json = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=pos,pts_time,flags', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  const packets = (JSON.parse(json) as { packets: { pts_time: string; pos?: string; flags: string }[] }).packets;
  return packets.map((p) => ({
    pts: Number(p.pts_time),
    pos: p.pos === undefined || p.pos === 'N/A' ? null : Number(p.pos),
    key: p.flags.startsWith('K'),
  }));
}

describe('video: parts are byte ranges cut where an access unit starts', () => {
  test('every access unit ffprobe sees, at its packet, in order; the first a keyframe', () => {
    const path = join(dir, 'v360', '3.ts');
    const bytes = new Uint8Array(readFileSync(path));
    const index = indexTransportStream(bytes);
    const packets = probePackets(path);
    expect(index.units).toHaveLength(packets.length);
    index.units.forEach((unit, i) => {
      const packet = packets[i]!;
      expect(unit.pts / 90_000).toBeCloseTo(packet.pts, 4);
      // The unit starts at its PES packet or at the tables just before it (never after it).
      if (i > 0 && packet.pos !== null) expect(unit.offset).toBeLessThanOrEqual(packet.pos);
      if (i > 0 && packet.pos !== null) expect(packet.pos - unit.offset).toBeLessThan(3 * 188);
      expect(unit.offset % 188).toBe(0);
      expect(unit.key).toBe(packet.key);
    });
    expect(index.units[0]!.offset).toBe(0);
  });

  test('parts cover the segment exactly, each within 85–100 % of the part target but the last, the first independent', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'v540', '5.ts')));
    const parts = cutParts(indexTransportStream(bytes), 2, PART_TARGET);
    expect(parts).toHaveLength(4);
    expect(parts[0]!.offset).toBe(0);
    expect(parts.at(-1)!.end).toBe(bytes.length);
    parts.forEach((part, i) => {
      if (i > 0) expect(part.offset).toBe(parts[i - 1]!.end);
      expect(part.duration).toBeLessThanOrEqual(PART_TARGET + 1e-9);
      if (i < parts.length - 1) expect(part.duration).toBeGreaterThanOrEqual(0.85 * PART_TARGET);
      expect(part.steps.at(-1)!.end).toBe(part.end);
    });
    expect(parts.reduce((sum, p) => sum + p.duration, 0)).toBeCloseTo(2, 6);
    expect(parts.map((p) => p.independent)).toEqual([true, false, false, false]);
  });
});

describe('audio: parts re-packetized from the segment’s AAC frames', () => {
  test('the parts hold every frame once, in order, and each decodes alone with ffmpeg', () => {
    const path = join(dir, 'audio-fr', '2.ts');
    const bytes = new Uint8Array(readFileSync(path));
    const audio = readAudioFrames(bytes)!;
    const probed = probePackets(path);
    // ffprobe splits the PES packets into the same AAC frames, with the same times.
    expect(audio.frames.map((f) => Math.round((f.pts / 90_000) * 1000))).toEqual(
      probed.map((p) => Math.round(p.pts * 1000)),
    );
    const parts = cutParts(frameIndex(audio), 2.005, PART_TARGET);
    const out = mkdtempSync(join(tmpdir(), 'll-audio-'));
    let frames = 0;
    parts.forEach((part, i) => {
      expect(part.independent).toBe(true);
      expect(part.duration).toBeLessThanOrEqual(PART_TARGET + 1e-9);
      if (i < parts.length - 1) expect(part.duration).toBeGreaterThanOrEqual(0.85 * PART_TARGET);
      const file = join(out, `${i}.ts`);
      writeFileSync(file, muxAudioPart(audio, part.offset, part.end));
      const decoded = probePackets(file);
      expect(decoded.map((p) => Math.round(p.pts * 1000))).toEqual(
        probed.slice(part.offset, part.end).map((p) => Math.round(p.pts * 1000)),
      );
      frames += decoded.length;
      execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
    });
    expect(frames).toBe(probed.length);
  });
});
