// VOD streams, pictures and the TV app's files: everything the catalog points at resolves,
// with the right types, caching, HEAD and byte ranges.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types';
import type { HomeResponse } from '../../shared/catalog/types.ts';
import { imagePaths } from '../../shared/hls/paths.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
let origin: TestOrigin;
let appDir: string;

beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'cite-tv-app-'));
  await writeFile(
    join(appDir, 'index.html'),
    '<!doctype html><title>Cité TV</title><script src="app-5XJ2KQ3L.js"></script>',
  );
  await writeFile(join(appDir, 'app-5XJ2KQ3L.js'), 'console.log("cite-tv");');
  await mkdir(join(appDir, 'static'));
  await writeFile(join(appDir, 'static', 'manifest.json'), '{}');
  origin = await startOrigin({ appDir });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await origin?.close();
  await rm(appDir, { recursive: true, force: true });
});

async function home(): Promise<HomeResponse> {
  return (await (await fetch(`${origin.url}/api/v1/home`)).json()) as HomeResponse;
}

describe('VOD', () => {
  test('every replay and highlight of the catalog has a complete VOD stream with the full ladder', async () => {
    const items = (await home()).channels.flatMap((r) => [...r.replays, ...r.highlights]);
    expect(items).toHaveLength(16);
    for (const item of items) {
      const response = await fetch(origin.url + item.playbackUrl);
      expect([item.playbackUrl, response.status]).toEqual([item.playbackUrl, 200]);
      expect(response.headers.get('cache-control')).toBe(IMMUTABLE);
      const master = parse(await response.text()) as MasterPlaylist;
      expect(master.variants.length).toBeGreaterThanOrEqual(3);
      expect(
        itemAt(master.variants, 0)
          .audio.map((a) => a.language)
          .sort(),
      ).toEqual(['en', 'fr']);
      expect(itemAt(master.variants, 0).subtitles.map((s) => s.language)).toEqual(['fr']);
      const base = item.playbackUrl.replace(/master\.m3u8$/, '');
      const video = parse(
        await (await fetch(origin.url + base + itemAt(master.variants, 0).uri)).text(),
      ) as MediaPlaylist;
      expect(video.playlistType).toBe('VOD');
      expect(video.endlist).toBe(true);
      const total = video.segments.reduce((sum, s) => sum + s.duration, 0);
      expect(Math.abs(total - item.duration)).toBeLessThan(0.01);
    }
  });

  test('audio and subtitle playlists cover the same segments as the video', async () => {
    const base = '/hls/vod/replay-conte';
    const video = parse(await (await fetch(`${origin.url}${base}/v240/index.m3u8`)).text()) as MediaPlaylist;
    const audio = parse(await (await fetch(`${origin.url}${base}/audio-en/index.m3u8`)).text()) as MediaPlaylist;
    const subs = parse(await (await fetch(`${origin.url}${base}/subs-fr/index.m3u8`)).text()) as MediaPlaylist;
    expect(audio.segments).toHaveLength(video.segments.length);
    expect(subs.segments.map((s) => s.uri)).toEqual(video.segments.map((s) => s.uri.replace('.ts', '.vtt')));
    expect(audio.endlist && subs.endlist).toBe(true);
  });

  test('segments: type, HEAD without body, byte ranges, 304, out of range → 404', async () => {
    const url = `${origin.url}/hls/vod/replay-conte/v360/3.ts`;
    const full = await fetch(url);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(full.headers.get('content-type')).toBe('video/mp2t');
    expect(full.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(Number(full.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length % 188).toBe(0);
    expect(full.headers.get('access-control-allow-origin')).toBe('*');

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(bytes.length);
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const range = await fetch(url, { headers: { Range: 'bytes=188-375' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 188-375/${bytes.length}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(188, 376))).toBe(true);

    const suffix = await fetch(url, { headers: { Range: 'bytes=-100' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 100))).toBe(true);

    const beyond = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } });
    await beyond.arrayBuffer();
    expect(beyond.status).toBe(416);

    const revalidated = await fetch(url, { headers: { 'If-None-Match': full.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    expect((await revalidated.arrayBuffer()).byteLength).toBe(0);

    for (const path of [
      '/hls/vod/replay-conte/v360/999.ts',
      '/hls/vod/no-such-asset/master.m3u8',
      '/hls/vod/replay-conte/subs-fr/0.ts',
    ]) {
      const response = await fetch(origin.url + path);
      await response.arrayBuffer();
      expect([path, response.status]).toEqual([path, 404]);
    }
  });
});

describe('images', () => {
  test('logos and posters of the catalog are long-lived pictures of the right size', async () => {
    const data = await home();
    const paths = [
      ...data.channels.map((r) => r.channel.logo),
      ...data.channels.flatMap((r) => [
        r.onAir!.poster,
        ...r.upcoming.map((e) => e.poster),
        ...r.replays.map((x) => x.poster),
        ...r.highlights.map((h) => h.poster),
      ]),
    ];
    for (const path of paths) {
      const response = await fetch(origin.url + path);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('cache-control')).toBe(IMMUTABLE);
      if (path.endsWith('.png')) {
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      } else {
        expect(response.headers.get('content-type')).toBe('image/jpeg');
        expect(bytes[0]).toBe(0xff);
        expect(bytes[1]).toBe(0xd8);
      }
    }
  });

  test('the hero poster is 1280x720 and the card 400x225', async () => {
    const id = itemAt(itemAt((await home()).channels, 0).replays, 0).id;
    const size = async (path: string) => {
      const bytes = Buffer.from(await (await fetch(origin.url + path)).arrayBuffer());
      // JPEG SOF0/SOF2 marker: height and width follow.
      for (let i = 2; i < bytes.length - 9; i++) {
        if (bytes[i] === 0xff && (bytes[i + 1] === 0xc0 || bytes[i + 1] === 0xc2)) {
          return `${bytes.readUInt16BE(i + 7)}x${bytes.readUInt16BE(i + 5)}`;
        }
      }
      return 'unknown';
    };
    expect(await size(imagePaths.poster(id, 'card'))).toBe('400x225');
    expect(await size(imagePaths.poster(id, 'hero'))).toBe('1280x720');
  });

  test('unknown pictures → 404', async () => {
    const response = await fetch(`${origin.url}/images/posters/nope/card.jpg`);
    await response.arrayBuffer();
    expect(response.status).toBe(404);
  });
});

describe('the TV app', () => {
  test('index.html is revalidated every time, hashed bundles are immutable, other files cached a day', async () => {
    const index = await fetch(`${origin.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>Cité TV</title>');

    const bundle = await fetch(`${origin.url}/app-5XJ2KQ3L.js`);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(await bundle.text()).toContain('cite-tv');

    const other = await fetch(`${origin.url}/static/manifest.json`);
    await other.arrayBuffer();
    expect(other.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  test('unknown files and paths outside the app → plain 404', async () => {
    for (const path of ['/nope.js', '/..%2F..%2Fetc%2Fpasswd', '/static/../../etc/passwd']) {
      const response = await fetch(origin.url + path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      await response.arrayBuffer();
    }
  });
});
