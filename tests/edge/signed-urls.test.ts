// Access control on a real edge over real HTTP, in front of an upstream that counts what reaches
// it: a restricted prefix plays only with a valid signed-URL token, the token rides from the
// master playlist to everything it lists, never reaches the upstream nor splits the cache, and a
// bad token is a 403 that costs the upstream nothing.
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { Keyring, type SigningKey } from '../../shared/signing/url-signing.ts';

const keyA: SigningKey = { id: 'k2026a', secret: 'first-secret-of-the-city-tv' };
const keyB: SigningKey = { id: 'k2026b', secret: 'second-secret-of-the-city-tv' };
const PREFIX = '/hls/live/csport/';
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

const MASTER = [
  '#EXTM3U',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="fr",DEFAULT=YES,URI="audio/fr/index.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud"',
  'v360/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=1600000,AUDIO="aud"',
  '/hls/live/csport/v540/index.m3u8',
  '',
].join('\n');
const MEDIA = [
  '#EXTM3U',
  '#EXT-X-VERSION:9',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-MEDIA-SEQUENCE:10',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.key",IV=0x00000000000000000000000000000001',
  '#EXT-X-DATERANGE:ID="ad-1",CLASS="com.apple.hls.interstitial",START-DATE="2026-12-03T12:00:00Z",X-ASSET-URI="/hls/ads/spot/master.m3u8"',
  '#EXTINF:2.0,',
  '10.m4s',
  '#EXT-X-PART:DURATION=0.5,URI="11.0.m4s"',
  '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="11.1.m4s"',
  '#EXT-X-RENDITION-REPORT:URI="../v540/index.m3u8",LAST-MSN=10,LAST-PART=0',
  '#EXTINF:2.0,',
  'https://elsewhere.example/hls/live/csport/v360/12.m4s',
  '',
].join('\n');
// CRLF line ends, as some tools write WebVTT.
const THUMBS = ['WEBVTT', '', '00:00:00.000 --> 00:00:02.000', 'sprite-0.jpg#xywh=0,0,160,90', ''].join('\r\n');

let upstream: TestUpstream;
const edges: StartedEdge[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  const playlist = { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1' };
  const media = { 'content-type': 'video/mp4', 'cache-control': 'max-age=60' };
  upstream.on(`${PREFIX}master.m3u8`, { headers: playlist, body: MASTER });
  upstream.on(`${PREFIX}v360/index.m3u8`, { headers: playlist, body: MEDIA });
  upstream.on(`${PREFIX}v540/index.m3u8`, { headers: playlist, body: MEDIA });
  upstream.on(`${PREFIX}audio/fr/index.m3u8`, { headers: playlist, body: MEDIA });
  for (const name of ['init.mp4', '10.m4s', '11.0.m4s', '11.1.m4s'])
    for (const rendition of ['v360', 'v540', 'audio/fr'])
      upstream.on(`${PREFIX}${rendition}/${name}`, { headers: media, body: `${rendition}/${name}` });
  upstream.on(`${PREFIX}keys/k1.key`, { headers: { 'cache-control': 'max-age=60' }, body: '0123456789abcdef' });
  upstream.on(`${PREFIX}thumbs/track.vtt`, { headers: { 'content-type': 'text/vtt' }, body: THUMBS });
  upstream.on(`${PREFIX}thumbs/sprite-0.jpg`, { headers: { ...media, 'content-type': 'image/jpeg' }, body: 'jpeg' });
  upstream.on('/hls/live/culture/master.m3u8', { headers: playlist, body: MASTER });
  upstream.on('/hls/live/culture/v360/10.m4s', { headers: media, body: 'open' });
});
afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  await upstream.close();
});

async function edgeWith(keys: SigningKey[]): Promise<StartedEdge> {
  const e = await startEdge({ upstreamUrl: upstream.url, urlSigningKeys: keys, urlSigningPrefixes: [PREFIX] });
  edges.push(e);
  return e;
}

/** `path` on `edge` with a token for PREFIX signed by `key` (first of its own keyring). */
async function signed(edge: StartedEdge, path: string, key: SigningKey, expires = inAnHour()): Promise<string> {
  const url = await new Keyring([key]).sign(new URL(path, edge.url), { expires, pathPrefix: PREFIX });
  return url.href;
}

/** What reached the upstream for this path, as it was asked (path and query). */
const seen = (path: string) => upstream.requests.filter((r) => r.path === path).map((r) => r.url);

