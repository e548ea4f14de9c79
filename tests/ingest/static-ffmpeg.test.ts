// `npm start` on a machine without Debian's ffmpeg runs the npm static one (2018): it has no SRT,
// so the ingest says so and listens on RTMP only — and that RTMP path must really work with it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { eventually } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startIngestStack, readLive } from '../support/ingest.ts';
import type { IngestStack } from '../support/ingest.ts';

const staticFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
let stack: IngestStack;

beforeAll(async () => {
  stack = await startIngestStack({ ffmpegPath: staticFfmpeg });
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

test('with the npm static ffmpeg: RTMP only, and an RTMP feed without audio plays through the edge', async () => {
  expect(stack.ingest.protocols).toEqual(['rtmp']);
  expect(stack.ingest.status('sport')!.ports).toEqual({ rtmp: expect.any(Number) });
  await stack.encoder('sport', { protocol: 'rtmp', audio: false });
  await eventually(
    async () => stack.ingest.status('sport')!,
    (s) => s.state === 'receiving' && (s.feed?.segments ?? 0) >= 2,
    40_000,
    'sport receiving',
  );
  const read = await readLive(`${stack.edgeUrl}/hls/live/sport/master.m3u8`, 4);
  expect(read.stderr).toBe('');
  expect(stack.logs.filter((l) => l.level === 'error')).toEqual([]);
}, 90_000);
