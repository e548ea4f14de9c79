// LL-HLS through the edge (RFC 8216bis): blocking playlist reloads collapsed per (playlist, msn,
// part, skip) into one upstream request whose answer every waiter gets, kept for latecomers as
// long as the origin says, with an Age that does not count the origin's hold; a reload for a part
// the edge already holds answered from cache; the edge's own timeout never cutting a hold the
// spec allows; a preload-hinted part streamed to every waiter as its bytes arrive; and the cache
// key (directives kept in one order, CMCD dropped). The upstream is a controllable one on
// loopback that holds blocking reloads until the test lets them go.
import http from 'node:http';
import { startUpstream, gate, type TestUpstream } from '../support/upstream.ts';
import { startEdge, manualClock, type StartedEdge } from '../support/edge.ts';
import { primaryKey } from '../../edge-origin/src/edge/cache/key.ts';
import { containsPart, scanPlaylist } from '../../edge-origin/src/edge/hls/playlist.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const PARTS_PER_SEGMENT = 4;

/**
 * A live LL-HLS media playlist (target duration 2 s, 4 parts of 0.5 s a segment) as it is once
 * part `part` of segment `msn` exists: segments before `msn` complete, their last two with their
 * parts listed, then the parts of `msn` so far and the hint of the next one.
 */
function llPlaylist(msn: number, part: number, { first = msn - 4 } = {}): string {
  let text = '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n';
  text +=
    '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5,CAN-SKIP-UNTIL=12\n#EXT-X-PART-INF:PART-TARGET=0.5\n';
  text += `#EXT-X-MEDIA-SEQUENCE:${first}\n`;
  for (let s = first; s < msn; s++) {
    if (s >= msn - 2)
      for (let p = 0; p < PARTS_PER_SEGMENT; p++) text += `#EXT-X-PART:DURATION=0.5,URI="${s}.${p}.m4s"\n`;
    text += `#EXTINF:2.0,\n${s}.m4s\n`;
  }
  for (let p = 0; p <= part; p++) text += `#EXT-X-PART:DURATION=0.5,URI="${msn}.${p}.m4s"\n`;
  const next = part + 1 < PARTS_PER_SEGMENT ? `${msn}.${part + 1}` : `${msn + 1}.0`;
  return `${text}#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${next}.m4s"\n`;
}

const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cache key', () => {
  const key = (target: string) => primaryKey(new URL(target, 'http://edge.test'));

  it('keeps the delivery directives, in one order after the other parameters, and drops CMCD', () => {
    expect(key('/v1/index.m3u8?_HLS_part=2&_HLS_msn=10')).toBe('/v1/index.m3u8?_HLS_msn=10&_HLS_part=2');
    expect(key('/v1/index.m3u8?_HLS_skip=YES&_HLS_part=2&CMCD=bl%3D2000&_HLS_msn=10')).toBe(
      '/v1/index.m3u8?_HLS_msn=10&_HLS_part=2&_HLS_skip=YES',
    );
    expect(key('/v1/index.m3u8?_HLS_skip=v2')).toBe('/v1/index.m3u8?_HLS_skip=v2');
    // Other parameters keep their order and their encoding (a signed query must stay as signed).
    expect(key('/v1/index.m3u8?_HLS_msn=3&token=a%2Fb&exp=9')).toBe('/v1/index.m3u8?token=a%2Fb&exp=9&_HLS_msn=3');
    expect(key('/v1/index.m3u8?CMCD=sid%3D%22x%22')).toBe('/v1/index.m3u8');
    expect(key('/v1/1.m4s?CMCD=sid%3D%22x%22&b=2')).toBe('/v1/1.m4s?b=2');
    // Different parts, different keys.
    expect(key('/v1/index.m3u8?_HLS_msn=10&_HLS_part=2')).not.toBe(key('/v1/index.m3u8?_HLS_msn=10&_HLS_part=3'));
    expect(key('/v1/index.m3u8?_HLS_msn=10&_HLS_part=2')).not.toBe(
      key('/v1/index.m3u8?_HLS_msn=10&_HLS_part=2&_HLS_skip=YES'),
    );
  });
});

