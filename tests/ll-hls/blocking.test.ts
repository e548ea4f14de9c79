// Blocking playlist reloads and delta updates (RFC 8216bis §6.2.5), on the wall clock: a
// request is held until the part it names exists, refused or timed out by the spec's rules.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { get, readLowLatency } from './support.ts';

let origin: TestOrigin;
/** An origin that gives up after one target duration: the 503 comes sooner. */
let impatient: TestOrigin;
/** A 30-segment window: room for delta updates. */
let long: TestOrigin;

beforeAll(async () => {
  [origin, impatient, long] = await Promise.all([
    startOrigin(),
    startOrigin({ lowLatency: { blockingTimeoutTargetDurations: 1 } }),
    startOrigin({ live: { windowSize: 30 } }),
  ]);
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([origin?.close(), impatient?.close(), long?.close()]);
});

const media = (o: TestOrigin, query = '') => `${o.url}/hls/live/sport/v360/index.m3u8${query}`;

describe('blocking reloads', () => {
  test('a request for the next part is held until the part is out, then lists it', async () => {
    let held = 0;
    for (let i = 0; i < 8 && held < 3; i++) {
      const ll = readLowLatency((await get(media(origin))).text);
      const [, msn, part] = /^(\d+)\.(\d+)\.ts$/.exec(ll.hint!.uri!)!;
      const answer = await get(media(origin, `?_HLS_msn=${msn}&_HLS_part=${part}`));
      expect(answer.status).toBe(200);
      const listed = readLowLatency(answer.text).parts.find((p) => p.msn === Number(msn) && p.part === Number(part));
      expect(listed).toBeDefined();
      // Not before the part exists: its end on the live clock (the segment's PDT + its parts).
      expect(answer.receivedAt).toBeGreaterThanOrEqual(listed!.endsAt - 5);
      // A blocking answer may be kept six target durations (one shared cache entry per msn/part).
      expect(answer.headers.get('cache-control')).toBe('public, max-age=12');
      expect(answer.headers.get('age')).toBe('0');
      // Counted when the request went out before the part ended (a loaded machine may send it late).
      if (answer.sentAt < listed!.endsAt) held++;
    }
    expect(held).toBe(3);
  });

  test('a part already out is answered with a playlist that holds it; _HLS_msn alone waits for the whole segment', async () => {
    const ll = readLowLatency((await get(media(origin))).text);
    const out = ll.parts.at(-2)!;
    const answer = await get(media(origin, `?_HLS_msn=${out.msn}&_HLS_part=${out.part}`));
    expect(answer.status).toBe(200);
    expect(readLowLatency(answer.text).parts.some((p) => p.msn === out.msn && p.part === out.part)).toBe(true);

    const next = ll.segments.at(-1)!.msn + 1;
    const whole = await get(media(origin, `?_HLS_msn=${next}`));
    expect(whole.status).toBe(200);
    const segments = readLowLatency(whole.text).segments;
    expect(segments.at(-1)!.msn).toBeGreaterThanOrEqual(next);
    // The segment is out once its slot has ended.
    expect(whole.receivedAt).toBeGreaterThanOrEqual(segments.find((s) => s.msn === next)!.programDateTime + 2000 - 5);
  });

  test('400 (at once): _HLS_part without _HLS_msn, an msn more than two past the last, a part past the advance limit, garbage', async () => {
    const ll = readLowLatency((await get(media(origin))).text);
    const last = ll.segments.at(-1)!.msn;
    const lastPart = ll.parts.at(-1)!;
    for (const query of [
      '?_HLS_part=1',
      // §6.2.5.2: "greater than the Media Sequence Number of the last Media Segment in the current Playlist plus two".
      `?_HLS_msn=${last + 3}`,
      // §6.2.5.2: a part beyond the last by more than the Advance Part Limit (3 s of parts).
      `?_HLS_msn=${lastPart.msn}&_HLS_part=${lastPart.part + 9}`,
      '?_HLS_msn=abc',
      '?_HLS_skip=maybe',
    ]) {
      const answer = await get(media(origin, query));
      expect([query, answer.status]).toEqual([query, 400]);
      expect(answer.headers.get('cache-control')).toBe('public, max-age=1');
    }
  });

  test('503 when the part cannot be out within the time allowed (three target durations; here one)', async () => {
    const ll = readLowLatency((await get(media(impatient))).text);
    const far = ll.segments.at(-1)!.msn + 2;
    const answer = await get(media(impatient, `?_HLS_msn=${far}`));
    expect(answer.status).toBe(503);
    expect(answer.receivedAt - answer.sentAt).toBeGreaterThanOrEqual(2000 - 5);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=1');
  });
});

describe('delta updates', () => {
  test('_HLS_skip=YES: the segments older than CAN-SKIP-UNTIL are replaced by EXT-X-SKIP', async () => {
    const full = readLowLatency((await get(media(long))).text);
    const last = full.parts.at(-1)!;
    const answer = await get(media(long, `?_HLS_msn=${last.msn}&_HLS_part=${last.part}&_HLS_skip=YES`));
    expect(answer.status).toBe(200);
    const delta = readLowLatency(answer.text);
    const skipped = Number(/SKIPPED-SEGMENTS=(\d+)/.exec(delta.skip ?? '')?.[1]);
    expect(skipped).toBeGreaterThan(0);
    // The media sequence still names the first (skipped) segment; what is left is the newest ones…
    expect(delta.mediaSequence).toBe(delta.segments[0]!.msn - skipped);
    // …at least CAN-SKIP-UNTIL of them (§6.2.5.1: only segments older than the Skip Boundary go).
    const kept = delta.segments.reduce((sum, s) => sum + s.duration, 0);
    expect(kept).toBeGreaterThanOrEqual(delta.serverControl.canSkipUntil);
    expect(kept - delta.segments[0]!.duration).toBeLessThan(delta.serverControl.canSkipUntil);
    expect(delta.version).toBeGreaterThanOrEqual(9);
    expect(delta.skip).not.toMatch(/RECENTLY-REMOVED-DATERANGES/);
    setOptions({ strictMode: true });
    try {
      const parsed = parse(answer.text) as MediaPlaylist;
      expect(parsed.skip).toBe(skipped);
    } finally {
      setOptions({ strictMode: false });
    }
  });

  test('_HLS_skip=v2: date ranges may go too, with RECENTLY-REMOVED-DATERANGES, version 10', async () => {
    const answer = await get(media(long, '?_HLS_skip=v2'));
    expect(answer.status).toBe(200);
    const delta = readLowLatency(answer.text);
    expect(delta.skip).toMatch(/^#EXT-X-SKIP:SKIPPED-SEGMENTS=\d+,RECENTLY-REMOVED-DATERANGES=""$/);
    expect(delta.version).toBe(10);
    // A non-blocking playlist: about half a target duration; stale (RFC 5861) as a plain live one.
    expect(answer.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=2, stale-if-error=6');
  });
});
