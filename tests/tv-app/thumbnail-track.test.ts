// The seek-bar thumbnail track as the TV loads it, and the budget of decoded sprite sheets.
import { serializeThumbnailTrack } from '../../shared/hls/thumbnails.ts';
import { loadThumbnailTrack, SheetBudget, thumbnailAt } from '../../tv-app/src/player/thumbnail-track.ts';

const TRACK = serializeThumbnailTrack([
  { start: 0, end: 2, url: 'thumbs/0.jpg', x: 0, y: 0, w: 160, h: 90 },
  { start: 2, end: 4, url: 'thumbs/0.jpg', x: 160, y: 0, w: 160, h: 90 },
  { start: 4, end: 6, url: 'thumbs/1.jpg', x: 0, y: 0, w: 160, h: 90 },
]);

test('the track loads once, with absolute sheet URLs beside it (on the edge the app came from)', async () => {
  const asked: string[] = [];
  const cues = await loadThumbnailTrack(
    '/hls/vod/r1/thumbnails.vtt',
    'http://edge.example:8080/index.html',
    async (url) => {
      asked.push(url);
      return TRACK;
    },
  );
  expect(asked).toEqual(['http://edge.example:8080/hls/vod/r1/thumbnails.vtt']);
  expect(cues.map((c) => c.url)).toEqual([
    'http://edge.example:8080/hls/vod/r1/thumbs/0.jpg',
    'http://edge.example:8080/hls/vod/r1/thumbs/0.jpg',
    'http://edge.example:8080/hls/vod/r1/thumbs/1.jpg',
  ]);
  expect(thumbnailAt(cues, 3)).toMatchObject({ x: 160, y: 0, w: 160, h: 90 });
});

test('no track, a failed request, or not a track: no cues (the preview shows the time alone)', async () => {
  const never = async (): Promise<string> => {
    throw new Error('must not fetch');
  };
  expect(await loadThumbnailTrack(undefined, 'http://e/', never)).toEqual([]);
  expect(
    await loadThumbnailTrack('/t.vtt', 'http://e/', async () => {
      throw new Error('HTTP 404');
    }),
  ).toEqual([]);
  expect(await loadThumbnailTrack('/t.vtt', 'http://e/', async () => '<html>not found</html>')).toEqual([]);
});

test('at most two sheets alive: the least recently shown one is freed', () => {
  const freed: string[] = [];
  const created: string[] = [];
  const budget = new SheetBudget<string>(2, (h) => freed.push(h));
  const use = (url: string) =>
    budget.use(url, (u) => {
      created.push(u);
      return `tex:${u}`;
    });
  use('a');
  use('b');
  use('a'); // a is the most recent
  expect(created).toEqual(['a', 'b']);
  use('c');
  expect(freed).toEqual(['tex:b']);
  expect(budget.alive).toEqual(['a', 'c']);
  use('b');
  expect(created).toEqual(['a', 'b', 'c', 'b']);
  expect(freed).toEqual(['tex:b', 'tex:a']);
  budget.clear();
  expect(freed).toEqual(['tex:b', 'tex:a', 'tex:c', 'tex:b']);
  expect(budget.alive).toEqual([]);
});
