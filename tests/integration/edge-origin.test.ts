// The edge in front of the real origin, as viewers use it: the foundation's promises about
// caching, collapsing, bounded memory, and HLS that a real client (ffmpeg) can read through it.
import { startStack, type Stack } from '../support/stack.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { parseMediaPlaylistUris } from '../support/hls.ts';
import { ffmpegReads } from '../support/ffmpeg.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let stack: Stack;

beforeAll(async () => {
  await ensureTestManifest();
  stack = await startStack({ edge: { memoryBytes: 64 * 1024 * 1024 } });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
});

async function get(path: string, init?: RequestInit) {
  const res = await fetch(stack.edgeUrl + path, init);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

async function firstVodAssetPath(): Promise<string> {
  const home = (await (await fetch(`${stack.edgeUrl}/api/v1/home`)).json()) as {
    channels: { replays: { playbackUrl: string }[] }[];
  };
  return itemAt(itemAt(home.channels, 0).replays, 0).playbackUrl;
}

describe('the edge in front of the origin', () => {
  it('answers a segment MISS first, then HIT with identical bytes, without going back to the origin', async () => {
    const master = await firstVodAssetPath();
    const mediaPath = master.replace('master.m3u8', 'v360/index.m3u8');
    const playlist = await get(mediaPath);
    expect(playlist.res.status).toBe(200);
    const segment = new URL(itemAt(parseMediaPlaylistUris(playlist.body.toString()), 0), `http://x${mediaPath}`)
      .pathname;

    const before = stack.origin.requests.count(segment);
    const first = await get(segment);
    const second = await get(segment);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('x-cache')).toBe('MISS');
    expect(second.res.headers.get('x-cache')).toBe('HIT');
    expect(second.body.equals(first.body)).toBe(true);
    expect(first.body.length).toBeGreaterThan(10_000);
    expect(first.body[0]).toBe(0x47); // MPEG-TS sync byte: real media, not an error page
    expect(stack.origin.requests.count(segment) - before).toBe(1);
  });

  it('serves a live media playlist from cache while fresh, then refreshes it once it expires', async () => {
    const path = '/hls/live/culture/v240/index.m3u8';
    const a = await get(path);
    const b = await get(path);
    expect(a.res.headers.get('x-cache')).toBe('MISS');
    expect(b.res.headers.get('x-cache')).toBe('HIT');
    expect(b.body.toString()).toBe(a.body.toString());
    const sequence = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);

    // Live time moves on (2 s segments); once the cached copy is older than its TTL the edge
    // must show viewers the newer window.
    let latest = a;
    for (let i = 0; i < 30 && sequence(latest.body.toString()) === sequence(a.body.toString()); i++) {
      await new Promise((r) => setTimeout(r, 500));
      latest = await get(path);
    }
    expect(sequence(latest.body.toString())).toBeGreaterThan(sequence(a.body.toString()));
    expect(stack.origin.requests.count(path)).toBeGreaterThanOrEqual(2);
  });

  it('turns 200 concurrent viewers asking for one new segment into exactly one origin request', async () => {
    const mediaPath = '/hls/live/agglo/v540/index.m3u8';
    // Counted from before the playlist read: an edge that prefetches new segments when it
    // refreshes a playlist must still make only one request for the segment in all.
    stack.origin.requests.reset();
    const playlist = (await get(mediaPath)).body.toString();
    const uris = parseMediaPlaylistUris(playlist);
    const segment = new URL(itemAt(uris, uris.length - 1), `http://x${mediaPath}`).pathname;

    const bodies = await Promise.all(Array.from({ length: 200 }, () => get(segment)));
    expect(stack.origin.requests.count(segment)).toBe(1);
    for (const { res, body } of bodies) {
      expect(res.status).toBe(200);
      expect(body.equals(itemAt(bodies, 0).body)).toBe(true);
    }
    expect(itemAt(bodies, 0).body.length).toBeGreaterThan(10_000);
  });

  it('lets ffmpeg read a live channel and a replay through the edge for 10 s without an error', async () => {
    const replay = await firstVodAssetPath();
    for (const path of ['/hls/live/sport/master.m3u8', replay]) {
      const { code, stderr } = await ffmpegReads(stack.edgeUrl + path, 10);
      expect({ path, code, stderr: stderr.trim() }).toEqual({ path, code: 0, stderr: '' });
    }
  }, 120_000);
});

describe('the edge memory budget in front of the origin', () => {
  it('never stores more than its budget while viewers sweep every replay segment', async () => {
    const budget = 3 * 1024 * 1024;
    const small = await startStack({ edge: { memoryBytes: budget } });
    try {
      const home = (await (await fetch(`${small.edgeUrl}/api/v1/home`)).json()) as {
        channels: { replays: { playbackUrl: string }[] }[];
      };
      let fetched = 0;
      for (const channel of home.channels) {
        for (const replay of channel.replays) {
          const mediaPath = replay.playbackUrl.replace('master.m3u8', 'v540/index.m3u8');
          const text = await (await fetch(small.edgeUrl + mediaPath)).text();
          for (const uri of parseMediaPlaylistUris(text)) {
            const res = await fetch(new URL(uri, small.edgeUrl + mediaPath));
            fetched += (await res.arrayBuffer()).byteLength;
            expect(small.edge.edge.stats().bytes).toBeLessThanOrEqual(budget);
          }
        }
      }
      expect(fetched).toBeGreaterThan(budget * 3); // the flood really was bigger than the budget
      const health = (await (await fetch(`${small.edgeUrl}/_edge/health`)).json()) as Record<string, unknown>;
      expect(JSON.stringify(health)).toMatch(/evict/i);
      expect(small.edge.edge.stats().evictions).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  }, 120_000);
});
