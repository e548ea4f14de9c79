// The origin fails segments mid-playback (500s, 404s, a late first byte, a trickled body, a
// failure that does not end) and the viewer, through the real edge, sees playback recover by
// itself or the error screen — never a frozen frame with nothing said. Faults are injected by a
// proxy between the edge and the origin (tests/support/fault-proxy.ts), so they go through the
// edge's own timeouts, collapsing and negative caching before hls.js sees them.
//
// What is asserted is what a viewer sees: the state message over the picture (Lightning
// inspector DOM), the video clock moving on, the picture changing (a canvas copy of the video
// frame), the error screen's buttons; screenshots go to tests/artifacts/faults-*.png.
import type { Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS_DIR,
  eventually,
  focused,
  openApp,
  press,
  screenshot,
  textsIn,
  videoState,
  waitForFocus,
} from '../support/browser.ts';
import type { FaultRule, InjectedFault } from '../support/fault-proxy.ts';
import { useTvStack } from './use-tv-stack.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const stack = useTvStack({ faults: true });

afterEach(() => stack?.faults?.clear());

const faults = () => stack.faults!;

// ---- what the viewer sees, sampled ---------------------------------------------------------

interface Sample {
  /** Wall clock, ms. */
  at: number;
  currentTime: number;
  paused: boolean;
  /** The player page's state (its State element's test id: player-state-<state>). */
  state: string;
  /** The message shown over the picture ('' when none). */
  message: string;
  /** A hash of a small copy of the video frame on screen: two different frames differ. */
  frame: string;
  /** Frames the element presented so far (and dropped), for the debug dump. */
  frames: number;
  dropped: number;
}

async function sample(page: Page): Promise<Sample> {
  const seen = await page.evaluate(() => {
    const video = document.querySelector('video');
    const stateEl = document.querySelector('[data-testid^="player-state-"]') as HTMLElement | null;
    let shown = !!stateEl;
    for (let n: HTMLElement | null = stateEl; n && n.tagName === 'DIV'; n = n.parentElement) {
      if (n.style.display === 'none' || n.getAttribute('visible') === 'false') shown = false;
    }
    // The frame on screen, drawn small into a canvas: exact pixel values, so two different
    // frames (a moving timecode) differ and the same frame drawn twice does not.
    let frame = '';
    if (video && video.videoWidth > 0) {
      const canvas = document.createElement('canvas');
      canvas.width = 96;
      canvas.height = 54;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let hash = 0x811c9dc5;
      for (const byte of data) hash = Math.imul(hash ^ byte, 0x01000193);
      frame = (hash >>> 0).toString(16);
    }
    const quality = video?.getVideoPlaybackQuality();
    return {
      frames: quality?.totalVideoFrames ?? 0,
      dropped: quality?.droppedVideoFrames ?? 0,
      currentTime: video?.currentTime ?? 0,
      paused: video?.paused ?? true,
      state: stateEl?.getAttribute('data-testid')?.replace('player-state-', '') ?? '',
      message: shown ? (stateEl?.getAttribute('texture-text') ?? '').trim() : '',
      frame,
    };
  });
  return { at: Date.now(), ...seen };
}

