// The live streams: playlists read by an independent parser (hls-parser), with the origin's
// clock injected so the test moves live time segment by segment.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types';
import type { MediaManifest } from '../../edge-origin/src/media/manifest.ts';
import { firstPts, shiftTransportStream } from '../../edge-origin/src/origin/live/timestamps.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const D = 2000; // segment duration, ms
const WINDOW = 6;
const RETENTION = 30;

let origin: TestOrigin;
let manifest: MediaManifest;
let loop: number; // source segments in the sport loop
let nowMs: number;

beforeAll(async () => {
  manifest = await ensureTestManifest();
  loop = manifest.live.sport.segmentCount;
  nowMs = EPOCH + 1000 * loop * D + 500; // 1000 loops after the epoch, 0.5 s into a segment
  origin = await startOrigin({
    mediaDir: manifest.root,
    now: () => nowMs,
    live: { epochMs: EPOCH, windowSize: WINDOW, retentionSegments: RETENTION },
    // The plain playlists, as before LL-HLS (its parts and blocking reloads: tests/ll-hls/).
    lowLatency: { enabled: false },
  });
}, MEDIA_TIMEOUT_MS);
afterAll(() => origin?.close());

async function getText(path: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(origin.url + path);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function mediaPlaylist(path: string): Promise<MediaPlaylist> {
  const { status, text } = await getText(path);
  expect(status).toBe(200);
  const playlist = parse(text);
  expect(playlist.isMasterPlaylist).toBe(false);
  return playlist as MediaPlaylist;
}

function loopTicks(): number {
  return loop * 2 * 90_000;
}

/** Sets the clock so that the newest published segment is `edge`. */
function setEdge(edge: number): void {
  nowMs = EPOCH + (edge + 1) * D + 500;
}

describe('master playlist', () => {
  test('three H.264 renditions, French (default) and English audio, French subtitles', async () => {
    const { status, headers, text } = await getText('/hls/live/sport/master.m3u8');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=30, stale-if-error=86400');
    const master = parse(text) as MasterPlaylist;
    expect(master.isMasterPlaylist).toBe(true);
    expect(master.variants.length).toBeGreaterThanOrEqual(3);
    const heights = master.variants.map((v) => v.resolution!.height);
    expect(new Set(heights).size).toBe(master.variants.length);
    for (const v of master.variants) {
      expect(v.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(v.frameRate).toBe(25);
      expect(v.bandwidth).toBeGreaterThan(100_000);
      expect(v.audio.map((a) => a.language).sort()).toEqual(['en', 'fr']);
      expect(v.audio.find((a) => a.isDefault)?.language).toBe('fr');
      expect(v.subtitles).toHaveLength(1);
      expect(v.subtitles[0]).toMatchObject({ language: 'fr', type: 'SUBTITLES' });
    }
    // More pixels cost more bits.
    const byHeight = [...master.variants].sort((a, b) => a.resolution!.height - b.resolution!.height);
    expect(byHeight.map((v) => v.bandwidth)).toEqual([...byHeight.map((v) => v.bandwidth)].sort((a, b) => a - b));
  });

  test('every rendition it names has a live media playlist', async () => {
    const master = parse((await getText('/hls/live/culture/master.m3u8')).text) as MasterPlaylist;
    const uris = [
      ...master.variants.map((v) => v.uri),
      ...itemAt(master.variants, 0).audio.map((a) => a.uri!),
      itemAt(itemAt(master.variants, 0).subtitles, 0).uri!,
    ];
    for (const uri of uris) {
      const playlist = await mediaPlaylist(`/hls/live/culture/${uri}`);
      expect(playlist.segments).toHaveLength(WINDOW);
    }
  });
});

describe('live media playlist', () => {
  test('a window of 6 segments ending at the newest published one, with PDT from the clock', async () => {
    const { headers, text } = await getText('/hls/live/sport/v360/index.m3u8');
    expect(headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=2, stale-if-error=6');
    const playlist = parse(text) as MediaPlaylist;
    expect(playlist.endlist).toBe(false);
    expect(playlist.playlistType).toBeUndefined();
    expect(playlist.targetDuration).toBe(2);
    expect(playlist.segments).toHaveLength(WINDOW);
    const last = playlist.segments.at(-1)!;
    // The newest listed segment has fully elapsed, and the next one has not.
    expect(last.programDateTime!.getTime() + last.duration * 1000).toBeLessThanOrEqual(nowMs);
    expect(last.programDateTime!.getTime() + 2 * last.duration * 1000).toBeGreaterThan(nowMs);
    for (const s of playlist.segments) {
      expect(s.uri).toBe(`${s.mediaSequenceNumber}.ts`);
      expect(s.programDateTime!.getTime()).toBe(EPOCH + s.mediaSequenceNumber * D);
      expect(s.duration).toBe(2);
    }
  });

  test('the media sequence advances by one each time the clock moves one segment duration', async () => {
    const first = await mediaPlaylist('/hls/live/sport/v240/index.m3u8');
    nowMs += D;
    const second = await mediaPlaylist('/hls/live/sport/v240/index.m3u8');
    nowMs += D / 2; // half a segment later: nothing new yet
    const third = await mediaPlaylist('/hls/live/sport/v240/index.m3u8');
    expect(second.mediaSequenceBase).toBe(first.mediaSequenceBase! + 1);
    expect(second.segments.slice(0, -1).map((s) => s.uri)).toEqual(first.segments.slice(1).map((s) => s.uri));
    expect(third.mediaSequenceBase).toBe(second.mediaSequenceBase);
  });

  test('a discontinuity where the loop starts over, with a discontinuity sequence that stays consistent', async () => {
    const wrap = 1000 * loop; // a media sequence where source segment 0 comes back
    const seen = new Map<number, number>(); // media sequence → discontinuity sequence (as hls-parser counts it)
    let sawTag = false;
    for (let edge = wrap - 3; edge <= wrap + WINDOW + 1; edge++) {
      setEdge(edge);
      const playlist = await mediaPlaylist('/hls/live/sport/audio-fr/index.m3u8');
      expect(playlist.segments.at(-1)!.mediaSequenceNumber).toBe(edge);
      for (const s of playlist.segments) {
        expect(s.discontinuity ?? false).toBe(s.mediaSequenceNumber === wrap);
        if (s.mediaSequenceNumber === wrap) sawTag = true;
        const known = seen.get(s.mediaSequenceNumber);
        if (known !== undefined) expect(s.discontinuitySequence).toBe(known);
        seen.set(s.mediaSequenceNumber, s.discontinuitySequence);
      }
    }
    expect(sawTag).toBe(true);
    expect(seen.get(wrap)).toBe(seen.get(wrap - 1)! + 1);
    expect(seen.get(wrap + 1)).toBe(seen.get(wrap)!);
  });

  test('subtitle segments are WebVTT with an X-TIMESTAMP-MAP', async () => {
    const playlist = await mediaPlaylist('/hls/live/sport/subs-fr/index.m3u8');
    const uri = playlist.segments.at(-1)!.uri;
    expect(uri).toMatch(/^\d+\.vtt$/);
    const { status, headers, text } = await getText(`/hls/live/sport/subs-fr/${uri}`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/vtt/);
    expect(text.startsWith('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:')).toBe(true);
    expect(text).toContain("Sous-titre — C'Sport — ");
  });
});

describe('live segments', () => {
  test('segment N carries source segment N mod loop, timestamps moved on by whole loops, cached for a year', async () => {
    setEdge(1000 * loop + 5);
    const playlist = await mediaPlaylist('/hls/live/sport/v540/index.m3u8');
    const segment = playlist.segments.at(-1)!;
    const response = await fetch(`${origin.url}/hls/live/sport/v540/${segment.uri}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp2t');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const source = new Uint8Array(
      await readFile(join(manifest.root, 'live/sport/v540', `${segment.mediaSequenceNumber % loop}.ts`)),
    );
    expect(bytes.length).toBe(source.length);
    expect(bytes[0]).toBe(0x47); // MPEG-TS sync byte
    const loopTicks = loop * 2 * 90_000;
    expect(firstPts(bytes)).toBe((firstPts(source)! + 1000 * loopTicks) % 2 ** 33);
    // Only timestamps differ: undoing the shift gives the source back.
    expect(
      Buffer.from(shiftTransportStream(bytes, 2 ** 33 - ((1000 * loopTicks) % 2 ** 33))).equals(Buffer.from(source)),
    ).toBe(true);
  });

  test('timestamps run on across the loop restart, in video, audio and subtitles', async () => {
    const wrap = 1000 * loop;
    setEdge(wrap + 1);
    const pts = async (rendition: string, seq: number) =>
      firstPts(
        new Uint8Array(await (await fetch(`${origin.url}/hls/live/sport/${rendition}/${seq}.ts`)).arrayBuffer()),
      )!;
    // One segment (2 s = 180000 ticks) later, not back to the start of the loop.
    expect((await pts('v240', wrap)) - (await pts('v240', wrap - 1))).toBe(180_000);
    expect(Math.abs((await pts('audio-fr', wrap)) - (await pts('audio-fr', wrap - 1)) - 180_000)).toBeLessThan(3000);
    const map = async (seq: number) =>
      Number(/MPEGTS:(\d+)/.exec(await (await fetch(`${origin.url}/hls/live/sport/subs-fr/${seq}.vtt`)).text())![1]);
    expect((await map(wrap)) - (await map(wrap - 1))).toBe(loopTicks());
    expect(await map(wrap)).toBe(await pts('v240', wrap)); // cue time 0 of the new loop = its first frame
  });

  test('not yet published → 404; just slid out of the window → still there; older than the retention → 404', async () => {
    const edge = 1000 * loop + 7;
    setEdge(edge);
    const status = async (seq: number) => {
      const response = await fetch(`${origin.url}/hls/live/sport/v240/${seq}.ts`);
      await response.arrayBuffer();
      return { code: response.status, cache: response.headers.get('cache-control') };
    };
    expect((await status(edge)).code).toBe(200);
    expect(await status(edge + 1)).toEqual({ code: 404, cache: 'no-store' });
    expect((await status(edge + 1000)).code).toBe(404);
    expect((await status(edge - WINDOW)).code).toBe(200);
    expect((await status(edge - RETENTION)).code).toBe(404);
    // Once the clock reaches it, the future segment appears.
    setEdge(edge + 1);
    expect((await status(edge + 1)).code).toBe(200);
  });

  test('audio segments and a wrong extension', async () => {
    setEdge(1000 * loop + 3);
    const audio = await fetch(`${origin.url}/hls/live/sport/audio-en/${1000 * loop + 3}.ts`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('video/mp2t');
    await audio.arrayBuffer();
    for (const path of [
      `/hls/live/sport/v240/${1000 * loop}.vtt`,
      '/hls/live/sport/v999/index.m3u8',
      '/hls/live/tennis/master.m3u8',
      '/hls/live/sport/v240/abc.ts',
    ]) {
      const response = await fetch(origin.url + path);
      await response.arrayBuffer();
      expect([path, response.status]).toEqual([path, 404]);
    }
  });
});
