// LL-HLS media playlists of the demo live, on the wall clock: read by hls-parser in strict mode
// (an independent reader that applies the spec's rules) and by hand against RFC 8216bis.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { get, readLowLatency } from './support.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const RENDITIONS = ['v240', 'v360', 'v540', 'audio-fr', 'audio-en'];
let origin: TestOrigin;

beforeAll(async () => {
  origin = await startOrigin({ live: { epochMs: EPOCH, windowSize: 6, retentionSegments: 30 } });
}, MEDIA_TIMEOUT_MS);
afterAll(() => origin?.close());

const media = (rendition: string, query = '') => `${origin.url}/hls/live/sport/${rendition}/index.m3u8${query}`;

test('hls-parser in strict mode reads every rendition’s playlist, parts and all', async () => {
  setOptions({ strictMode: true });
  try {
    for (const rendition of RENDITIONS) {
      const { status, text } = await get(media(rendition));
      expect(status).toBe(200);
      const playlist = parse(text) as MediaPlaylist;
      expect(playlist.isMasterPlaylist).toBe(false);
      expect(playlist.partTargetDuration).toBeCloseTo(0.52, 6);
      expect(playlist.lowLatencyCompatibility).toMatchObject({ canBlockReload: true, canSkipUntil: 12 });
      expect(playlist.segments.some((s) => s.parts.length > 0)).toBe(true);
      expect(playlist.renditionReports.length).toBeGreaterThan(0);
    }
  } finally {
    setOptions({ strictMode: false });
  }
});

describe('what RFC 8216bis asks of each tag', () => {
  test('EXT-X-SERVER-CONTROL, EXT-X-PART-INF and EXT-X-VERSION', async () => {
    for (const rendition of RENDITIONS) {
      const ll = readLowLatency((await get(media(rendition))).text);
      // §4.4.3.8: "CAN-BLOCK-RELOAD=YES … the server supports Blocking Playlist Reload".
      expect(ll.serverControl.canBlockReload).toBe('YES');
      // §4.4.3.8: PART-HOLD-BACK "MUST be at least twice the Part Target Duration. Its value SHOULD
      // be at least three times the Part Target Duration."
      expect(ll.serverControl.partHoldBack).toBeGreaterThanOrEqual(3 * ll.partTarget - 1e-6);
      // §4.4.3.8: CAN-SKIP-UNTIL "MUST be at least six times the Target Duration".
      expect(ll.serverControl.canSkipUntil).toBeGreaterThanOrEqual(6 * ll.targetDuration);
      // §4.4.3.7: "The EXT-X-PART-INF tag … is REQUIRED if a Playlist contains one or more EXT-X-PART tags."
      expect(ll.partTarget).toBeGreaterThan(0);
      // §7: EXT-X-SKIP needs version 9; the playlist can be answered as a delta at any time.
      expect(ll.version).toBeGreaterThanOrEqual(9);
    }
  });

  test('EXT-X-PART: before its segment’s EXTINF, within the part target, only for the last three target durations', async () => {
    for (const rendition of RENDITIONS) {
      const ll = readLowLatency((await get(media(rendition))).text);
      expect(ll.parts.length).toBeGreaterThan(0);
      for (const part of ll.parts) {
        // §4.4.4.9: "The duration of a Partial Segment MUST be less than or equal to the Part Target Duration."
        expect(part.duration).toBeLessThanOrEqual(ll.partTarget + 1e-9);
      }
      // Every EXT-X-PART line comes before the EXTINF of the segment it belongs to (or the segment is
      // not whole yet), and each segment's parts are numbered from 0 with the first independent.
      for (const msn of new Set(ll.parts.map((p) => p.msn))) {
        const parts = ll.parts.filter((p) => p.msn === msn);
        expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i));
        expect(parts[0]!.independent).toBe(true);
        const extinf = ll.lines.findIndex((l, i) => l.startsWith('#EXTINF:') && ll.lines[i + 1] === `${msn}.ts`);
        const lastPart = ll.lines.findIndex((l) => l.includes(`URI="${msn}.${parts.length - 1}.ts"`));
        if (extinf >= 0) expect(lastPart).toBeLessThan(extinf);
        // §6.2.2: parts more than three target durations from the end are removed.
        const end = ll.parts.at(-1)!.endsAt;
        expect(parts[0]!.endsAt - parts[0]!.duration * 1000).toBeGreaterThan(end - 3 * ll.targetDuration * 1000 - 1);
      }
    }
  });

  test('EXT-X-PRELOAD-HINT names the next part; EXT-X-RENDITION-REPORT every other rendition of the kind', async () => {
    const ll = readLowLatency((await get(media('v360'))).text);
    const last = ll.parts.at(-1)!;
    // §4.4.5.3: TYPE=PART, the URI of the part the server will publish next.
    expect(ll.hint?.type).toBe('PART');
    const next = [`${last.msn}.${last.part + 1}.ts`, `${last.msn + 1}.0.ts`];
    expect(next).toContain(ll.hint?.uri);
    // §4.4.5.4: LAST-MSN and LAST-PART of the other renditions, which the client can switch to.
    expect(ll.reports.map((r) => r.uri).sort()).toEqual(['../v240/index.m3u8', '../v540/index.m3u8']);
    for (const report of ll.reports) {
      expect(Math.abs(report.lastMsn - last.msn)).toBeLessThanOrEqual(1);
    }
    const audio = readLowLatency((await get(media('audio-fr'))).text);
    expect(audio.reports.map((r) => r.uri)).toEqual(['../audio-en/index.m3u8']);
  });

  test('whole segments listed as before, numbered by the clock; subtitles stay a plain playlist', async () => {
    const answer = await get(media('v360'));
    const ll = readLowLatency(answer.text);
    expect(ll.segments).toHaveLength(6);
    const edge = Math.floor((answer.sentAt - EPOCH) / 2000) - 1;
    // Media sequence numbers come from the clock (never restart at 0).
    expect(ll.segments.at(-1)!.msn).toBeGreaterThanOrEqual(edge);
    expect(ll.segments.at(-1)!.msn).toBeLessThanOrEqual(edge + 1);
    expect(ll.mediaSequence).toBe(ll.segments[0]!.msn);
    ll.segments.forEach((s, i) => {
      expect(s.msn).toBe(ll.mediaSequence + i);
      expect(s.programDateTime).toBe(EPOCH + s.msn * 2000);
    });
    expect(answer.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=2, stale-if-error=6');
    expect(answer.headers.get('age')).toBe('0');
    const subtitles = (await get(media('subs-fr'))).text;
    expect(subtitles).not.toMatch(/EXT-X-PART|EXT-X-SERVER-CONTROL|EXT-X-PRELOAD-HINT/);
  });
});

