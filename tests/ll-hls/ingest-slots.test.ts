// Parts of a channel fed by an encoder: a finished unit waiting for the slot being made is
// published part by part as the clock passes them, and stays there once its parts are out (a
// burst of later units does not push it out). The unit files here are real TS segments (the
// loop's own), the timeline the ingest's, the clock injected.
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { parse, setOptions } from 'hls-parser';
import type { MediaManifest } from '../../edge-origin/src/media/manifest.ts';
import { LiveChannels } from '../../edge-origin/src/origin/live/live-channels.ts';
import { LiveTimeline } from '../../edge-origin/src/origin/live/timeline.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { readLowLatency } from './support.ts';

// No second run (tests/support/retry-once.ts): the clock is injected, nothing here is left to
// chance, and each test carries on from the timeline the one before left (a retry would not).
jest.retryTimes(0);

const EPOCH = Date.UTC(2026, 0, 1);
const S = 1_000_000; // the slot being made when the test looks
const clock = { epochMs: EPOCH, segmentDuration: 2, windowSize: 6 };
let manifest: MediaManifest;
let origin: TestOrigin;
let timeline: LiveTimeline;
let nowMs = EPOCH + S * 2000;
/** What the ingest says of the slot being made when no feed comes in (undefined: one may). */
let settled: 'slate' | 'loop' | undefined;
/** Run when a request reads the slate's file: what another request may do meanwhile. */
let whileSlateRead: (() => void) | undefined;

const unit = (index: number, completedAtMs: number) => ({
  session: 'feed',
  index,
  durations: { video: 2, audio: 2.005 },
  completedAtMs,
});

beforeAll(async () => {
  manifest = await ensureTestManifest();
  const loop = manifest.live.sport;
  timeline = new LiveTimeline({
    clock,
    loopSegments: loop.segmentCount,
    graceMs: 1000,
    lockMarginMs: 1000,
    maxQueuedSlots: 1,
    fallback: () => 'loop',
    settled: () => settled,
  });
  const channels = new LiveChannels(clock, new Map([['sport', timeline]]), {
    // The slate: the loop's source segment 1, in each rendition.
    slate: (_channel, rendition) => {
      whileSlateRead?.();
      return {
        path: join(manifest.root, loop.dir, rendition, '1.ts'),
        duration: rendition.startsWith('audio') ? 2.005 : 2,
      };
    },
    // Unit n of the feed is the loop's source segment n, in each rendition.
    unit: (_channel, _session, rendition, index) => join(manifest.root, loop.dir, rendition, `${index}.ts`),
  });
  origin = await startOrigin({
    now: () => nowMs,
    live: { epochMs: EPOCH, windowSize: 6, retentionSegments: 30 },
    ingest: { channels, staffRoutes: new OpenAPIHono() },
  });
}, MEDIA_TIMEOUT_MS);
afterAll(() => origin?.close());

test('a unit waiting for the slot being made is published part by part, then whole; a burst does not displace it', async () => {
  // Finished 1 s into the clock's slot S: it goes to S, whose end is the 1 s margin away (the run's
  // phase is then 0: S starts on the clock's boundary, live/timeline.ts).
  expect(timeline.addUnit(unit(0, EPOCH + S * 2000 + 1000))).toEqual({ slot: S });
  expect(timeline.startMs(S)).toBe(EPOCH + S * 2000);
  nowMs = EPOCH + S * 2000 + 1100;
  const text = await (await fetch(`${origin.url}/hls/live/sport/v360/index.m3u8`)).text();
  const ll = readLowLatency(text);
  // Whole segments up to S - 1 (the loop), then S's first two parts (ends 0.48 and 1.0 s), a new run.
  expect(ll.segments.at(-1)!.msn).toBe(S - 1);
  expect(ll.parts.filter((p) => p.msn === S).map((p) => p.part)).toEqual([0, 1]);
  expect(ll.lines.slice(ll.lines.findIndex((l) => l.includes(`${S}.0.ts`)) - 2)[0]).toBe('#EXT-X-DISCONTINUITY');
  expect(ll.hint?.uri).toBe(`${S}.2.ts`);
  setOptions({ strictMode: true });
  try {
    parse(text);
  } finally {
    setOptions({ strictMode: false });
  }
  // The part's bytes are the unit's.
  const part = new Uint8Array(await (await fetch(`${origin.url}/hls/live/sport/v360/${S}.0.ts`)).arrayBuffer());
  const file = new Uint8Array(
    await (await import('node:fs/promises')).readFile(join(manifest.root, manifest.live.sport.dir, 'v360', '0.ts')),
  );
  expect(Buffer.from(part).equals(Buffer.from(file.subarray(0, part.length)))).toBe(true);

  // A burst: units 1 to 3 arrive at once, one more than may wait: the oldest unit still waiting
  // gives way. Without its parts out that would be unit 0; with them, unit 1.
  timeline.addUnit(unit(1, nowMs));
  timeline.addUnit(unit(2, nowMs));
  expect(timeline.addUnit(unit(3, nowMs))).toEqual({ slot: S + 2, gaveWay: 1 });
  expect(timeline.provisional(S)?.unit?.index).toBe(0);
  nowMs = EPOCH + (S + 1) * 2000 + 10;
  const whole = readLowLatency(await (await fetch(`${origin.url}/hls/live/sport/v360/index.m3u8`)).text());
  expect(whole.segments.at(-1)!.msn).toBe(S);
  expect(timeline.slot(S)?.unit?.index).toBe(0);
});