describe('playlist facts for blocking reloads', () => {
  it('knows which parts a playlist holds', () => {
    const facts = scanPlaylist(llPlaylist(20, 1))!;
    expect([facts.nextMsn, facts.partsOfNext, facts.partsOfLast]).toEqual([20, 2, 4]);
    expect(facts.parts).toContain('20.2.m4s'); // the preload hint
    expect(containsPart(facts, 20, 1)).toBe(true);
    expect(containsPart(facts, 20, 2)).toBe(false);
    expect(containsPart(facts, 19, undefined)).toBe(true);
    expect(containsPart(facts, 20, undefined)).toBe(false);
    expect(containsPart(facts, 19, 3)).toBe(true);
    expect(containsPart(facts, 21, 0)).toBe(false);
    // A delta update: the skipped segments count.
    const delta = scanPlaylist(
      '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-SKIP:SKIPPED-SEGMENTS=5\n#EXTINF:2.0,\n15.m4s\n#EXT-X-PART:DURATION=0.5,URI="16.0.m4s"\n',
    )!;
    expect([delta.nextMsn, delta.partsOfNext]).toEqual([16, 1]);
  });
});

describe('blocking playlist reloads through the edge', () => {
  let upstream: TestUpstream;
  let edge: StartedEdge;
  const clock = manualClock(Math.floor(Date.now() / 1000));
  /** Set by a test: what a blocking reload waits for at the upstream before it is answered. */
  let hold: (msn: number, part: number) => Promise<unknown> = async () => {};
  const plain = { msn: 20, part: 1 };
  const PLAYLIST = '/hls/live/ll/v1/index.m3u8';

  beforeAll(async () => {
    upstream = await startUpstream({ now: clock.now });
    upstream.on(PLAYLIST, async (req) => {
      const q = new URL(req.url).searchParams;
      if (!q.has('_HLS_msn'))
        return {
          headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=1' },
          body: llPlaylist(plain.msn, plain.part),
        };
      const msn = Number(q.get('_HLS_msn'));
      const part = Number(q.get('_HLS_part') ?? PARTS_PER_SEGMENT - 1);
      await hold(msn, part);
      // The spec's caching appendix: a blocking reload's answer may be kept six target durations.
      return {
        headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=12' },
        body: llPlaylist(msn, part),
      };
    });
    edge = await startEdge({ upstreamUrl: upstream.url }, { now: clock.now });
  });
  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  const upstreamAsked = (query: string) => upstream.requests.filter((r) => r.url === PLAYLIST + query).length;
  const participants = (query: string) => edge.edge.context.inflight.get(PLAYLIST + query)?.participants ?? 0;
  async function get(target: string) {
    const res = await fetch(edge.url + target);
    return {
      status: res.status,
      cache: res.headers.get('x-cache'),
      age: res.headers.get('age'),
      body: await res.text(),
    };
  }

  it('sends 50 viewers waiting on one part to the origin once, answers them all, and keeps the answer for latecomers', async () => {
    // The plain playlist first, as a player starts: the rendition is watched (prefetch on).
    expect((await get(PLAYLIST)).status).toBe(200);
    const query = '?_HLS_msn=21&_HLS_part=0';
    const released = gate();
    hold = async (msn, part) => {
      if (msn !== 21 || part !== 0) return;
      // Held until every viewer has joined, and at least 2 s; 4 s pass on the edge's clock.
      await until('50 viewers waiting', () => participants(query) === 50);
      await sleep(2000);
      clock.advance(4);
      released.open();
    };
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        get(PLAYLIST + (i % 2 ? query : `?_HLS_part=0&_HLS_msn=21&CMCD=sid%3D%22v${i}%22`)),
      ),
    );
    await released.promise;
    expect(upstreamAsked(query)).toBe(1);
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((a) => a.body))).toEqual(new Set([llPlaylist(21, 0)]));
    expect(answers.filter((a) => a.cache === 'MISS')).toHaveLength(1);
    expect(answers.filter((a) => a.cache === 'COLLAPSED')).toHaveLength(49);
    // New when the origin let it go: the 4 s it was held are not its age.
    expect(new Set(answers.map((a) => a.age))).toEqual(new Set(['0']));

    // A latecomer for the same part: from the cache, aged from the answer.
    clock.advance(1);
    const late = await get(PLAYLIST + query);
    expect([late.cache, late.age, late.body]).toEqual(['HIT', '1', llPlaylist(21, 0)]);
    // Kept as long as the origin says (12 s), not a live playlist's half target duration, and
    // never refreshed ahead: asking again would only ask for the same part.
    clock.advance(6);
    const later = await get(PLAYLIST + query);
    expect([later.cache, later.age]).toEqual(['HIT', '7']);
    expect(edge.edge.context.inflight.has(PLAYLIST + query)).toBe(false);
    expect(upstreamAsked(query)).toBe(1);
    // Nor does its answer start a prefetch of the segment it completes (players ask for parts).
    expect(upstream.count('/hls/live/ll/v1/20.m4s')).toBe(0);
  });

  it('asks the origin once per part: viewers of different parts are different requests', async () => {
    const queries = ['?_HLS_msn=22&_HLS_part=1', '?_HLS_msn=22&_HLS_part=2'];
    // Both upstream requests wait for the same moment: every viewer of both parts waiting.
    let joined: Promise<void> | undefined;
    hold = (msn) =>
      msn !== 22
        ? Promise.resolve()
        : (joined ??= until(
            '10 viewers on each part',
            () => participants(itemAt(queries, 0)) === 10 && participants(itemAt(queries, 1)) === 10,
          ));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => get(PLAYLIST + queries[i % 2])));
    expect(queries.map(upstreamAsked)).toEqual([1, 1]);
    expect(answers.filter((_, i) => i % 2 === 0).every((a) => a.body === llPlaylist(22, 1))).toBe(true);
    expect(answers.filter((_, i) => i % 2 === 1).every((a) => a.body === llPlaylist(22, 2))).toBe(true);
  });

  it('answers a reload for a part it already holds from its newest playlist, without asking the origin', async () => {
    const before = upstream.requests.length;
    // 22.2 is held (previous test): 22.0, 21.3 and the whole segment 21 are in it.
    for (const query of ['?_HLS_msn=22&_HLS_part=0', '?_HLS_msn=21&_HLS_part=3', '?_HLS_msn=21']) {
      const res = await get(PLAYLIST + query);
      expect([query, res.status, res.cache, res.body]).toEqual([query, 200, 'HIT', llPlaylist(22, 2)]);
    }
    expect(upstream.requests.length).toBe(before);
    // A part it does not hold yet goes to the origin.
    hold = async () => {};
    const next = await get(`${PLAYLIST}?_HLS_msn=22&_HLS_part=3`);
    expect([next.cache, next.body]).toEqual(['MISS', llPlaylist(22, 3)]);
    expect(upstreamAsked('?_HLS_msn=22&_HLS_part=3')).toBe(1);
  });
});

