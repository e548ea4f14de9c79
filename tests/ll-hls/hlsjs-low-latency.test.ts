// hls.js in low-latency mode, in real Chromium, plays the demo live from the origin: the picture
// moves on, and what is on screen is close to the live clock (`Date.now() - hls.playingDate`,
// the EXT-X-PROGRAM-DATE-TIME of the frame shown against the wall clock).
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { eventually, launchTv } from '../support/browser.ts';
import type { TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><video muted width="960" height="540"></video>
<script src="hls.min.js"></script>
<script>
  const video = document.querySelector('video');
  const report = (window.report = { fatal: [], parts: 0 });
  const hls = (window.hls = new Hls({ lowLatencyMode: true }));
  hls.on(Hls.Events.ERROR, (e, d) => d.fatal && report.fatal.push(d.details));
  hls.on(Hls.Events.FRAG_LOADED, (e, d) => d.part && report.parts++);
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
  hls.loadSource(new URLSearchParams(location.search).get('src'));
  hls.attachMedia(video);
</script>`;

interface Seen {
  fatal: string[];
  parts: number;
  time: number;
  frames: number;
  latencyMs: number | null;
}

let origin: TestOrigin;
let tv: TvBrowser;
let appDir: string;

beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'cite-tv-llhls-'));
  await writeFile(join(appDir, 'index.html'), PAGE);
  await copyFile(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'), join(appDir, 'hls.min.js'));
  origin = await startOrigin({ appDir });
  tv = await launchTv();
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await tv?.close();
  await origin?.close();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

test('plays the live from its parts, the picture moving on, a few seconds behind the live clock', async () => {
  const { page } = tv;
  await page.goto(`${origin.url}/?src=${encodeURIComponent('/hls/live/sport/master.m3u8')}`);
  const seen = () =>
    page.evaluate((): Seen => {
      const w = window as unknown as { report: { fatal: string[]; parts: number }; hls: { playingDate: Date | null } };
      const video = document.querySelector('video')!;
      const date = w.hls.playingDate;
      return {
        ...w.report,
        time: video.currentTime,
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        latencyMs: date ? Date.now() - date.getTime() : null,
      };
    });
  const started = await eventually(seen, (s) => s.frames > 0 && s.latencyMs !== null, 30_000, 'playback start');
  // What a viewer sees: frames keep coming for several seconds, from parts, with no fatal error.
  const later = await eventually(
    seen,
    (s) => s.frames > started.frames + 100 && s.time > started.time + 4,
    30_000,
    'playing on',
  );
  expect(later.fatal).toEqual([]);
  expect(later.parts).toBeGreaterThan(4);
  expect(tv.errors).toEqual([]);
  // Latency, sampled over a few seconds. The goal is under 3 s; the bound here is generous,
  // because this machine's load moves it (the figure is printed for the report).
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push((await seen()).latencyMs!);
    await new Promise((r) => setTimeout(r, 1000));
  }
  samples.sort((a, b) => a - b);
  const median = samples[2]!;
  process.stderr.write(
    `hls.js lowLatencyMode: Date.now() - playingDate, median ${median} ms (samples ${samples.join(', ')})\n`,
  );
  expect(median).toBeLessThan(6000);
  expect(median).toBeGreaterThan(0);
}, 120_000);
