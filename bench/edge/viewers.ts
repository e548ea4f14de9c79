// N simulated players watching one live channel through a cache, as hls.js would: poll the
// media playlist every target duration, fetch each new segment once, play from a buffer.
// What a viewer observes is measured: segment time to first byte, and stalls (a segment not
// complete by the time playback reaches it). Everything runs in this process over keep-alive
// connections (a pool, not one socket per viewer, so the box's file descriptors and the load
// generator's CPU stay in bounds); it stops by itself after `durationMs`. undici's Pool is the
// client: at 10,000 viewers node:http's client was itself the bottleneck on this 2-core box.
import { Pool } from 'undici';

export interface ViewerSimOptions {
  baseUrl: string;
  playlistPath: string;
  viewers: number;
  durationMs: number;
  /** Players start this many segments behind the live edge (hls.js: 3 target durations). */
  startSegmentsBehind: number;
  maxSockets: number;
}

export interface ViewerSimResult {
  viewers: number;
  playlistRequests: number;
  segmentRequests: number;
  errors: number;
  segmentTtfbP50Ms: number;
  segmentTtfbP99Ms: number;
  stalls: number;
  /** Distinct segment paths the viewers asked for. */
  uniqueSegments: Set<string>;
}

interface Got {
  status: number;
  body: string;
  ttfbMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function simulateViewers(o: ViewerSimOptions): Promise<ViewerSimResult> {
  const pool = new Pool(o.baseUrl, { connections: o.maxSockets, pipelining: 1, keepAliveTimeout: 60_000 });
  const get = async (path: string, keepBody: boolean): Promise<Got> => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ path, method: 'GET' });
      const ttfbMs = performance.now() - t0;
      let body = '';
      if (keepBody) body = await res.body.text();
      else for await (const _chunk of res.body) void _chunk;
      return { status: res.statusCode, body, ttfbMs };
    } catch {
      return { status: 0, body: '', ttfbMs: performance.now() - t0 };
    }
  };

  const dir = o.playlistPath.slice(0, o.playlistPath.lastIndexOf('/') + 1);
  const ttfbs: number[] = [];
  const result: ViewerSimResult = {
    viewers: o.viewers,
    playlistRequests: 0,
    segmentRequests: 0,
    errors: 0,
    segmentTtfbP50Ms: 0,
    segmentTtfbP99Ms: 0,
    stalls: 0,
    uniqueSegments: new Set(),
  };
  const endAt = performance.now() + o.durationMs;

  const viewer = async () => {
    // Join spread over the first two seconds, as real audiences do at the start of a match.
    await new Promise((r) => setTimeout(r, Math.random() * 2000));
    let lastSeq = -1;
    let targetMs = 2000;
    let playStart = -1; // when playback (re)started, ms
    let playFromSeq = -1; // sequence number playing at playStart
    while (performance.now() < endAt) {
      const pollAt = performance.now();
      result.playlistRequests++;
      const pl = await get(o.playlistPath, true);
      if (pl.status !== 200) {
        result.errors++;
      } else {
        const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(pl.body)?.[1] ?? 0);
        targetMs = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(pl.body)?.[1] ?? 2) * 1000;
        const uris = pl.body.split('\n').filter((l) => l && !l.startsWith('#'));
        const first = lastSeq < 0 ? Math.max(0, uris.length - o.startSegmentsBehind) : lastSeq + 1 - seq;
        for (let i = Math.max(0, first); i < uris.length; i++) {
          const n = seq + i;
          const path = new URL(uris[i]!, `http://x${dir}`).pathname;
          result.uniqueSegments.add(path);
          result.segmentRequests++;
          const s = await get(path, false);
          if (s.status !== 200) result.errors++;
          ttfbs.push(s.ttfbMs);
          const done = performance.now();
          if (playStart < 0) {
            playStart = done;
            playFromSeq = n;
          } else {
            const due = playStart + (n - playFromSeq) * targetMs;
            if (done > due) {
              // The player ran dry: it rebuffers, then plays on from this segment.
              result.stalls++;
              playStart = done;
              playFromSeq = n;
            }
          }
          lastSeq = n;
        }
      }
      const wait = pollAt + targetMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };

  await Promise.all(Array.from({ length: o.viewers }, viewer));
  await pool.close();
  ttfbs.sort((a, b) => a - b);
  result.segmentTtfbP50Ms = percentile(ttfbs, 50);
  result.segmentTtfbP99Ms = percentile(ttfbs, 99);
  return result;
}