describe('a held reload the origin gives up on', () => {
  let upstream: TestUpstream;
  let edge: StartedEdge;
  beforeAll(async () => {
    upstream = await startUpstream();
    edge = await startEdge({ upstreamUrl: upstream.url });
  });
  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  it('answers every viewer waiting on it: a 503 the first time, its waiters ask again', async () => {
    const p = '/hls/live/gaveup/v1/index.m3u8';
    const query = '?_HLS_msn=9&_HLS_part=0';
    const waiting = () => edge.edge.context.inflight.get(p + query)?.participants ?? 0;
    upstream.on(p, async (_req, n) => {
      if (n > 1)
        return {
          headers: { 'cache-control': 'max-age=12', 'content-length': '60' },
          body: llPlaylist(9, 0).slice(0, 60),
        };
      await until('10 viewers waiting', () => waiting() === 10);
      return { status: 503, headers: { 'cache-control': 'no-store' }, body: 'not within three target durations' };
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => fetch(edge.url + p + query).then((r) => r.status)),
    );
    // The first viewer gets the origin's 503; the others, for whom it was not a shareable answer,
    // asked again, together: one more request, and the playlist.
    expect([...answers].sort((a, b) => a - b)).toEqual([...Array(9).fill(200), 503]);
    expect(upstream.count(p)).toBe(2);
  });
});

