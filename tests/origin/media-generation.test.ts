// The generated demo media: complete ladders, aligned segments, languages you can tell apart,
// and a generator that several processes can call at once.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MediaManifest } from '../../edge-origin/src/media/manifest.ts';
import { withDirLock } from '../../edge-origin/src/media/lock.ts';
import { ensureThumbnails, readThumbnails, thumbnailVersion } from '../../edge-origin/src/media/thumbnails.ts';
import { mediaSpecFromSeedFile } from '../../edge-origin/src/media/spec.ts';
import { DEFAULT_SEED_FILE } from '../../edge-origin/src/media/ensure.ts';
import { AUDIO_RENDITIONS, SUBTITLE_RENDITIONS, VIDEO_RENDITIONS } from '../../shared/hls/ladder.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let manifest: MediaManifest;
beforeAll(async () => {
  manifest = await ensureTestManifest();
}, MEDIA_TIMEOUT_MS);

describe('the generated library', () => {
  test('4 live loops and every replay and highlight of the seed, each with the full ladder', () => {
    expect(Object.keys(manifest.live).sort()).toEqual(['agglo', 'business', 'culture', 'sport']);
    const spec = mediaSpecFromSeedFile(DEFAULT_SEED_FILE);
    expect(manifest.version).toBe(spec.version);
    expect(Object.keys(manifest.vod).sort()).toEqual(
      spec.streams
        .filter((s) => s.kind === 'vod')
        .map((s) => s.id)
        .sort(),
    );
    for (const stream of [...Object.values(manifest.live), ...Object.values(manifest.vod)]) {
      const ids = [...VIDEO_RENDITIONS, ...AUDIO_RENDITIONS, ...SUBTITLE_RENDITIONS].map((r) => r.id);
      expect(Object.keys(stream.renditions).sort()).toEqual([...ids].sort());
      for (const id of ids)
        expect([stream.id, id, stream.renditions[id]!.segmentDurations.length]).toEqual([
          stream.id,
          id,
          stream.segmentCount,
        ]);
      // Video segments are exactly one GOP of 2 s.
      expect(new Set(stream.renditions.v240!.segmentDurations)).toEqual(new Set([2]));
      expect(stream.duration).toBe(stream.segmentCount * 2);
    }
    for (const live of Object.values(manifest.live)) expect(live.duration).toBeGreaterThanOrEqual(30);
    expect(manifest.totalBytes).toBeGreaterThan(10_000_000);
  });

  test('each video segment starts with a keyframe, in every rendition', () => {
    for (const r of VIDEO_RENDITIONS) {
      const run = spawnSync(
        '/usr/bin/ffmpeg',
        [
          '-hide_banner',
          '-nostdin',
          '-i',
          join(manifest.root, 'live/agglo', r.id, '3.ts'),
          '-frames:v',
          '1',
          '-vf',
          'showinfo',
          '-f',
          'null',
          '-',
        ],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toMatch(/iskey:1/);
      expect(run.stderr).toMatch(/type:I/);
    }
  });

  test('French and English audio are different tones (440 Hz and 880 Hz)', async () => {
    const dominantHz = async (rendition: string) => {
      const pcm = await new Promise<Buffer>((resolve, reject) => {
        const child = spawn('/usr/bin/ffmpeg', [
          '-nostdin',
          '-loglevel',
          'error',
          '-i',
          join(manifest.root, 'vod/replay-conte', rendition, '2.ts'),
          '-f',
          's16le',
          '-ac',
          '1',
          '-ar',
          '48000',
          '-',
        ]);
        const chunks: Buffer[] = [];
        child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
        child.on('error', reject);
        child.on('close', () => resolve(Buffer.concat(chunks)));
      });
      // Zero crossings over the second half of the first second (after the beep) → frequency.
      const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
      const from = 24_000;
      const to = 48_000;
      let crossings = 0;
      for (let i = from + 1; i < to; i++) if (itemAt(samples, i - 1) < 0 !== itemAt(samples, i) < 0) crossings++;
      return crossings / 2 / ((to - from) / 48_000);
    };
    expect(Math.abs((await dominantHz('audio-fr')) - 440)).toBeLessThan(20);
    expect(Math.abs((await dominantHz('audio-en')) - 880)).toBeLessThan(20);
  });
});

describe('the seek-bar sprite sheets', () => {
  const STATIC_FFMPEG = join(process.cwd(), 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cite-tv-thumbs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A sheet decoded to grey pixels. */
  const grey = (file: string) =>
    spawnSync('/usr/bin/ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-pix_fmt', 'gray', '-f', 'rawvideo', '-'], {
      maxBuffer: 1 << 24,
    }).stdout;

  test('every stream has its sheets, under their own recipe hash beside the media (not in it)', () => {
    const thumbs = readThumbnails(manifest)!;
    expect(thumbs).not.toBeNull();
    expect(thumbs.version).toBe(thumbnailVersion(manifest.version));
    expect(thumbs.version).not.toBe(manifest.version);
    expect(thumbs.root).toBe(join(manifest.root, '..', 'thumbs', thumbs.version));
    for (const stream of [...Object.values(manifest.live), ...Object.values(manifest.vod)]) {
      const sheets = (
        stream.kind === 'live' ? thumbs.live[stream.id as keyof typeof thumbs.live] : thumbs.vod[stream.id]
      )!;
      expect([stream.id, sheets.tiles, sheets.sheets]).toEqual([
        stream.id,
        stream.segmentCount,
        Math.ceil(stream.segmentCount / 25),
      ]);
      for (const bytes of sheets.sheetBytes) expect(bytes).toBeGreaterThan(5_000);
      for (const bytes of sheets.sheetBytes) expect(bytes).toBeLessThan(80_000);
    }
  });

  test('the 2018 static ffmpeg makes the same sheets; concurrent callers generate once', async () => {
    // The real media seen from another cache directory (a symlink), so sheets land in `dir`.
    await symlink(manifest.root, join(dir, manifest.version));
    const media = {
      ...manifest,
      root: join(dir, manifest.version),
      live: { sport: manifest.live.sport },
      vod: { 'replay-conte': manifest.vod['replay-conte']! },
    };
    const logs: string[] = [];
    const log = (msg: string) => logs.push(msg);
    const [a, b] = await Promise.all([
      ensureThumbnails(media, { ffmpegPath: STATIC_FFMPEG, log }),
      ensureThumbnails(media, { ffmpegPath: STATIC_FFMPEG, log }),
    ]);
    expect(a).toEqual(b);
    expect(logs.filter((m) => /thumbnail sheets/.test(m))).toHaveLength(1);
    expect(a.root.startsWith(dir)).toBe(true);

    const debian = readThumbnails(manifest)!;
    for (const sheet of [join('live/sport', '0.jpg'), join('vod/replay-conte', '0.jpg')]) {
      const ours = grey(join(a.root, sheet));
      const theirs = grey(join(debian.root, sheet));
      expect(ours.length).toBe(800 * 450);
      expect(ours.length).toBe(theirs.length);
      let different = 0;
      for (let i = 0; i < ours.length; i++) if (Math.abs(itemAt(ours, i) - itemAt(theirs, i)) > 48) different++;
      expect(different).toBeLessThan(200);
      expect((await readFile(join(a.root, sheet)))[0]).toBe(0xff);
    }
  }, 60_000);
});

describe('the generator lock', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cite-tv-lock-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('concurrent callers run one after the other; the waiter is told who it waits for', async () => {
    const lock = join(dir, 'gen.lock');
    const events: string[] = [];
    const waits: string[] = [];
    const job = (name: string) =>
      withDirLock(
        lock,
        (owner) => waits.push(owner),
        async () => {
          events.push(`${name} start`);
          await new Promise((resolve) => setTimeout(resolve, 300));
          events.push(`${name} end`);
        },
      );
    await Promise.all([job('a'), job('b')]);
    // Whichever takes the lock first runs to its end before the other starts.
    const first = itemAt(itemAt(events, 0).split(' '), 0);
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
    expect(waits).toEqual([String(process.pid)]);
  });

  test('a lock left behind by a dead process is taken over', async () => {
    const lock = join(dir, 'stale.lock');
    await mkdir(lock);
    // A pid that cannot be alive: far above Linux's pid_max.
    await writeFile(join(lock, 'owner'), '999999999');
    let ran = false;
    await withDirLock(
      lock,
      () => {},
      async () => {
        ran = true;
      },
    );
    expect(ran).toBe(true);
  });
});
