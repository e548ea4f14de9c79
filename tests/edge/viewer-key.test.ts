// The viewer key of a live playlist request (edge/audience/viewer-key.ts): a CMCD session id as
// it is; otherwise a hash of address and user-agent, made once per viewer and then known at once
// (a viewer reloads its playlist every target duration: hashing each reload was most of a hit's
// CPU). The hash is checked against node:crypto's.
import { expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  knownViewerKey,
  liveChannelOf,
  mayBeLivePlaylist,
  viewerKey,
} from '../../edge-origin/src/edge/audience/viewer-key.ts';

const request = (ua: string, query = '') => {
  const url = new URL(`http://edge.test/hls/live/sport/v240/index.m3u8${query}`);
  return { req: { headers: new Headers({ 'user-agent': ua }) }, url };
};
const expected = (raw: string) => `ua:${createHash('sha256').update(raw).digest('hex').slice(0, 24)}`;

test('without CMCD: hashed once, then known at once, the same key; another client another key', async () => {
  const ua = `ffmpeg-${Math.random()}`;
  const { req, url } = request(ua);
  expect(knownViewerKey(req, url, '192.0.2.7')).toBeUndefined();
  const key = await viewerKey(req, url, '192.0.2.7');
  expect(key).toBe(expected(`192.0.2.7|${ua}`));
  expect(knownViewerKey(req, url, '192.0.2.7')).toBe(key);
  expect(await viewerKey(req, url, '192.0.2.7')).toBe(key);

  // Another address, or another user-agent: not known until hashed, and not the same viewer.
  expect(knownViewerKey(req, url, '192.0.2.8')).toBeUndefined();
  expect(await viewerKey(req, url, '192.0.2.8')).toBe(expected(`192.0.2.8|${ua}`));
  const other = request(`${ua}-other`);
  expect(knownViewerKey(other.req, other.url, '192.0.2.7')).toBeUndefined();
  expect(await viewerKey(other.req, other.url, '192.0.2.7')).not.toBe(key);
});

test('a burst of one viewer’s sightings before its key is known: one digest for all (the native door’s batches)', async () => {
  const ua = `burst-${Math.random()}`;
  const { req, url } = request(ua);
  const digest = jest.spyOn(crypto.subtle, 'digest');
  try {
    const keys = await Promise.all(Array.from({ length: 200 }, () => viewerKey(req, url, '192.0.2.9')));
    expect(new Set(keys)).toEqual(new Set([expected(`192.0.2.9|${ua}`)]));
    expect(digest).toHaveBeenCalledTimes(1);
  } finally {
    digest.mockRestore();
  }
});

test('with a CMCD session id: known at once, whatever the address', () => {
  const { req, url } = request('hls.js', `?CMCD=${encodeURIComponent('sid="tv-42"')}`);
  expect(knownViewerKey(req, url, '192.0.2.9')).toBe('sid:tv-42');
  expect(knownViewerKey(req, url, undefined)).toBe('sid:tv-42');
});

test('a target whose parsed URL names a live channel is never ruled out by the fast paths’ string test', () => {
  // The fast paths parse a request's URL for the audience only when mayBeLivePlaylist says so: a
  // false "no" would lose that viewer's sightings. Targets are built from pieces the URL parser
  // rewrites (dot segments, escapes, case) around a live playlist's path.
  const piece = fc.constantFrom(
    '/hls',
    '/live',
    '/sport',
    '/v240',
    '/index.m3u8',
    '/master.m3u8',
    '/index.M3U8',
    '/index%2Em3u8',
    '/.',
    '/..',
    '/%2e',
    '/%2E%2e',
    '/a',
    '%2F',
    '\\',
    ';',
    '%20',
    '.m3u8',
    '?',
    '?x=.m3u8',
    '?CMCD=sid%3D%22a%22',
    '#f',
  );
  const path = (maxLength: number) => fc.array(piece, { maxLength }).map((pieces) => pieces.join('') || '/');
  // Noise around a live playlist's path, or pieces alone.
  const target = fc
    .oneof(
      fc
        .tuple(path(3), fc.constantFrom('/hls/live/sport/v240/index.m3u8', '/hls/live/sport/master.m3u8'), path(3))
        .map(([before, live, after]) => (before === '/' ? '' : before) + live + (after === '/' ? '' : after)),
      path(10),
    )
    .map((t) => (t.startsWith('/') ? t : `/${t}`)); // a request target's path starts with '/'
  let live = 0;
  fc.assert(
    fc.property(target, (t) => {
      const channel = liveChannelOf(new URL(`http://edge.test${t}`).pathname);
      if (channel === null) return;
      live++;
      expect(mayBeLivePlaylist(t)).toBe(true);
    }),
    { numRuns: 3000 },
  );
  expect(live).toBeGreaterThan(100); // the property was really tried on live playlists
  expect(mayBeLivePlaylist('/hls/live/sport/v240/seg-1.ts')).toBe(false);
});
