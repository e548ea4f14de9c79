// Access control through the whole system: the real origin mints tokens in the catalog the TV
// reads, the real edge in front of it checks them, and clients nobody here wrote (fetch walking
// the playlists as a player does, then ffmpeg) play a restricted live channel and a restricted
// replay from the catalog's URLs as they are, while the other channels stay open.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startStack, type Stack } from '../support/stack.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { ffmpegReads } from '../support/ffmpeg.ts';
import type { AccessConfig } from '../../shared/signing/access-config.ts';

const access: AccessConfig = {
  keys: [{ id: 'k2026a', secret: 'the-city-tv-signing-secret' }],
  restrictedPrefixes: ['/hls/live/sport/', '/hls/vod/'],
  ttlSeconds: 3600,
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    origin: { access },
    edge: { urlSigningKeys: access.keys, urlSigningPrefixes: access.restrictedPrefixes, accessLog: false },
  });
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

/** The catalog's home as the TV reads it, through the edge. */
async function homeText(): Promise<string> {
  const res = await fetch(`${stack.edgeUrl}/api/v1/home`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The first URI a playlist lists on a line of its own (a variant, or a segment). */
function firstUriLine(playlist: string): string {
  const line = playlist.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (!line) throw new Error(`no URI in\n${playlist}`);
  return line.trim();
}

it('the catalog gives the TV signed URLs for restricted streams only, and the edge refuses them unsigned', async () => {
  const home = await homeText();
  expect(home).toMatch(
    /"\/hls\/live\/sport\/master\.m3u8\?exp=\d+&pfx=%2Fhls%2Flive%2Fsport%2F&kid=k2026a&sig=[\w-]+"/,
  );
  expect(home).toContain('"/hls/live/culture/master.m3u8"');
  expect(home).not.toMatch(/"\/hls\/vod\/[^"?]+"/); // every replay URL and thumbnail track signed
  const before = stack.origin.requests.count('/hls/live/sport/');
  const unsigned = await fetch(`${stack.edgeUrl}/hls/live/sport/master.m3u8`);
  expect(unsigned.status).toBe(403);
  expect(await unsigned.text()).toMatch(/token missing/);
  expect(stack.origin.requests.count('/hls/live/sport/')).toBe(before);
  expect((await fetch(`${stack.edgeUrl}/hls/live/culture/master.m3u8`)).status).toBe(200);
});

it('a player walks master → media playlist → segment of the restricted live with the catalog URL as it is', async () => {
  const master = /"(\/hls\/live\/sport\/master\.m3u8\?[^"]+)"/.exec(await homeText())?.[1] ?? '';
  const masterRes = await fetch(`${stack.edgeUrl}${master}`);
  expect(masterRes.status).toBe(200);
  const mediaUrl = new URL(firstUriLine(await masterRes.text()), masterRes.url);
  const mediaRes = await fetch(mediaUrl);
  expect(mediaRes.status).toBe(200);
  const segmentUrl = new URL(firstUriLine(await mediaRes.text()), mediaUrl);
  expect(segmentUrl.searchParams.get('sig')).toBeTruthy();
  const segment = await fetch(segmentUrl);
  expect(segment.status).toBe(200);
  expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  // The same segment without the token: refused, though the edge holds it.
  expect((await fetch(new URL(segmentUrl.pathname, stack.edgeUrl))).status).toBe(403);
});

it('ffmpeg plays the restricted live channel for 6 s from the signed master URL', async () => {
  const master = /"(\/hls\/live\/sport\/master\.m3u8\?[^"]+)"/.exec(await homeText())?.[1] ?? '';
  const run = await ffmpegReads(`${stack.edgeUrl}${master}`, 6);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}, 60_000);

it('a restricted replay and its seek-bar thumbnails load from the catalog URLs', async () => {
  const replays = await (await fetch(`${stack.edgeUrl}/api/v1/replays`)).json();
  const replay = (replays as { items: { playbackUrl: string; thumbnails?: string }[] }).items.find((r) => r.thumbnails);
  expect(replay?.thumbnails).toMatch(/\?exp=.*&sig=/);
  const track = await fetch(`${stack.edgeUrl}${replay?.thumbnails}`);
  expect(track.status).toBe(200);
  const sheet = /^(\S+)#xywh=/m.exec(await track.text())?.[1] ?? '';
  expect(sheet).toContain('sig=');
  const image = await fetch(new URL(sheet, track.url));
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toMatch(/^image\//);
  const run = await ffmpegReads(`${stack.edgeUrl}${replay?.playbackUrl}`, 4);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}, 60_000);