describe('signed URLs at the edge', () => {
  it('serves a valid token; the upstream is asked once, without the token', async () => {
    const edge = await edgeWith([keyA]);
    const path = `${PREFIX}v360/10.m4s`;
    const before = upstream.count(path);
    const res = await fetch(await signed(edge, path, keyA));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('v360/10.m4s');
    expect(upstream.count(path)).toBe(before + 1);
    expect(seen(path).at(-1)).toBe(path);
  });

  it('two viewers with different tokens share one cache entry', async () => {
    const edge = await edgeWith([keyA, keyB]);
    const path = `${PREFIX}v540/10.m4s`;
    const before = upstream.count(path);
    const first = await fetch(await signed(edge, path, keyA));
    const second = await fetch(await signed(edge, path, keyB, inAnHour() + 60));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toBe('v540/10.m4s');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(upstream.count(path)).toBe(before + 1);
  });

  it('refuses a missing, expired, tampered, out-of-scope or unknown-key token: 403, no-store, nothing upstream', async () => {
    const edge = await edgeWith([keyA]);
    const path = `${PREFIX}audio/fr/10.m4s`;
    // Stored first, so a refusal cannot be a miss in disguise: the copy is there and still withheld.
    expect((await fetch(await signed(edge, path, keyA))).status).toBe(200);
    const before = upstream.requests.length;
    const expired = await signed(edge, path, keyA, Math.floor(Date.now() / 1000) - 1);
    const tampered = new URL(await signed(edge, path, keyA));
    tampered.searchParams.set('exp', String(inAnHour() + 86_400));
    const culture = await new Keyring([keyA]).sign(new URL('/hls/live/culture/x', edge.url), {
      expires: inAnHour(),
      pathPrefix: '/hls/live/culture/',
    });
    const otherScope = `${edge.url}${path}${culture.search}`;
    const unknownKey = await signed(edge, path, keyB);
    const cases: [string, RegExp][] = [
      [`${edge.url}${path}`, /token missing/],
      // An escaped letter is the letter for the origin: still the restricted prefix.
      [`${edge.url}${path.replace('csport', 'c%73port')}`, /token missing/],
      [expired, /token expired/],
      [tampered.href, /bad signature/],
      [otherScope, /not valid for this path/],
      [unknownKey, /unknown key id/],
    ];
    for (const [url, reason] of cases) {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toMatch(reason);
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('rotation: tokens of both active keys pass; once the old key is removed, its tokens fail', async () => {
    const rotating = await edgeWith([keyB, keyA]);
    const path = `${PREFIX}v360/11.0.m4s`;
    expect((await fetch(await signed(rotating, path, keyA))).status).toBe(200);
    expect((await fetch(await signed(rotating, path, keyB))).status).toBe(200);
    const rotated = await edgeWith([keyB]);
    expect((await fetch(await signed(rotated, path, keyB))).status).toBe(200);
    const old = await fetch(await signed(rotated, path, keyA));
    expect(old.status).toBe(403);
    expect(await old.text()).toMatch(/unknown key id/);
  });

  it('carries the token from the master to everything it lists, and nowhere else', async () => {
    const edge = await edgeWith([keyA]);
    // One signed URL: signing twice could straddle a second and give two expiries.
    const masterUrl = await signed(edge, `${PREFIX}master.m3u8`, keyA);
    const master = await fetch(masterUrl);
    expect(master.status).toBe(200);
    const masterText = await master.text();
    const token = new URL(masterUrl).search.slice(1);
    expect(masterText).toContain(`URI="audio/fr/index.m3u8?${token}"`);
    expect(masterText).toContain(`\nv360/index.m3u8?${token}\n`);
    expect(masterText).toContain(`\n/hls/live/csport/v540/index.m3u8?${token}\n`);

    // A player walks it as hls.js would: every URI resolved against the playlist that lists it.
    const mediaUrl = new URL(`v360/index.m3u8?${token}`, master.url);
    const media = await fetch(mediaUrl);
    expect(media.status).toBe(200);
    const text = await media.text();
    expect(text).toContain('/hls/ads/spot/master.m3u8"'); // another path: no token
    expect(text).toContain('\nhttps://elsewhere.example/hls/live/csport/v360/12.m4s\n'); // another host: no token
    const uris = [...text.matchAll(/URI="([^"]+)"/g), ...text.matchAll(/^([^#\n].*)$/gm)]
      .map((m) => m[1] ?? '')
      .filter((u) => u.includes('sig='));
    // Init section, key, part, preload hint, rendition report, segment: each with the token.
    expect(uris.map((u) => u.replace(`?${token}`, ''))).toEqual([
      'init.mp4',
      '../keys/k1.key',
      '11.0.m4s',
      '11.1.m4s',
      '../v540/index.m3u8',
      '10.m4s',
    ]);
    for (const uri of uris) {
      const res = await fetch(new URL(uri, mediaUrl));
      expect([uri, res.status]).toEqual([uri, 200]);
    }
    // Neither the playlists nor anything they list reached the upstream with a token.
    expect(upstream.requests.filter((r) => r.url.includes('sig=')).map((r) => r.url)).toEqual([]);
  });

  it('a replay under another restricted prefix plays the live segments it was cut from (delegated token)', async () => {
    const e = await startEdge({
      upstreamUrl: upstream.url,
      urlSigningKeys: [keyA],
      urlSigningPrefixes: [PREFIX, '/hls/vod/'],
    });
    edges.push(e);
    upstream.on('/hls/vod/cut/index.m3u8', {
      headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=60' },
      body: '#EXTM3U\n#EXTINF:2.0,\n/hls/live/csport/v360/10.m4s\n#EXTINF:2.0,\n/hls/live/culture/v360/10.m4s\n#EXT-X-ENDLIST\n',
    });
    const replay = await new Keyring([keyA]).sign(new URL('/hls/vod/cut/index.m3u8', e.url), {
      expires: inAnHour(),
      pathPrefix: '/hls/vod/',
    });
    const playlist = await fetch(replay);
    expect(playlist.status).toBe(200);
    const [live, open] = (await playlist.text()).split('\n').filter((l) => l.startsWith('/hls/live/'));
    const liveUrl = new URL(live ?? '', e.url);
    // Scoped to the live's own prefix, expiring with the viewer's token; the open path gets none.
    expect(liveUrl.searchParams.get('pfx')).toBe(PREFIX);
    expect(liveUrl.searchParams.get('exp')).toBe(replay.searchParams.get('exp'));
    expect(open).toBe('/hls/live/culture/v360/10.m4s');
    expect((await fetch(liveUrl)).status).toBe(200);
    expect((await fetch(new URL(liveUrl.pathname, e.url))).status).toBe(403);
  });

  it('answers a granted playlist whole, with the token, whatever Range asks (ffmpeg asks bytes=0-)', async () => {
    const edge = await edgeWith([keyA]);
    const url = await signed(edge, `${PREFIX}master.m3u8`, keyA);
    for (const range of ['bytes=0-', 'bytes=0-9']) {
      const res = await fetch(url, { headers: { range } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('v360/index.m3u8?exp=');
      expect(Number(res.headers.get('content-length'))).toBe(new TextEncoder().encode(text).byteLength);
    }
  });

  it('a playlist that changed is carried anew for a viewer whose token is the same', async () => {
    const edge = await edgeWith([keyA]);
    const path = `${PREFIX}changing/index.m3u8`;
    upstream.on(path, (_req, n) => ({
      headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=0' },
      body: `#EXTM3U\n#EXTINF:2.0,\n${n}.ts\n`,
    }));
    const url = await signed(edge, path, keyA);
    const first = await (await fetch(url)).text();
    const second = await (await fetch(url)).text();
    expect(first).toMatch(/\n1\.ts\?exp=/);
    expect(second).toMatch(/\n2\.ts\?exp=/);
  });

  it('carries the token into a thumbnail track: its sprite sheets load', async () => {
    const edge = await edgeWith([keyA]);
    const track = await fetch(await signed(edge, `${PREFIX}thumbs/track.vtt`, keyA));
    expect(track.status).toBe(200);
    const sheet = /^(sprite-0\.jpg\?[^#]+)#xywh=0,0,160,90$/m.exec(await track.text())?.[1];
    expect(sheet).toContain('sig=');
    const res = await fetch(new URL(sheet ?? '', track.url));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('jpeg');
  });

  it('leaves other prefixes open; a token there is taken out of the cache key and the upstream request', async () => {
    const edge = await edgeWith([keyA]);
    const path = '/hls/live/culture/v360/10.m4s';
    const before = upstream.count(path);
    expect((await fetch(`${edge.url}${path}`)).status).toBe(200);
    const withToken = await fetch(`${edge.url}${path}?exp=1&pfx=/x/&kid=k&sig=abc`);
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('x-cache')).toBe('HIT');
    expect(upstream.count(path)).toBe(before + 1);
    expect(seen(path).every((u) => u === path)).toBe(true);
  });

  it('will not start with restricted prefixes and no key', async () => {
    await expect(startEdge({ upstreamUrl: upstream.url, urlSigningPrefixes: [PREFIX] })).rejects.toThrow(
      /URL_SIGNING_KEYS/,
    );
  });
});