test('hls-parser (strict) at any instant of a slot, at a loop restart too', async () => {
  // The clock injected: just after a slot starts (no part out yet), mid-slot, at its very end,
  // and in the slot where the loop starts over (a discontinuity opens the segment being made).
  const loop = 16;
  let nowMs = 0;
  const fixed = await startOrigin({ now: () => nowMs, live: { epochMs: EPOCH, windowSize: 6, retentionSegments: 30 } });
  setOptions({ strictMode: true });
  try {
    for (const slot of [1000 * loop + 5, 1001 * loop]) {
      for (const into of [100, 1100, 1990]) {
        nowMs = EPOCH + slot * 2000 + into;
        for (const rendition of ['v360', 'audio-fr']) {
          const { text } = await get(`${fixed.url}/hls/live/sport/${rendition}/index.m3u8`);
          const playlist = parse(text) as MediaPlaylist;
          expect(playlist.segments.every((s) => s.programDateTime)).toBe(true);
          const ll = readLowLatency(text);
          expect(ll.hint?.uri).toMatch(new RegExp(`^${slot}\\.\\d\\.ts$`));
          if (slot % loop === 0) expect(ll.lines.filter((l) => l === '#EXT-X-DISCONTINUITY').length).toBeGreaterThan(0);
        }
      }
    }
  } finally {
    setOptions({ strictMode: false });
    await fixed.close();
  }
});

test('a published part is its segment’s bytes at its place (video); every audio part starts with the tables', async () => {
  const ll = readLowLatency((await get(media('v540'))).text);
  const whole = ll.segments.at(-1)!.msn;
  const parts = ll.parts.filter((p) => p.msn === whole);
  expect(parts.length).toBeGreaterThan(1);
  const bodies = await Promise.all(
    parts.map(
      async (p) =>
        new Uint8Array(await (await fetch(`${origin.url}/hls/live/sport/v540/${p.msn}.${p.part}.ts`)).arrayBuffer()),
    ),
  );
  const segment = new Uint8Array(await (await fetch(`${origin.url}/hls/live/sport/v540/${whole}.ts`)).arrayBuffer());
  expect(Buffer.concat(bodies).equals(Buffer.from(segment))).toBe(true);
  const response = await fetch(`${origin.url}/hls/live/sport/audio-fr/${whole}.1.ts`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  const audio = new Uint8Array(await response.arrayBuffer());
  // The tables before the first PES: a PAT (PID 0) among the packets before the audio's start.
  const pids: number[] = [];
  for (let p = 0; p < audio.length && !(audio[p + 4] === 0 && audio[p + 5] === 0 && audio[p + 6] === 1); p += 188)
    pids.push(((audio[p + 1]! & 0x1f) << 8) | audio[p + 2]!);
  expect(pids).toContain(0);
});