describe('timeouts', () => {
  let upstream: TestUpstream;
  let edge: StartedEdge;
  beforeAll(async () => {
    upstream = await startUpstream();
    edge = await startEdge({ upstreamUrl: upstream.url, upstreamFirstByteTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  it('lets the origin hold a blocking reload for up to three target durations, past its usual first-byte timeout', async () => {
    const p = '/hls/live/slow/v1/index.m3u8';
    upstream.on(p, async (req) => {
      // Held 2 s: more than the edge's 1 s first-byte timeout, less than 3 × 1 s target duration.
      if (new URL(req.url).searchParams.has('_HLS_msn')) await sleep(2000);
      return {
        headers: { 'cache-control': 'max-age=6' },
        body: '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:5\n#EXTINF:1.0,\n5.m4s\n',
      };
    });
    expect((await fetch(edge.url + p)).status).toBe(200);
    const held = await fetch(`${edge.url}${p}?_HLS_msn=6`);
    expect([held.status, held.headers.get('x-cache')]).toEqual([200, 'MISS']);
    // The same wait on anything else is cut by the first-byte timeout.
    upstream.on('/slow.txt', async () => {
      await sleep(2000);
      return { body: 'late' };
    });
    expect((await fetch(`${edge.url}/slow.txt`)).status).toBe(504);
  });
});

describe('preload-hinted parts', () => {
  let upstream: TestUpstream;
  let edge: StartedEdge;
  beforeAll(async () => {
    upstream = await startUpstream();
    edge = await startEdge({ upstreamUrl: upstream.url });
  });
  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  it('fetches a hinted part once and streams it to every waiter as its bytes arrive', async () => {
    const p = '/hls/live/ll/v1/23.0.m4s';
    const produced = gate();
    const finished = gate();
    // Asked before it exists (the hint): the origin holds the request, then sends the part as
    // the packager writes it, without a Content-Length.
    upstream.on(p, {
      delay: produced.promise,
      headers: { 'content-type': 'video/mp4', 'cache-control': 'max-age=12' },
      body: ['moof-and-first-samples', { wait: finished.promise }, '-the-rest'],
    });
    const viewers = Array.from({ length: 20 }, () => {
      const seen = { first: '', body: '', ended: false, status: 0 };
      const done = new Promise<void>((resolve, reject) => {
        http
          .get(edge.url + p, { agent: false }, (res) => {
            seen.status = res.statusCode ?? 0;
            res.on('data', (c: Buffer) => {
              seen.body += c.toString();
              if (!seen.first) seen.first = seen.body;
            });
            res.on('end', () => {
              seen.ended = true;
              resolve();
            });
          })
          .on('error', reject);
      });
      return { seen, done };
    });
    await until('20 viewers waiting for the part', () => (edge.edge.context.inflight.get(p)?.participants ?? 0) === 20);
    produced.open();
    // Every viewer has the first bytes while the origin is still producing the rest.
    await until('first bytes at every viewer', () => viewers.every((v) => v.seen.body.length > 0));
    expect(viewers.map((v) => [v.seen.first, v.seen.ended])).toEqual(Array(20).fill(['moof-and-first-samples', false]));
    finished.open();
    await Promise.all(viewers.map((v) => v.done));
    expect(viewers.map((v) => [v.seen.status, v.seen.body])).toEqual(
      Array(20).fill([200, 'moof-and-first-samples-the-rest']),
    );
    expect(upstream.count(p)).toBe(1);
    // Stored: the next viewer is a hit.
    expect((await fetch(edge.url + p)).headers.get('x-cache')).toBe('HIT');
    expect(upstream.count(p)).toBe(1);
  });
});
