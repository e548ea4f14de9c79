// The master playlist preload of the zap path, against a real HTTP server on loopback:
// only after the focus rests, marked as a prefetch, looked up without CMCD, used once,
// awaited when still in flight, dropped when failed or old.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManifestPreloader, preloadKey } from '../../tv-app/src/player/manifest-preload.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

interface Asked {
  path: string;
  headers: IncomingHttpHeaders;
}

let server: Server;
let base: string;
const asked: Asked[] = [];
/** Answers held back until released (a slow edge). */
let hold: Promise<void> | null = null;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push({ path: req.url ?? '', headers: req.headers });
    const answer = () => {
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404).end('no');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(`#EXTM3U\n# ${req.url}\n`);
    };
    if (hold) void hold.then(answer);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  asked.length = 0;
  hold = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let clock = 0;
const preloader = (options: { ttlMs?: number; maxEntries?: number; dwellMs?: number } = {}) =>
  new ManifestPreloader({ base: () => base, dwellMs: 60, now: () => clock, ...options });

test('the key is the absolute URL without the CMCD parameter hls.js adds', () => {
  expect(preloadKey('/hls/live/sport/master.m3u8?CMCD=sid%3D%22a%22', 'http://tv.example/app/')).toBe(
    'http://tv.example/hls/live/sport/master.m3u8',
  );
  expect(preloadKey('hls/vod/r1/master.m3u8?token=x&CMCD=bl%3D2', 'http://tv.example/app/')).toBe(
    'http://tv.example/app/hls/vod/r1/master.m3u8?token=x',
  );
});

test('focus passing along a rail preloads nothing; focus that rests preloads once, as a prefetch without CMCD', async () => {
  // A long dwell, so that a busy machine's late timers cannot pass for a rest.
  const p = preloader({ dwellMs: 400 });
  for (const id of ['a', 'b', 'c', 'd']) {
    p.focus(`/hls/vod/${id}/master.m3u8`);
    await sleep(20); // a key repeat: faster than the dwell
  }
  await sleep(600);
  expect(asked.map((a) => a.path)).toEqual(['/hls/vod/d/master.m3u8']);
  expect(itemAt(asked, 0).headers.purpose).toBe('prefetch');
  // Focus back and forth on the same tile does not ask again.
  p.focus('/hls/vod/d/master.m3u8');
  await sleep(600);
  expect(asked).toHaveLength(1);
  expect(p.stats).toEqual({ sent: 1, used: 0 });
});

test('hls.js gets the text by its request URL (with CMCD), once; the next playback asks the edge', async () => {
  const p = preloader();
  p.focus('/hls/live/sport/master.m3u8');
  await sleep(120);
  const taken = await p.take(`${base}hls/live/sport/master.m3u8?CMCD=${encodeURIComponent('sid="s1"')}`);
  expect(taken).toEqual({ url: `${base}hls/live/sport/master.m3u8`, text: '#EXTM3U\n# /hls/live/sport/master.m3u8\n' });
  expect(p.take(`${base}hls/live/sport/master.m3u8`)).toBeNull();
  expect(p.stats).toEqual({ sent: 1, used: 1 });
});

test('OK before the focus rested: nothing is sent; a preload in flight at OK is awaited, not repeated', async () => {
  const p = preloader();
  p.focus('/hls/vod/early/master.m3u8');
  p.cancel(); // what the App does on OK
  await sleep(120);
  expect(asked).toHaveLength(0);

  let release!: () => void;
  hold = new Promise<void>((r) => (release = r));
  p.preload('/hls/vod/slow/master.m3u8');
  const pending = p.take(`${base}hls/vod/slow/master.m3u8`);
  expect(pending).not.toBeNull();
  await sleep(30);
  release();
  expect((await pending)?.text).toContain('/hls/vod/slow/master.m3u8');
  expect(asked).toHaveLength(1);
});

test('a failed preload is forgotten (hls.js asks itself); an old one is not used; only the latest few are kept', async () => {
  const p = preloader({ ttlMs: 1000, maxEntries: 2 });
  p.preload('/missing/master.m3u8');
  await sleep(50);
  expect(p.take(`${base}missing/master.m3u8`)).toBeNull();

  p.preload('/hls/vod/old/master.m3u8');
  await sleep(50);
  clock += 1001;
  expect(p.take(`${base}hls/vod/old/master.m3u8`)).toBeNull();

  for (const id of ['x', 'y', 'z']) p.preload(`/hls/vod/${id}/master.m3u8`);
  await sleep(50);
  expect(p.take(`${base}hls/vod/x/master.m3u8`)).toBeNull();
  expect(await p.take(`${base}hls/vod/y/master.m3u8`)).not.toBeNull();
  expect(await p.take(`${base}hls/vod/z/master.m3u8`)).not.toBeNull();
});
