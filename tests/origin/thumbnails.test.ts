// Seek-bar thumbnails as the TV gets them (issue #6): every replay and highlight of the catalog
// points at a WebVTT thumbnail track that covers the whole asset, every sheet it names is a real
// JPEG, and the tile for a moment shows the picture the HLS stream plays at that moment — for
// the seeded assets, for a replay published from a live (whose tiles come from the channel's
// loop, `sequence mod N`) and for a clip cut from it. Behind an edge, both are cached.
//
// "Shows the picture": the demo media draws a running clock (hh:mm:ss.mmm) and a moving test
// pattern into every frame, so two moments 2 s apart differ in a few hundred pixels. A tile is
// compared with the frame ffmpeg decodes from the HLS segment playing at the start of its cue,
// by counting pixels whose grey level differs by more than 48 (JPEG noise stays well below).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Highlight, Page, Replay } from '../../shared/catalog/types.ts';
import { vodPaths } from '../../shared/hls/paths.ts';
import { parseThumbnailTrack, thumbnailAt } from '../../shared/hls/thumbnails.ts';
import type { ThumbnailCue } from '../../shared/hls/thumbnails.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { parseMediaPlaylistUris } from '../support/hls.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { publishLiveReplay, staffClient } from '../support/staff-api.ts';
import { byteAt } from '../../shared/lang/byte-at.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'test-admin-token-thumbnails-01';
const TILE = { w: 160, h: 90 };
/** Grey levels a pixel must change by to count as "different" (JPEG noise stays far below). */
const PIXEL_THRESHOLD = 48;
/** A tile showing the same moment as the frame: at most this many different pixels (of 14 400). */
const SAME_PICTURE_MAX = 20;
/** A tile of another moment: at least this many. */
const OTHER_PICTURE_MIN = 30;

let origin: TestOrigin;
let edge: StartedEdge;
let store: MemoryRecordStore;
let clockMs = Date.now();

beforeAll(async () => {
  store = new MemoryRecordStore();
  await store.ready();
  await seedOnce(store, () => ({
    records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, clockMs),
    atIso: new Date(clockMs).toISOString(),
  }));
  origin = await startOrigin({ store, staffAdminToken: ADMIN, now: () => clockMs });
  edge = await startEdge({ upstreamUrl: origin.url });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await edge?.close();
  await origin?.close();
  await store?.close();
});

// ---- helpers ----------------------------------------------------------------------------------

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(origin.url + path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const staff = staffClient(() => origin.url, ADMIN);

/** The asset's track, fetched and parsed as the TV does (sheet URLs resolved against the track). */
async function trackOf(asset: { thumbnails?: string }): Promise<ThumbnailCue[]> {
  expect(asset.thumbnails).toBeDefined();
  const url = origin.url + asset.thumbnails!;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/vtt/);
  expect(res.headers.get('cache-control')).toMatch(/immutable/);
  return parseThumbnailTrack(await res.text(), (u) => new URL(u, url).href);
}

