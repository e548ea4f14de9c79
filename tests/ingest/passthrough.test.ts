// Pass-through: a feed that already is the top rendition (H.264 960×540 at 25 fps) is copied into
// it instead of encoded again; the other renditions are cut where the feed has its keyframes.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { eventually } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { playlistSegments, startIngestStack, readLive } from '../support/ingest.ts';
import type { IngestStack } from '../support/ingest.ts';

let stack: IngestStack;
beforeAll(async () => {
  stack = await startIngestStack({ passthrough: true });
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

/** Bits per second of a segment (its bytes over its EXTINF). */
async function bitrate(url: string, seconds: number): Promise<number> {
  return ((await (await fetch(url)).arrayBuffer()).byteLength * 8) / seconds;
}

test('a 540p25 H.264 feed is the top rendition as sent; a 360p one is transcoded as usual', async () => {
  await stack.encoder('sport', { protocol: 'srt', width: 960, height: 540, fps: 25 });
  await stack.encoder('culture', { protocol: 'srt', width: 640, height: 360, fps: 25 });
  const sport = await eventually(
    async () => stack.ingest.status('sport')!,
    (s) => (s.feed?.segments ?? 0) >= 3,
    40_000,
    'sport on air',
  );
  const culture = await eventually(
    async () => stack.ingest.status('culture')!,
    (s) => (s.feed?.segments ?? 0) >= 3,
    40_000,
    'culture on air',
  );
  expect(sport.feed!.passthrough).toBe(true);
  expect(culture.feed!.passthrough).toBe(false);

  /** The bit rates of the newest `count` segments of a rendition's playlist. */
  const newest = async (channel: string, rendition: string, count: number) => {
    const base = `${stack.edgeUrl}/hls/live/${channel}/${rendition}`;
    const segments = playlistSegments(await (await fetch(`${base}/index.m3u8`)).text()).slice(-count);
    return Promise.all(segments.map((s) => bitrate(`${base}/${s.uri}`, s.duration)));
  };
  // The encoder's own bitstream (sent at 2.5 Mbit/s) in sport's v540; our encode (1.1 Mbit/s,
  // capped at 1.3) in culture's. Over the newest four slots: a test encoder starved on a loaded
  // box leaves a slot to the slate (48 KB, 0.19 Mbit/s: seen once in CI as sport's newest).
  expect(Math.max(...(await newest('sport', 'v540', 4)))).toBeGreaterThan(2_000_000);
  expect(Math.max(...(await newest('culture', 'v540', 4)))).toBeLessThan(1_600_000);
  // Every rendition cut at the same instants: the same segment (by its name) lasts as long in each,
  // to a frame (1/25 s), and about 2 s. About: v540 is the feed's own bitstream, cut at its
  // keyframes, and the test encoder stamps its frames with the wall clock (RTCTIME, for the
  // latency readings), so when it is starved on a loaded box a keyframe comes late by the frames
  // it missed: 2.08 s and 2.16 s were each seen once in a full run.
  const lists = await Promise.all(
    ['v240', 'v360', 'v540'].map(async (rendition) =>
      playlistSegments(await (await fetch(`${stack.edgeUrl}/hls/live/sport/${rendition}/index.m3u8`)).text()),
    ),
  );
  const name = (uri: string) =>
    uri
      .split('/')
      .pop()!
      .replace(/\.[a-z0-9]+$/, '');
  const common = lists[0]!.map((s) => name(s.uri)).filter((n) => lists.every((l) => l.some((s) => name(s.uri) === n)));
  expect(common.length).toBeGreaterThanOrEqual(2);
  for (const n of common) {
    const durations = lists.map((l) => l.find((s) => name(s.uri) === n)!.duration);
    expect(Math.max(...durations) - Math.min(...durations)).toBeLessThanOrEqual(0.041);
    for (const d of durations) expect(Math.abs(d - 2)).toBeLessThanOrEqual(0.25);
  }
  const read = await readLive(`${stack.edgeUrl}/hls/live/sport/master.m3u8`, 4);
  expect(read.stderr).toBe('');
}, 120_000);
