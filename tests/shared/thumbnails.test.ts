import {
  parseThumbnailTrack,
  serializeThumbnailTrack,
  thumbnailAt,
  type ThumbnailCue,
} from '../../shared/hls/thumbnails.ts';

const cues: ThumbnailCue[] = [
  { start: 0, end: 5, url: 'thumbs/0.jpg', x: 0, y: 0, w: 160, h: 90 },
  { start: 5, end: 10, url: 'thumbs/0.jpg', x: 160, y: 0, w: 160, h: 90 },
  { start: 3600, end: 3605.5, url: 'thumbs/7.jpg', x: 0, y: 90, w: 160, h: 90 },
];

describe('WebVTT thumbnail track', () => {
  test('what the origin writes, the TV reads back, with URLs resolved against the track', () => {
    const text = serializeThumbnailTrack(cues);
    expect(text).toContain('01:00:00.000 --> 01:00:05.500\nthumbs/7.jpg#xywh=0,90,160,90');
    const back = parseThumbnailTrack(text, (u) => new URL(u, 'http://edge/hls/vod/r1/thumbnails.vtt').pathname);
    expect(back).toEqual(cues.map((c) => ({ ...c, url: `/hls/vod/r1/${c.url}` })));
  });

  test('the cue under a time, and the nearest outside the track', () => {
    expect(thumbnailAt(cues, 7)?.x).toBe(160);
    expect(thumbnailAt(cues, 5)?.x).toBe(160);
    expect(thumbnailAt(cues, -3)?.start).toBe(0);
    expect(thumbnailAt(cues, 9999)?.start).toBe(3600);
    expect(thumbnailAt([], 1)).toBeUndefined();
  });

  test('a broken or hostile track gives fewer cues, never an exception', () => {
    expect(parseThumbnailTrack('<html>not found</html>')).toEqual([]);
    const text =
      'WEBVTT\n\n00:00.000 --> 00:05.000\nsprite.jpg#xywh=0,0,10,10\n\n00:09.000 --> 00:05.000\nbackwards.jpg#xywh=0,0,1,1\n\n00:10.000 --> 00:15.000\njust text\n';
    expect(parseThumbnailTrack(text).map((c) => c.url)).toEqual(['sprite.jpg']);
  });
});
