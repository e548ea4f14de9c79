// ffmpeg, a client nobody here wrote, plays the origin's streams: a live channel for 10 s
// (it follows the sliding window in real time) and a whole replay.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { runFfmpeg as ffmpeg } from '../support/ffmpeg.ts';

let origin: TestOrigin;

beforeAll(async () => {
  origin = await startOrigin();
}, MEDIA_TIMEOUT_MS);
afterAll(() => origin?.close());

/** Decoded duration from ffmpeg's last progress line (`time=00:00:10.00`). */
function decodedSeconds(stderr: string): number {
  const times = [...stderr.matchAll(/time=(\d+):(\d+):(\d+\.\d+)/g)];
  const last = times.at(-1);
  return last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : 0;
}

function errorLines(stderr: string): string[] {
  return stderr.split(/\r?\n|\r/).filter((line) => /error/i.test(line));
}

test('ffmpeg reads 10 s of a live channel from the master playlist', async () => {
  const run = await ffmpeg(['-i', `${origin.url}/hls/live/sport/master.m3u8`, '-t', '10', '-f', 'null', '-']);
  expect(errorLines(run.stderr)).toEqual([]);
  expect(run.code).toBe(0);
  expect(decodedSeconds(run.stderr)).toBeGreaterThanOrEqual(9.5);
  // It read the master, then media playlists, then live segments by media sequence number.
  expect(origin.requests.count('/hls/live/sport/master.m3u8')).toBeGreaterThanOrEqual(1);
  expect(origin.requests.paths().some((p) => /^\/hls\/live\/sport\/v\d+\/\d+\.ts$/.test(p))).toBe(true);
  expect(origin.requests.paths().some((p) => /^\/hls\/live\/sport\/audio-fr\/\d+\.ts$/.test(p))).toBe(true);
}, 60_000);

test('ffmpeg plays on across the loop restart (EXT-X-DISCONTINUITY)', async () => {
  // A second origin whose live epoch puts the live edge two segments before a loop restart:
  // the 10 s ffmpeg reads straddle the wrap.
  const loop = (await ensureTestManifest()).live.culture.segmentCount;
  const epochMs = Date.now() - (100 * loop + loop - 1) * 2000 - 100;
  const wrapped = await startOrigin({ live: { epochMs } });
  try {
    const run = await ffmpeg(['-i', `${wrapped.url}/hls/live/culture/master.m3u8`, '-t', '10', '-f', 'null', '-']);
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(decodedSeconds(run.stderr)).toBeGreaterThanOrEqual(9.5);
    // It did fetch the segment where the loop starts over.
    expect(wrapped.requests.paths()).toContain(`/hls/live/culture/audio-fr/${101 * loop}.ts`);
  } finally {
    await wrapped.close();
  }
}, 60_000);

test('ffmpeg reads a whole replay, English audio included', async () => {
  const replay = '/hls/vod/replay-hbc-montpellier/master.m3u8';
  const run = await ffmpeg([
    '-i',
    origin.url + replay,
    '-map',
    '0:v:0',
    '-map',
    '0:a:m:language:en',
    '-f',
    'null',
    '-',
  ]);
  expect(errorLines(run.stderr)).toEqual([]);
  expect(run.code).toBe(0);
  expect(decodedSeconds(run.stderr)).toBeGreaterThanOrEqual(47.5);
  expect(origin.requests.count('/hls/vod/replay-hbc-montpellier/audio-en/')).toBeGreaterThan(20);
}, 60_000);
