// hls.js (the TV app's player) in real Chromium plays the origin's live stream across the loop
// restart, with French subtitles shown and both audio languages. hls.js's defaults, low-latency
// mode on, as the TV's on capable devices.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { eventually, launchTv } from '../support/browser.ts';
import type { TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

// A bare page: hls.js on a <video>, reporting what it sees on `window.report`.
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><video muted width="960" height="540"></video>
<script src="hls.min.js"></script>
<script>
  const video = document.querySelector('video');
  const report = (window.report = { fatal: [], ccs: [], audio: [], subtitles: 0, loadedAudio: [] });
  const hls = (window.hls = new Hls());
  hls.on(Hls.Events.ERROR, (e, d) => d.fatal && report.fatal.push(d.details));
  hls.on(Hls.Events.FRAG_CHANGED, (e, d) => report.ccs.push(d.frag.cc));
  hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => (report.audio = hls.audioTracks.map((t) => t.lang)));
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => (report.subtitles = hls.subtitleTracks.length));
  // As the TV app does (tv-app/src/player/latency.ts): subtitles come in whole segments, so with
  // them on, a low-latency live is held the whole-segment latency behind, not a few parts (there,
  // the picture plays past the newest cues hls.js knows of, and it loads none).
  const holdForSubtitles = () => {
    const details = hls.latestLevelDetails;
    if (details && hls.subtitleTrack >= 0) hls.targetLatency = details.holdBack || 3 * details.targetduration;
  };
  hls.on(Hls.Events.LEVEL_UPDATED, holdForSubtitles);
  // Turn the French subtitles on once playback has begun (as a viewer would from the menu), and
  // go back to where their cues are.
  video.addEventListener('playing', () => {
    hls.subtitleTrack = 0;
    holdForSubtitles();
    const position = hls.liveSyncPosition;
    if (position !== null && video.currentTime > position + 1) video.currentTime = position;
  }, { once: true });
  hls.on(Hls.Events.FRAG_LOADED, (e, d) => d.frag.type === 'audio' && report.loadedAudio.push(d.frag.url));
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
  hls.subtitleDisplay = true;
  hls.loadSource(new URLSearchParams(location.search).get('src'));
  hls.attachMedia(video);
</script>`;

interface Report {
  fatal: string[];
  ccs: number[];
  audio: string[];
  subtitles: number;
  loadedAudio: string[];
}

let origin: TestOrigin;
let tv: TvBrowser;
let appDir: string;
let loop: number;

beforeAll(async () => {
  loop = (await ensureTestManifest()).live.sport.segmentCount;
  appDir = await mkdtemp(join(tmpdir(), 'cite-tv-hlsjs-'));
  await writeFile(join(appDir, 'index.html'), PAGE);
  const require = createRequire(import.meta.url);
  await copyFile(require.resolve('hls.js/dist/hls.min.js'), join(appDir, 'hls.min.js'));
  // The live edge is 3 segments before a loop restart when the test starts.
  const epochMs = Date.now() - (100 * loop + loop - 2) * 2000 - 100;
  origin = await startOrigin({ appDir, live: { epochMs } });
  tv = await launchTv();
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await tv?.close();
  await origin?.close();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

test('live: plays on across the loop restart with French subtitles shown, English audio on demand', async () => {
  const { page } = tv;
  await page.goto(`${origin.url}/?src=${encodeURIComponent('/hls/live/sport/master.m3u8')}`);
  const state = () =>
    page.evaluate(() => {
      const video = document.querySelector('video')!;
      const track = [...video.textTracks].find((t) => t.kind === 'subtitles' && t.mode !== 'disabled');
      const cues = track?.activeCues ? [...track.activeCues].map((c) => (c as VTTCue).text) : [];
      return { report: (window as unknown as { report: Report }).report, time: video.currentTime, cues };
    });

  const started = await eventually(state, (s) => s.time > 1 && s.report.ccs.length > 0, 30_000, 'playback start');
  expect(started.report.audio).toEqual(['fr', 'en']);
  expect(started.report.subtitles).toBe(1);

  // Keep playing until a fragment after the restart (next discontinuity) is on screen.
  const firstCc = itemAt(started.report.ccs, 0);
  const crossed = await eventually(
    state,
    (s) => s.report.ccs.includes(firstCc + 1) && s.cues.length > 0,
    40_000,
    'crossing the loop restart',
  );
  expect(crossed.report.fatal).toEqual([]);
  expect(crossed.cues[0]).toMatch(/^Sous-titre — C'Sport — 00:00:\d\d$/);
  const before = crossed.time;
  await eventually(state, (s) => s.time > before + 2, 20_000, 'playing on after the restart');

  // Switch to English: hls.js fetches the English rendition.
  await page.evaluate(() => {
    (window as unknown as { hls: { audioTrack: number } }).hls.audioTrack = 1;
  });
  const english = await eventually(
    state,
    (s) => s.report.loadedAudio.some((u) => u.includes('/audio-en/')),
    20_000,
    'English audio',
  );
  expect(english.report.fatal).toEqual([]);
  expect(tv.errors).toEqual([]);
  expect(origin.requests.paths().filter((p) => !p.startsWith('/hls/') && p !== '/' && p !== '/hls.min.js')).toEqual([]);
}, 120_000);
