// What the player page knows of what plays (tv-app/src/player/now-playing.ts): extras, sponsor,
// resume point, the next highlight.
import { expect, test } from '@jest/globals';
import type { LiveEvent, Playable, Replay, Highlight } from '../../shared/catalog/types.ts';
import { autoplayNext, playbackExtras, resumePointOf, sponsorOf } from '../../tv-app/src/player/now-playing.ts';

const replay = {
  id: 'r1',
  eventId: 'e1',
  title: 'Match',
  duration: 48,
  playbackUrl: '/r1.m3u8',
  thumbnails: '/r1/thumbnails.vtt',
  chapters: [
    { title: 'B', start: 26 },
    { title: 'A', start: 0 },
    { title: 'Past the end', start: 60 },
  ],
} as unknown as Replay;
const highlight = { id: 'h1', title: 'But', duration: 12, playbackUrl: '/h1.m3u8' } as unknown as Highlight;
const event = { id: 'e1', title: 'Match', sponsorId: 'velocite', playbackUrl: '/live.m3u8' } as unknown as LiveEvent;
const asReplay: Playable = { kind: 'replay', replay };
const asHighlight: Playable = { kind: 'highlight', highlight };
const asLive: Playable = { kind: 'live', event };

test("extras: a replay's chapters in order (none past its end) and its thumbnails; a live has none", () => {
  expect(playbackExtras(asReplay)).toEqual({
    chapters: [
      { title: 'A', start: 0 },
      { title: 'B', start: 26 },
    ],
    duration: 48,
    thumbnails: '/r1/thumbnails.vtt',
  });
  expect(playbackExtras(asHighlight)).toEqual({ chapters: [], duration: 12, thumbnails: undefined });
  expect(playbackExtras(asLive)).toEqual({ chapters: [], duration: 0 });
});

test("sponsor: the live's own, a replay's event's, none for a highlight", async () => {
  const asked: string[] = [];
  const catalog = {
    event: async (id: string) => {
      asked.push(id);
      return { sponsorId: 'velocite' };
    },
    sponsors: async () => [{ id: 'velocite', name: 'Vélocité', logo: '/v.png', url: 'https://v' }],
  };
  expect((await sponsorOf(asLive, catalog))?.name).toBe('Vélocité');
  expect((await sponsorOf(asReplay, catalog))?.id).toBe('velocite');
  expect(asked).toEqual(['e1']);
  expect(await sponsorOf(asHighlight, catalog)).toBeUndefined();
});

test("resume point: a replay or highlight where it stopped (the catalog's duration until the video knows it); none for a live", () => {
  expect(resumePointOf(asReplay, 20, 48.2)).toEqual({ id: 'r1', kind: 'replay', position: 20, duration: 48.2 });
  expect(resumePointOf(asHighlight, 3, 0)).toEqual({ id: 'h1', kind: 'highlight', position: 3, duration: 12 });
  expect(resumePointOf(asLive, 20, 100)).toBeNull();
});

test('autoplay: after a highlight, the next of the queue when the viewer wants it', () => {
  const other: Playable = { kind: 'highlight', highlight: { ...highlight, id: 'h2' } };
  expect(autoplayNext(asHighlight, [other, asReplay], true)).toEqual({ next: other, rest: [asReplay] });
  expect(autoplayNext(asHighlight, [other], false)).toBeNull();
  expect(autoplayNext(asHighlight, [], true)).toBeNull();
  expect(autoplayNext(asReplay, [other], true)).toBeNull();
});
