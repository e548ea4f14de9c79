// With INGEST_PARTS_AS_ENCODED=false a unit goes on air once complete: its slot starts
// `lockMarginMs` before it is published, so a feed's picture is that margin behind its arrival
// (packagerLagMs), for the whole session — its later units follow slot by slot. A feed coming
// back to a channel showing the slate must get that same short delay: the slot being made while
// its first unit is encoded stays open for it (channel-ingest.ts, `settled`), even while TVs read
// the playlist. Settled as the slate instead, that unit would take the next slot and the whole
// session would run one segment later.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { eventually } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { cutFeed, startIngestStack } from '../support/ingest.ts';
import type { IngestStack } from '../support/ingest.ts';

let stack: IngestStack;
beforeAll(async () => {
  stack = await startIngestStack({ partsAsEncoded: false });
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close()); // and its encoders

/** The feed on air for a few segments: how far behind its arrival each of them went out. */
async function lagsOnAir(): Promise<number[]> {
  const lags: number[] = [];
  let seen = 0;
  await eventually(
    async () => stack.ingest.status('sport')!,
    (s) => {
      const segments = s.state === 'receiving' ? (s.feed?.segments ?? 0) : 0;
      if (segments > seen && s.packagerLagMs !== null) lags.push(s.packagerLagMs);
      seen = Math.max(seen, segments);
      return seen >= 4;
    },
    60_000,
    'feed on air for 4 segments',
  );
  return lags;
}

test('a feed coming back with parts published once complete keeps the short delay of a first feed', async () => {
  const url = `${stack.edgeUrl}/hls/live/sport/v360/index.m3u8`;
  const segmentMs = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(await (await fetch(url)).text())![1]) * 1000;
  // A TV reading the playlist the whole time: each read asks the timeline about the slot being made.
  let watching = true;
  const tv = (async () => {
    while (watching) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      await response.text();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    let encoder = await stack.encoder('sport', { protocol: 'srt' });
    const first = await lagsOnAir();
    await cutFeed(stack.ingest, 'sport', encoder);
    // The slate for a few seconds, then the feed again.
    await new Promise((r) => setTimeout(r, 3000));
    encoder = await stack.encoder('sport', { protocol: 'srt' });
    const back = await lagsOnAir();
    // Both runs: published within a segment of their arrival (the lock margin, 1 s by default).
    expect({ first, back, segmentMs }).toEqual({
      first: first.map((lag) => (lag < segmentMs ? lag : `${lag} ms: a segment late`)),
      back: back.map((lag) => (lag < segmentMs ? lag : `${lag} ms: a segment late`)),
      segmentMs,
    });
  } finally {
    watching = false;
    await tv;
  }
}, 180_000);