test('with no feed coming in, the slot being made is the slate, its parts out by the clock; a unit then goes after it', async () => {
  // Later: the feed's units are sealed, then the loop after them (no feed, grace over).
  nowMs = EPOCH + (S + 10) * 2000 + 1100;
  settled = 'slate';
  const ll = readLowLatency(await (await fetch(`${origin.url}/hls/live/sport/v360/index.m3u8`)).text());
  expect(ll.segments.at(-1)!.msn).toBe(S + 9);
  // Slot S + 10 is being made as the slate: its parts so far are listed before it ends.
  expect(ll.parts.filter((p) => p.msn === S + 10).map((p) => p.part)).toEqual([0, 1]);
  expect(timeline.provisional(S + 10)?.kind).toBe('slate');
  const part = await fetch(`${origin.url}/hls/live/sport/v360/${S + 10}.1.ts`);
  expect(part.status).toBe(200);
  // A feed's unit arriving now cannot take it: it was announced as the slate.
  const placed = timeline.addUnit(unit(10, nowMs));
  expect('slot' in placed && placed.slot).toBeGreaterThan(S + 10);
  // Sealed as announced when its time is up, without waiting for a late unit.
  nowMs = EPOCH + (S + 11) * 2000 + 10;
  const whole = readLowLatency(await (await fetch(`${origin.url}/hls/live/sport/v360/index.m3u8`)).text());
  expect(whole.segments.at(-1)!.msn).toBe(S + 10);
  expect(timeline.slot(S + 10)?.kind).toBe('slate');
});

test('slots taken over as gaps (the other replica’s feed): listed with EXT-X-GAP, and no bytes under their names', async () => {
  // Later: the other replica held the channel, its feed on air; this one takes over while the
  // other's slot S + 100 is on air as parts. What the other shared: its feed in S + 96 … S + 100.
  nowMs = EPOCH + (S + 100) * 2000 + 1100;
  settled = 'slate';
  timeline.seal(nowMs);
  const shared = [96, 97, 98, 99, 100].map((n) => ({
    sequence: S + n,
    discontinuity: n === 96,
    number: 9,
    kind: 'ingest' as const,
    startMs: EPOCH + (S + n) * 2000,
  }));
  expect(timeline.takeOver(nowMs, shared)).toBe(S + 101);
  const text = await (await fetch(`${origin.url}/hls/live/sport/v360/index.m3u8`)).text();
  const ll = readLowLatency(text);
  // Listed as gaps: the segments, and the parts of the one on air.
  const tagsOf = (uri: string) => ll.lines.slice(ll.lines.indexOf(uri) - 2);
  expect(tagsOf(`${S + 99}.ts`)[0]).toBe('#EXT-X-GAP');
  expect(ll.lines.find((l) => l.includes(`URI="${S + 100}.0.ts"`))).toContain('GAP=YES');
  // A player that had them listed as media by the other replica gets no picture from elsewhere:
  // not this replica's slate under the other's flags (hls.js took it as the feed). Not stored.
  for (const name of [`${S + 99}.ts`, `${S + 100}.0.ts`, `${S + 100}.1.ts`, ll.hint!.uri]) {
    const response = await fetch(`${origin.url}/hls/live/sport/v360/${name}`);
    expect([name, response.status, response.headers.get('cache-control')]).toEqual([name, 404, 'no-store']);
  }
  // This replica's own slots after them are media again.
  nowMs = EPOCH + (S + 102) * 2000 + 1100; // past its end and the grace
  const own = await fetch(`${origin.url}/hls/live/sport/v360/${S + 101}.ts`);
  expect(own.status).toBe(200);
});

test('a slot whose time ended before anyone asked what it carries: one playlist lists it once, whole or being made, never both', async () => {
  // No feed for a while: the slots up to S + 199 sealed as the fallback, their grace over. Nobody
  // asks for a playlist while S + 200 runs (a replica that just took the channel over, its viewers'
  // requests waiting for the takeover), so what S + 200 carries is not decided in its time.
  settled = undefined;
  nowMs = EPOCH + (S + 200) * 2000 + 1500;
  timeline.seal(nowMs);
  // 100 ms after its end, in its grace: the ingest now says no feed can come. Answering decides the
  // slot (the slate), which seals it at once; the same playlist used to list it whole *and* its
  // parts after it as the segment being made (read by hls.js as one more segment, S + 201: its
  // number then differed from the next playlist's, « discontinuity sequence mismatch », and every
  // reload after was thrown away: a TV stalled for good after a takeover in CI).
  settled = 'slate';
  nowMs = EPOCH + (S + 201) * 2000 + 100;
  for (const rendition of ['v360', 'audio-fr']) {
    // While this request reads the slot's parts (its slate), another one seals it, as decided.
    whileSlateRead = () => timeline.seal(nowMs);
    const text = await (await fetch(`${origin.url}/hls/live/sport/${rendition}/index.m3u8`)).text();
    whileSlateRead = undefined;
    const ll = readLowLatency(text);
    // Every part is listed before its own segment's line, never after it.
    const misplaced = ll.lines.filter((line, i) => {
      const msn = /^#EXT-X-PART:.*URI="(\d+)\.\d+\.ts"/.exec(line)?.[1];
      const whole = msn === undefined ? -1 : ll.lines.indexOf(`${msn}.ts`);
      return whole !== -1 && whole < i;
    });
    expect({ rendition, misplaced }).toEqual({ rendition, misplaced: [] });
    const last = ll.segments.at(-1)!.msn;
    expect(last).toBeGreaterThanOrEqual(S + 199);
    // After the last whole segment: the parts of the next one only, and the hint of what follows.
    const after = ll.parts.filter((p) => p.msn > last);
    expect(after.every((p) => p.msn === last + 1)).toBe(true);
    expect(Number(/^(\d+)\./.exec(ll.hint!.uri!)![1])).toBe(last + 1 + (after.length === 4 ? 1 : 0));
  }
});
