// LL-HLS parts of a real feed as they are encoded: a player's blocking reload for the first part
// of the segment being made, through the edge, is answered while the transcoder is still writing
// that segment (its end is not in the transcoder's list yet), and the part's bytes are there.
// On by default (INGEST_PARTS_AS_ENCODED); a unit whose start the watcher misses (a transcoder
// writing a whole unit between two looks, on a starved machine) goes on air once complete, so
// most, not every one, of the slots sampled must be early.
// And when a feed comes back to a channel showing the slate, the parts keep coming by the clock
// while the new feed starts: a low-latency TV's blocking reloads are answered within its timeout.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { eventually } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { cutFeed, startIngestStack } from '../support/ingest.ts';
import type { Encoder, IngestStack } from '../support/ingest.ts';

let stack: IngestStack;
let sportEncoder: Encoder;
beforeAll(async () => {
  stack = await startIngestStack();
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

/** The unit index the transcoder lists as complete, in the rendition's list. */
async function completeUnits(file: string): Promise<Set<number>> {
  const text = await readFile(join(dirname(file), 'segments.csv'), 'utf8').catch(() => '');
  return new Set([...text.matchAll(/^(\d+)\.ts,/gm)].map((m) => Number(m[1])));
}

test('part 0 of the newest slot is in the playlist before its unit is complete', async () => {
  sportEncoder = await stack.encoder('sport', { protocol: 'srt' });
  await eventually(
    async () => stack.ingest.status('sport')!,
    (s) => (s.feed?.segments ?? 0) >= 2,
    40_000,
    'feed on air',
  );
  const timeline = stack.ingest.channels.timeline('sport')!;
  const url = `${stack.edgeUrl}/hls/live/sport/v360/index.m3u8`;
  let early = 0;
  const SAMPLES = 4;
  for (let attempt = 0; attempt < SAMPLES; attempt++) {
    // The slot after the one being made: its part 0 is not out yet.
    const text = await (await fetch(url)).text();
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.ts"/.exec(text);
    expect(hint).not.toBeNull();
    const msn = Number(hint![1]) + 1;
    const response = await fetch(`${url}?_HLS_msn=${msn}&_HLS_part=0`);
    expect(response.status).toBe(200);
    const answered = await response.text();
    // What a player reads: part 0 of that segment is listed, and can be fetched.
    expect(answered).toContain(`URI="${msn}.0.ts"`);
    const slot = timeline.provisional(msn) ?? timeline.slot(msn);
    expect(slot?.kind).toBe('ingest');
    const file = stack.ingest.channels.files!.unit('sport', slot!.unit!.session, 'v360', slot!.unit!.index);
    const complete = (await completeUnits(file)).has(slot!.unit!.index);
    if (!complete) early++;
    const part = await fetch(`${stack.edgeUrl}/hls/live/sport/v360/${msn}.0.ts`);
    expect(part.status).toBe(200);
    expect((await part.arrayBuffer()).byteLength).toBeGreaterThan(188 * 10);
  }
  expect(early).toBeGreaterThanOrEqual(SAMPLES - 1);
}, 120_000);

test('a feed coming back: the parts keep coming while it starts, a TV in low-latency mode never waits past its timeout', async () => {
  // The feed of the test before (or of this one's first try) goes: the slate is on air.
  await cutFeed(stack.ingest, 'sport', sportEncoder);
  const url = `${stack.edgeUrl}/hls/live/sport/v360/index.m3u8`;
  // A TV in low-latency mode: a blocking reload for the hinted part, again and again, as hls.js
  // does. hls.js gives up on one after max(3 part targets, 0.8 target duration) (its playlist
  // loader), then falls back to plain reloads and stalls.
  const first = await (await fetch(url)).text();
  const partTarget = Number(/PART-TARGET=([\d.]+)/.exec(first)![1]);
  const targetDuration = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(first)![1]);
  const timeoutMs = Math.max(3 * partTarget, 0.8 * targetDuration) * 1000;
  const holds: { asked: string; ms: number }[] = [];
  let hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.ts"/.exec(first)!;
  let following = true;
  const tv = (async () => {
    while (following) {
      const asked = `_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}`;
      const t0 = Date.now();
      const response = await fetch(`${url}?${asked}`);
      const text = await response.text();
      holds.push({ asked, ms: Date.now() - t0 });
      expect(response.status).toBe(200);
      hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.ts"/.exec(text)!;
    }
  })();
  // The feed comes back while the TV follows, and goes on air.
  await new Promise((r) => setTimeout(r, 2000));
  sportEncoder = await stack.encoder('sport', { protocol: 'srt' });
  await eventually(
    async () => stack.ingest.status('sport')!,
    (s) => s.state === 'receiving' && (s.feed?.segments ?? 0) >= 2,
    40_000,
    'feed on air again',
  );
  await new Promise((r) => setTimeout(r, 4000));
  following = false;
  await tv;
  const slow = holds.filter((h) => h.ms > timeoutMs);
  expect({ slow, timeoutMs }).toEqual({ slow: [], timeoutMs });
  // It followed the whole time: about one reload a part.
  expect(holds.length).toBeGreaterThan(10);
}, 120_000);
