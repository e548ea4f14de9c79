// Clients without LL-HLS read the same playlists: ffmpeg follows a live media playlist that
// carries parts, reading whole segments only; and the knobs refuse a bad value by name.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { LowLatencyConfigError, loadLowLatencyConfig } from '../../edge-origin/src/origin/live/low-latency-config.ts';
import { runFfmpeg } from '../support/ffmpeg.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';

let origin: TestOrigin;

beforeAll(async () => {
  origin = await startOrigin();
}, MEDIA_TIMEOUT_MS);
afterAll(() => origin?.close());

test('ffmpeg reads 6 s of an LL-HLS media playlist without an error, by whole segments', async () => {
  const url = `${origin.url}/hls/live/sport/v360/index.m3u8`;
  expect(await (await fetch(url)).text()).toMatch(/#EXT-X-PART:/);
  const run = await runFfmpeg(['-v', 'error', '-i', url, '-t', '6', '-f', 'null', '-']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const paths = origin.requests.paths().filter((p) => p.startsWith('/hls/live/sport/v360/'));
  expect(paths.some((p) => /\/\d+\.ts$/.test(p))).toBe(true);
  expect(paths.filter((p) => /\/\d+\.\d+\.ts$/.test(p))).toEqual([]);
}, 60_000);

test('the low-latency knobs: defaults, environment, a bad value refused by name', () => {
  expect(loadLowLatencyConfig({})).toMatchObject({
    enabled: true,
    partTargetSeconds: 0.5,
    partHoldBackParts: 3,
    canSkipUntilTargetDurations: 6,
  });
  expect(loadLowLatencyConfig({ env: { LL_HLS: 'false', LL_HLS_PART_TARGET: '0.33' } })).toMatchObject({
    enabled: false,
    partTargetSeconds: 0.33,
  });
  expect(() => loadLowLatencyConfig({ env: { LL_HLS_PART_HOLD_BACK_PARTS: '1' } })).toThrow(LowLatencyConfigError);
  expect(() => loadLowLatencyConfig({ env: { LL_HLS_PART_HOLD_BACK_PARTS: '1' } })).toThrow(
    /LL_HLS_PART_HOLD_BACK_PARTS/,
  );
});