/** Width and height from a JPEG's start-of-frame marker (SOF0..SOF15, not DHT/JPG/DAC). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = byteAt(bytes, i + 1);
    const length = (byteAt(bytes, i + 2) << 8) | byteAt(bytes, i + 3);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return {
        height: (byteAt(bytes, i + 5) << 8) | byteAt(bytes, i + 6),
        width: (byteAt(bytes, i + 7) << 8) | byteAt(bytes, i + 8),
      };
    }
    i += 2 + length;
  }
  return null;
}

/** Runs ffmpeg on `input` (stdin) and returns its stdout. */
function ffmpegPipe(input: Uint8Array, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${code}: ${err}`)),
    );
    child.stdin.on('error', () => {}); // ffmpeg may stop reading once it has its frame
    child.stdin.end(input);
  });
}

/** A grey image, row-major. */
interface Grey {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const sheets = new Map<string, Promise<Grey>>();
/** A sheet, fetched once and decoded to grey. */
function sheetGrey(url: string): Promise<Grey> {
  let pending = sheets.get(url);
  if (!pending) {
    pending = (async () => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const size = jpegSize(bytes)!;
      const pixels = await ffmpegPipe(bytes, [
        '-f',
        'image2pipe',
        '-i',
        'pipe:0',
        '-pix_fmt',
        'gray',
        '-f',
        'rawvideo',
        'pipe:1',
      ]);
      return { ...size, pixels: new Uint8Array(pixels) };
    })();
    sheets.set(url, pending);
  }
  return pending;
}

async function tileGrey(cue: ThumbnailCue): Promise<Uint8Array> {
  const sheet = await sheetGrey(cue.url);
  const tile = new Uint8Array(cue.w * cue.h);
  for (let row = 0; row < cue.h; row++) {
    tile.set(
      sheet.pixels.subarray((cue.y + row) * sheet.width + cue.x, (cue.y + row) * sheet.width + cue.x + cue.w),
      row * cue.w,
    );
  }
  return tile;
}

/**
 * The picture a player shows at `time` (seconds into the asset): the segment of the asset's
 * 540p playlist that plays then, decoded by ffmpeg at that offset, scaled to a tile's size.
 */
async function frameAt(asset: { playbackUrl: string }, time: number): Promise<Uint8Array> {
  const playlistUrl = origin.url + asset.playbackUrl.replace('master.m3u8', 'v540/index.m3u8');
  const text = await (await fetch(playlistUrl)).text();
  const durations = [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
  const uris = parseMediaPlaylistUris(text);
  let start = 0;
  let index = 0;
  while (index < durations.length - 1 && start + itemAt(durations, index) <= time + 1e-6)
    start += itemAt(durations, index++);
  const segment = await fetch(new URL(itemAt(uris, index), playlistUrl));
  expect(segment.status).toBe(200);
  const offset = time - start;
  const pixels = await ffmpegPipe(new Uint8Array(await segment.arrayBuffer()), [
    '-f',
    'mpegts',
    '-i',
    'pipe:0',
    ...(offset > 0 ? ['-ss', offset.toFixed(3)] : []),
    '-frames:v',
    '1',
    '-vf',
    `scale=${TILE.w}:${TILE.h},format=gray`,
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
  expect(pixels.length).toBe(TILE.w * TILE.h);
  return new Uint8Array(pixels);
}

function differentPixels(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(byteAt(a, i) - byteAt(b, i)) > PIXEL_THRESHOLD) n++;
  return n;
}

/**
 * At each time: the tile the track gives matches the frame the HLS plays at the start of that
 * tile's cue, and the tile of a far-away moment (another picture of the source) does not.
 */
async function expectTilesShowTheVideo(
  asset: { playbackUrl: string; duration: number },
  cues: ThumbnailCue[],
  times: number[],
): Promise<void> {
  for (const time of times) {
    const cue = thumbnailAt(cues, time)!;
    expect(cue.start).toBeLessThanOrEqual(time);
    expect(cue.end).toBeGreaterThan(time);
    const frame = await frameAt(asset, cue.start);
    const same = differentPixels(frame, await tileGrey(cue));
    // Far away: the cue nearest to half the asset later (wrapping) that shows another tile.
    const target = (cue.start + asset.duration / 2) % asset.duration;
    const far = cues
      .filter((c) => c.url !== cue.url || c.x !== cue.x || c.y !== cue.y)
      .reduce((a, b) => (Math.abs(b.start - target) < Math.abs(a.start - target) ? b : a));
    const other = differentPixels(frame, await tileGrey(far));
    // Measured here: 1-4 different pixels for the same moment, 49-143 for the far one.
    expect({
      time,
      cue: cue.start,
      differentPixels: { same, other },
      ok: same <= SAME_PICTURE_MAX && other >= OTHER_PICTURE_MIN,
    }).toMatchObject({ ok: true });
  }
}

/** The track covers [0, duration) with back-to-back cues, and every sheet it names is a JPEG big enough. */
async function expectCompleteTrack(asset: { id: string; duration: number }, cues: ThumbnailCue[]): Promise<void> {
  expect(cues.length).toBeGreaterThan(0);
  expect(itemAt(cues, 0).start).toBe(0);
  for (let i = 1; i < cues.length; i++)
    expect([asset.id, i, itemAt(cues, i).start]).toEqual([asset.id, i, itemAt(cues, i - 1).end]);
  expect(cues.at(-1)!.end).toBeCloseTo(asset.duration, 2);
  const sizes = new Map<string, { width: number; height: number }>();
  for (const url of new Set(cues.map((c) => c.url))) {
    expect(new URL(url).pathname.startsWith(`/hls/vod/${asset.id}/thumbs/`)).toBe(true);
    const res = await fetch(url);
    expect([url, res.status, res.headers.get('content-type')]).toEqual([url, 200, 'image/jpeg']);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    const size = jpegSize(new Uint8Array(await res.arrayBuffer()));
    expect(size).not.toBeNull();
    sizes.set(url, size!);
  }
  for (const c of cues) {
    const size = sizes.get(c.url)!;
    expect({ w: c.w, h: c.h }).toEqual(TILE);
    expect(c.x + c.w <= size.width && c.y + c.h <= size.height).toBe(true);
  }
}

async function allOf<T>(path: string): Promise<T[]> {
  const page = await getJson<Page<T>>(`${path}?limit=100`);
  expect(page.next).toBeNull();
  return page.items;
}

// ---- tests ------------------------------------------------------------------------------------

describe('seeded replays and highlights', () => {
  test('the catalog points every replay and highlight at its thumbnail track', async () => {
    const replays = await allOf<Replay>('/api/v1/replays');
    const highlights = await allOf<Highlight>('/api/v1/highlights');
    expect(replays.length).toBeGreaterThan(5);
    expect(highlights.length).toBeGreaterThan(5);
    for (const asset of [...replays, ...highlights])
      expect([asset.id, asset.thumbnails]).toEqual([asset.id, vodPaths.thumbnails(asset.id)]);
    const one = await getJson<Replay>(`/api/v1/replays/${itemAt(replays, 0).id}`);
    expect(one.thumbnails).toBe(vodPaths.thumbnails(one.id));
    const openapi = await getJson<{ components: { schemas: Record<string, { properties: Record<string, unknown> }> } }>(
      '/api/v1/openapi.json',
    );
    expect(Object.keys(openapi.components.schemas.Replay!.properties)).toContain('thumbnails');
    expect(Object.keys(openapi.components.schemas.Highlight!.properties)).toContain('thumbnails');
  });

  test('every track covers its asset from 0 to its duration without gaps, and names real JPEG sheets', async () => {
    for (const asset of [
      ...(await allOf<Replay>('/api/v1/replays')),
      ...(await allOf<Highlight>('/api/v1/highlights')),
    ]) {
      await expectCompleteTrack(asset, await trackOf(asset));
    }
  }, 60_000);

  test('a tile shows the picture the stream plays at its time (the longest replay, over two sheets; a highlight)', async () => {
    const replays = await allOf<Replay>('/api/v1/replays');
    const longest = replays.reduce((a, b) => (b.duration > a.duration ? b : a));
    const cues = await trackOf(longest);
    expect(new Set(cues.map((c) => c.url)).size).toBe(2); // > 50 s: a second 5x5 sheet
    await expectTilesShowTheVideo(longest, cues, [0, 7, 31, longest.duration - 1]);

    const highlight = itemAt(await allOf<Highlight>('/api/v1/highlights'), 0);
    await expectTilesShowTheVideo(highlight, await trackOf(highlight), [0, highlight.duration - 0.5]);
  }, 60_000);

  test('sheets outside an asset, unknown assets and malformed names are 404', async () => {
    const short = itemAt(await allOf<Highlight>('/api/v1/highlights'), 0);
    expect((await fetch(`${origin.url}${vodPaths.thumbnailSheet(short.id, 1)}`)).status).toBe(404);
    expect((await fetch(`${origin.url}/hls/vod/${short.id}/thumbs/zero.jpg`)).status).toBe(404);
    expect((await fetch(`${origin.url}${vodPaths.thumbnails('no-such-asset')}`)).status).toBe(404);
    expect((await fetch(`${origin.url}${vodPaths.thumbnailSheet('no-such-asset', 0)}`)).status).toBe(404);
  });
});

describe('a replay published from a live, and a clip cut from it', () => {
  let replay: Replay;
  beforeAll(async () => {
    replay = await publishLiveReplay(
      staff,
      { channelId: 'culture', title: 'Vignettes en direct', nowMs: clockMs },
      () => {
        clockMs += 48_000; // 24 segments: more than the channel's 16-segment loop, so it starts over inside
      },
    );
    clockMs += 10_000; // every recorded segment is out
  });

  test('the published replay has a complete track whose tiles are the pictures that were on air', async () => {
    expect(replay.thumbnails).toBe(vodPaths.thumbnails(replay.id));
    expect((await getJson<Replay>(`/api/v1/replays/${replay.id}`)).thumbnails).toBe(replay.thumbnails);
    const cues = await trackOf(replay);
    await expectCompleteTrack(replay, cues);
    // Every 2 s of the replay, across the loop's restart.
    const times = cues.filter((_, i) => i % 3 === 0).map((c) => c.start + 1);
    await expectTilesShowTheVideo(replay, cues, times);
  }, 60_000);

  test('a clip cut from it gets its own track (times from the clip’s start)', async () => {
    const clip = await staff<Highlight>('POST', '/highlights', {
      replayId: replay.id,
      title: 'Le moment fort',
      in: 13,
      out: 29,
    });
    expect(clip.status).toBe(201);
    expect(clip.body.thumbnails).toBe(vodPaths.thumbnails(clip.body.id));
    const cues = await trackOf(clip.body);
    await expectCompleteTrack(clip.body, cues);
    expect(itemAt(cues, 0).start).toBe(0);
    await expectTilesShowTheVideo(clip.body, cues, [0, 5, clip.body.duration - 1]);
    // The clip's first tile is the replay's tile at the clip's in-point.
    const replayCues = await trackOf(replay);
    const atIn = thumbnailAt(replayCues, clip.body.inPoint!)!;
    expect(differentPixels(await tileGrey(itemAt(cues, 0)), await tileGrey(atIn))).toBe(0);
  }, 60_000);
});

describe('behind an edge', () => {
  test('the track and the sheets are cached: the second request is a HIT that never reaches the origin', async () => {
    const replay = itemAt(await allOf<Replay>('/api/v1/replays'), 0);
    const trackPath = replay.thumbnails!;
    const cues = parseThumbnailTrack(
      await (await fetch(origin.url + trackPath)).text(),
      (u) => new URL(u, `http://x${trackPath}`).pathname,
    );
    for (const path of [trackPath, itemAt(cues, 0).url]) {
      const before = origin.requests.count(path);
      const first = await fetch(edge.url + path);
      const firstBody = Buffer.from(await first.arrayBuffer());
      const second = await fetch(edge.url + path);
      const secondBody = Buffer.from(await second.arrayBuffer());
      expect([path, first.status, first.headers.get('x-cache')]).toEqual([path, 200, 'MISS']);
      expect([path, second.status, second.headers.get('x-cache')]).toEqual([path, 200, 'HIT']);
      expect(secondBody.equals(firstBody)).toBe(true);
      expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
      expect(origin.requests.count(path) - before).toBe(1);
    }
  });
});