/** Samples the player every 250 ms until stopped. */
function watch(page: Page): { samples: Sample[]; stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        samples.push(await sample(page));
      } catch {
        // The page navigated between two samples: keep watching.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * Moments where the picture stood still (the clock did not move, the viewer had not paused) for
 * longer than `graceMs` while nothing was said over it: a frozen frame. The grace covers the
 * sampling period and a redraw.
 */
function frozenWithoutMessage(samples: Sample[], graceMs = 2500): Sample[] {
  const bad: Sample[] = [];
  let stillSince: number | null = null;
  for (let i = 1; i < samples.length; i++) {
    const s = itemAt(samples, i);
    const prev = itemAt(samples, i - 1);
    const still = s.currentTime === prev.currentTime && !s.paused && s.state !== 'error';
    if (!still) {
      stillSince = null;
      continue;
    }
    stillSince ??= prev.at;
    if (s.at - stillSince > graceMs && s.message === '') bad.push(s);
  }
  return bad;
}

/** The longest time the clock stood still once playback had started (ms), and the messages shown meanwhile. */
function longestStall(all: Sample[]): { ms: number; messages: string[] } {
  const samples = all.slice(
    Math.max(
      0,
      all.findIndex((s) => s.currentTime > 0.5),
    ),
  );
  let best = { ms: 0, messages: [] as string[] };
  let start = 0;
  for (let i = 1; i <= samples.length; i++) {
    const moving = i === samples.length || itemAt(samples, i).currentTime !== itemAt(samples, start).currentTime;
    if (!moving) continue;
    const run = samples.slice(start, i);
    const ms = itemAt(run, run.length - 1).at - itemAt(run, 0).at;
    if (ms > best.ms) best = { ms, messages: [...new Set(run.map((s) => s.message).filter(Boolean))] };
    start = i;
  }
  return best;
}

const message = async (page: Page) => (await sample(page)).message;

/** Playing: the clock moves past `beyond` and the picture changes between two looks. */
async function expectPlayingPast(page: Page, beyond: number, what: string): Promise<void> {
  const first = await eventually(
    () => sample(page),
    (s) => s.currentTime > beyond && !s.paused && s.frame !== '',
    120_000,
    `${what}: clock past ${beyond.toFixed(1)} s`,
  );
  await expectPictureMoving(page, first, what);
  await eventually(
    () => message(page),
    (m) => m === '',
    15_000,
    `${what}: no message left over the picture`,
  );
}

/**
 * From `first` on, the clock moves on by a second and the picture changes. A frame frozen
 * for good under a moving clock fails; a late frame on a box whose cores are busy (the
 * decoder shares them with other tests) is waited for.
 */
async function expectPictureMoving(page: Page, first: Sample, what: string): Promise<void> {
  const later = await eventually(
    () => sample(page),
    (s) => s.currentTime > first.currentTime + 1 && s.frame !== first.frame && s.frame !== '',
    30_000,
    `${what}: clock moving on and the picture changing`,
  );
  expect(later.frame).not.toBe(first.frame);
}

// ---- the streams under test ----------------------------------------------------------------

// A segment (`<n>.ts`) or one of its LL-HLS parts (`<n>.<part>.ts`): a live played near its
// edge loads parts, and a fault on a segment must reach them too.
const SEGMENT = /\/(\d+)(?:\.\d+)?\.ts$/;
const segmentIndex = (pathname: string) => Number(SEGMENT.exec(pathname)?.[1] ?? -1);

/** Video and audio segments of a replay from index `from` on. */
const replaySegmentsFrom = (replayId: string, from: number) => (p: string) =>
  p.startsWith(`/hls/vod/${replayId}/`) && SEGMENT.test(p) && segmentIndex(p) >= from;

/** Video and audio segments of a channel's live, whatever their sequence number. */
const liveSegments = (channel: string) => (p: string) => p.startsWith(`/hls/live/${channel}/`) && SEGMENT.test(p);

async function openReplay(page: Page, replayId: string): Promise<void> {
  await page.goto(`${stack.appUrl}?replay=${replayId}`);
  await waitForFocus(page, 'player', 30_000);
}

async function openLive(page: Page): Promise<void> {
  await openApp(page, stack.appUrl, 'button-watch-live');
  await press(page, 'Digit1'); // C'Sport
  await waitForFocus(page, 'player');
  await eventually(
    () => videoState(page),
    (v) => v.currentTime > 0.5 && !v.paused && v.totalVideoFrames > 0,
    60_000,
    'live playing',
  );
}

async function leavePlayer(page: Page): Promise<void> {
  await press(page, 'Backspace');
  await eventually(
    () => focused(page),
    (f) => !f.path.includes('player'),
    15_000,
    'player left',
  );
}

/** Runs a fault while watching: returns what the viewer saw (reported even when the body fails). */
async function during(
  page: Page,
  name: string,
  rule: FaultRule,
  body: (fault: InjectedFault) => Promise<void>,
): Promise<Sample[]> {
  const watcher = watch(page);
  const fault = faults().inject(rule);
  try {
    await body(fault);
  } finally {
    fault.remove();
    reportStall(name, await watcher.stop());
  }
  return watcher.samples;
}

function reportStall(name: string, samples: Sample[]): void {
  if (process.env.FAULTS_DEBUG) {
    const t0 = samples[0]?.at ?? 0;
    const lines = samples.map(
      (s) =>
        `${((s.at - t0) / 1000).toFixed(2)} ${s.currentTime.toFixed(2)} ${s.state} ${s.frame} ${s.frames}/${s.dropped}`,
    );
    writeFileSync(join(ARTIFACTS_DIR, `faults-${name}-samples.txt`), lines.join('\n'));
  }
  const stall = longestStall(samples);
  process.stderr.write(
    `[faults] ${name}: longest stall ${(stall.ms / 1000).toFixed(1)} s, messages: ${JSON.stringify(stall.messages)}; states: ${JSON.stringify([...new Set(samples.map((s) => s.state))])}\n`,
  );
}

/**
 * A burst that must heal: the fault is injected, then `open` (a replay opens after the
 * injection, since hls.js buffers well ahead), and the viewer must see any lasting stall
 * explained, then playback going on by itself past the hole, never the error screen.
 */
async function expectRecoveryFrom(
  page: Page,
  name: string,
  rule: FaultRule,
  open: () => Promise<void>,
  /** Playback must go on past this position (s): past the hole the fault made. */
  holeAt: (stalledAt: number) => number,
): Promise<{ fault: InjectedFault; samples: Sample[] }> {
  let injected!: InjectedFault;
  const samples = await during(page, name, rule, async (fault) => {
    injected = fault;
    await open();
    await eventually(
      async () => fault.applied,
      (n) => n > 0,
      60_000,
      `${name}: the fault was applied`,
    );
    // Once playing, a stall that lasts says so: take its picture (the startup "loading" does not count).
    const stalled = await eventually(
      () => sample(page),
      (s) => (s.message !== '' && s.currentTime > 0.5) || (!fault.active && s.currentTime > holeAt(0)),
      120_000,
      `${name}: a message, or playback past the hole`,
    );
    if (stalled.message !== '') await screenshot(page, `faults-${name}-stalled`);
    await eventually(
      async () => fault.active,
      (a) => !a,
      120_000,
      `${name}: the fault burst ended`,
    );
    await expectPlayingPast(page, holeAt(stalled.currentTime), name);
  });
  await screenshot(page, `faults-${name}-recovered`);
  expect(frozenWithoutMessage(samples)).toEqual([]);
  // Never the error screen for a fault that heals.
  expect(samples.filter((s) => s.state === 'error')).toEqual([]);
  return { fault: injected, samples };
}

/** A failure that does not end: the error screen, then Réessayer plays once the fault is lifted. */
async function expectErrorScreenThenRetry(
  page: Page,
  name: string,
  rule: FaultRule,
  open: () => Promise<void>,
  live: boolean,
): Promise<void> {
  const samples = await during(page, name, rule, async (fault) => {
    await open();
    await eventually(
      async () => fault.applied,
      (n) => n > 0,
      60_000,
      `${name}: the fault was applied`,
    );
    const retry = await waitForFocus(page, 'button-player-retry', 300_000);
    expect(retry.path).toEqual(['player', 'row-player-error', 'button-player-retry']);
    const texts = await textsIn(page, 'player');
    expect(texts).toContain('La lecture a échoué');
    expect(texts).toContain('Réessayer');
    // A failed live still says it is a live: it fell behind because the stream stopped.
    if (live) expect(texts).toContain('DIRECT');
    await screenshot(page, `faults-${name}-error`);
    // No retry storm: the player's own requests (not the edge's prefetches) come spaced out.
    const asked = fault.records().filter((f) => !f.userAgent.includes('prefetch'));
    const seconds = (itemAt(asked, asked.length - 1).at - itemAt(asked, 0).at) / 1000;
    process.stderr.write(
      `[faults] ${name}: error screen after ${seconds.toFixed(0)} s of failures; ${asked.length} failed requests from the player, ${fault.applied - asked.length} edge prefetches\n`,
    );
    expect(asked.length).toBeLessThanOrEqual(2 * seconds + 10);
  });
  expect(frozenWithoutMessage(samples)).toEqual([]);
  // The viewer was told it was reconnecting before being told it failed.
  expect(samples.some((s) => s.state === 'reconnecting')).toBe(true);
  // Fault lifted: Réessayer plays again (a replay from where it stopped).
  const before = await sample(page);
  await press(page, 'Enter');
  await waitForFocus(page, 'player', 30_000);
  const resumed = await expectPlayingOn(page, `${name} after Réessayer`);
  if (!live) expect(resumed).toBeGreaterThan(before.currentTime);
  await screenshot(page, `faults-${name}-after-retry`);
}

/** Playing again: the clock moves on by 2 s and the picture changes; returns where it resumed. */
async function expectPlayingOn(page: Page, what: string): Promise<number> {
  const first = await eventually(
    () => sample(page),
    (s) => s.state === 'playing' && s.currentTime > 0 && s.frame !== '',
    120_000,
    `${what}: playing`,
  );
  await eventually(
    () => sample(page),
    (s) => s.currentTime > first.currentTime + 2,
    60_000,
    `${what}: clock moving on`,
  );
  await expectPictureMoving(page, first, what);
  await eventually(
    () => message(page),
    (m) => m === '',
    15_000,
    `${what}: no message left over the picture`,
  );
  return first.currentTime;
}

// ---- replays -------------------------------------------------------------------------------

describe('replay', () => {
  test('a burst of 500s on the coming segments: the stall says so, then playback goes on by itself', async () => {
    const { page } = stack.tv;
    // Segments from 4 s on fail for 8 s from the first failure (hls.js buffers ahead, so the
    // burst starts at once and the playhead reaches the hole while it lasts).
    const { fault } = await expectRecoveryFrom(
      page,
      'replay-500',
      { match: replaySegmentsFrom('replay-hbc-montpellier', 2), fault: { kind: 'status', status: 500 }, forMs: 8000 },
      () => openReplay(page, 'replay-hbc-montpellier'),
      PAST_THE_HOLE,
    );
    expect(fault.applied).toBeGreaterThan(0);
    await leavePlayer(page);
  }, 300_000);

  test('404s on the coming segments: playback goes on by itself once they are back', async () => {
    const { page } = stack.tv;
    const { fault } = await expectRecoveryFrom(
      page,
      'replay-404',
      { match: replaySegmentsFrom('replay-semi-marathon', 2), fault: { kind: 'status', status: 404 }, forMs: 8000 },
      () => openReplay(page, 'replay-semi-marathon'),
      PAST_THE_HOLE,
    );
    expect(fault.applied).toBeGreaterThan(0);
    await leavePlayer(page);
  }, 300_000);

  test('a first byte later than the player waits for: a stall that says so, then playback goes on', async () => {
    const { page } = stack.tv;
    // Later than hls.js's fragment first-byte timeout (config.ts), for the first two asks.
    const { fault } = await expectRecoveryFrom(
      page,
      'replay-late',
      {
        match: replaySegmentsFrom('replay-festival-jazz', 2),
        fault: { kind: 'delay', ms: FIRST_BYTE_LATE_MS },
        times: 2,
      },
      () => openReplay(page, 'replay-festival-jazz'),
      PAST_THE_HOLE,
    );
    expect(fault.applied).toBe(2);
    await leavePlayer(page);
  }, 300_000);

  test('a trickled body (slower than real time): a stall that says so, then playback goes on', async () => {
    const { page } = stack.tv;
    const { fault } = await expectRecoveryFrom(
      page,
      'replay-trickle',
      {
        match: replaySegmentsFrom('replay-trophees', 2),
        fault: { kind: 'trickle', bytesPerSecond: 16_000 },
        forMs: 12_000,
      },
      () => openReplay(page, 'replay-trophees'),
      PAST_THE_HOLE,
    );
    expect(fault.applied).toBeGreaterThan(0);
    await leavePlayer(page);
  }, 300_000);

  test('connections cut mid-body: the stall says so, then playback goes on by itself', async () => {
    const { page } = stack.tv;
    // The origin sends the headers and 20 kB of each segment, then drops the connection.
    const { fault } = await expectRecoveryFrom(
      page,
      'replay-cut',
      { match: replaySegmentsFrom('replay-artisanat', 2), fault: { kind: 'cut', afterBytes: 20_000 }, forMs: 8000 },
      () => openReplay(page, 'replay-artisanat'),
      PAST_THE_HOLE,
    );
    expect(fault.applied).toBeGreaterThan(0);
    await leavePlayer(page);
  }, 300_000);

  test('every segment failing for good: the error screen with Réessayer; Réessayer plays once the origin is back', async () => {
    const { page } = stack.tv;
    await expectErrorScreenThenRetry(
      page,
      'replay-down',
      { match: replaySegmentsFrom('replay-conte', 2), fault: { kind: 'status', status: 500 } },
      () => openReplay(page, 'replay-conte'),
      false,
    );
    await leavePlayer(page);
  }, 420_000);
});

// ---- lives ---------------------------------------------------------------------------------

/** The newest segment the live playlist lists now (its media sequence number). */
async function newestLiveSegment(channel: string): Promise<number> {
  const playlist = await (await fetch(`${stack.edge.url}/hls/live/${channel}/v360/index.m3u8`)).text();
  const numbers = playlist
    .split('\n')
    .filter((l) => SEGMENT.test(l))
    .map(segmentIndex);
  return Math.max(...numbers);
}

describe('live', () => {
  const nothingToOpen = async () => undefined;
  const pastTheStall = (stalledAt: number) => stalledAt + 2;

  test('a burst of 500s: the stall says so, then the live goes on by itself', async () => {
    const { page } = stack.tv;
    await openLive(page);
    await expectRecoveryFrom(
      page,
      'live-500',
      { match: liveSegments('sport'), fault: { kind: 'status', status: 500 }, forMs: 10_000 },
      nothingToOpen,
      pastTheStall,
    );
    await leavePlayer(page);
  }, 300_000);

  test('404s for segments not yet published: the live goes on, and the edge serves them once they exist', async () => {
    const { page } = stack.tv;
    await openLive(page);
    const newest = await newestLiveSegment('sport');
    const upcoming = (p: string) => liveSegments('sport')(p) && segmentIndex(p) > newest;
    const { fault } = await expectRecoveryFrom(
      page,
      'live-404',
      { match: upcoming, fault: { kind: 'status', status: 404 }, forMs: 10_000 },
      nothingToOpen,
      pastTheStall,
    );
    // The edge remembered those 404s for a moment at most: it now serves every one of them.
    const refused = [...new Set(fault.paths())];
    expect(refused.length).toBeGreaterThan(0);
    for (const path of refused) {
      const status = await eventually(
        async () => (await fetch(`${stack.edge.url}${path}`)).status,
        (s) => s === 200,
        15_000,
        `edge serves ${path}`,
      );
      expect(status).toBe(200);
    }
    await leavePlayer(page);
  }, 300_000);

  test('a first byte later than the player waits for: a stall that says so, then the live goes on', async () => {
    const { page } = stack.tv;
    await openLive(page);
    // Every segment asked for during 10 s answers only after 12 s: the edge's own prefetches and
    // the player's requests (which join them at the edge) alike.
    const { fault } = await expectRecoveryFrom(
      page,
      'live-late',
      { match: liveSegments('sport'), fault: { kind: 'delay', ms: FIRST_BYTE_LATE_MS }, forMs: 10_000 },
      nothingToOpen,
      pastTheStall,
    );
    expect(fault.applied).toBeGreaterThan(0);
    await leavePlayer(page);
  }, 300_000);

  test('a trickled body (slower than real time): a stall that says so, then the live goes on', async () => {
    const { page } = stack.tv;
    await openLive(page);
    const { fault } = await expectRecoveryFrom(
      page,
      'live-trickle',
      { match: liveSegments('sport'), fault: { kind: 'trickle', bytesPerSecond: 16_000 }, forMs: 15_000 },
      nothingToOpen,
      pastTheStall,
    );
    expect(fault.applied).toBeGreaterThan(0);
    await leavePlayer(page);
  }, 300_000);

  test('the origin down 60 s: « Reconnexion… », the error screen, then the live plays again by itself once the origin is back', async () => {
    const { page } = stack.tv;
    await openLive(page);
    // Everything of the live fails at the origin for 60 s: playlists and segments (the edge serves
    // its playlist stale for 6 s, then passes the errors on), as when the origin is stopped.
    const origin = (p: string) => p.startsWith('/hls/live/sport/');
    const samples = await during(
      page,
      'live-origin-down',
      { match: origin, fault: { kind: 'status', status: 502 }, forMs: 60_000 },
      async (fault) => {
        await eventually(
          async () => fault.applied,
          (n) => n > 0,
          60_000,
          'live-origin-down: the fault was applied',
        );
        // The player's clear state: it gives up after its budget and says so (Réessayer focused).
        await waitForFocus(page, 'button-player-retry', 180_000);
        expect(await textsIn(page, 'player')).toContain('La lecture a échoué');
        await screenshot(page, 'faults-live-origin-down-error');
        await eventually(
          async () => fault.active,
          (a) => !a,
          120_000,
          'live-origin-down: the origin is back',
        );
        // No key pressed: the live comes back by itself.
        await waitForFocus(page, 'player', 60_000);
        await expectPlayingOn(page, 'live-origin-down, by itself');
      },
    );
    await screenshot(page, 'faults-live-origin-down-recovered');
    expect(frozenWithoutMessage(samples)).toEqual([]);
    expect(samples.some((s) => s.state === 'reconnecting')).toBe(true);
    expect(samples.some((s) => s.state === 'error')).toBe(true);
    const lastError = samples.filter((s) => s.state === 'error').at(-1)!;
    process.stderr.write(
      `[faults] live-origin-down: error screen for ${((lastError.at - samples.find((s) => s.state === 'error')!.at) / 1000).toFixed(0)} s, playing again by itself\n`,
    );
    await leavePlayer(page);
  }, 420_000);

  test('every segment failing for good: the error screen with Réessayer; Réessayer plays the live once the origin is back', async () => {
    const { page } = stack.tv;
    await openLive(page);
    await expectErrorScreenThenRetry(
      page,
      'live-down',
      { match: liveSegments('sport'), fault: { kind: 'status', status: 500 } },
      nothingToOpen,
      true,
    );
    await leavePlayer(page);
  }, 420_000);
});

/** The replays' faults start at segment 2 (4 s, segments of 2 s): playing past 8 s is past the hole. */
const PAST_THE_HOLE = () => 8;

/** Later than hls.js's fragment first-byte timeout. */
const FIRST_BYTE_LATE_MS = 12_000;
