// The site bench's origin: a live rendition whose window slides with the clock (a new segment
// every target duration), cacheable as the real origin makes it (segments a minute, the playlist
// half a target duration), a fixed latency before each answer (a central origin across the city),
// and a count of the requests reaching it, per path: the offload figure is read here.
import http from 'node:http';

export interface LiveOrigin {
  baseUrl: string;
  playlistPath: string;
  counts: Map<string, number>;
  /** Media sequence number of the newest segment listed now. */
  newestSequence(): number;
  /** A segment path's media sequence number (NaN for any other path). */
  sequenceOf(path: string): number;
  close(): Promise<void>;
}

export async function startLiveOrigin(o: {
  targetDurationS: number;
  segmentBytes: number;
  latencyMs: number;
}): Promise<LiveOrigin> {
  const dir = '/hls/live/site/v1';
  const windowSize = 6;
  const segment = Buffer.alloc(o.segmentBytes, 0x47);
  // Numbered on the wall clock: a later configuration of the same run never asks for a segment
  // path an earlier one left in the shared cluster.
  const newest = () => Math.floor(Date.now() / (o.targetDurationS * 1000)) - 1;
  const segmentPath = new RegExp(`^${dir}/(\\d+)\\.ts$`);
  const sequenceOf = (p: string) => Number(segmentPath.exec(p)?.[1] ?? NaN);
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    setTimeout(() => {
      if (path === `${dir}/index.m3u8`) {
        const last = newest();
        const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${o.targetDurationS}`];
        lines.push(`#EXT-X-MEDIA-SEQUENCE:${last - windowSize + 1}`);
        for (let s = last - windowSize + 1; s <= last; s++) lines.push(`#EXTINF:${o.targetDurationS}.000,`, `${s}.ts`);
        const cacheControl = `max-age=${o.targetDurationS / 2}`;
        res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': cacheControl });
        res.end(`${lines.join('\n')}\n`);
        return;
      }
      const seq = sequenceOf(path);
      if (!(seq <= newest())) {
        res.writeHead(404, { 'content-length': 0, 'cache-control': 'max-age=1' });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'video/mp2t',
        'content-length': segment.length,
        'cache-control': 'max-age=60',
      });
      res.end(segment);
    }, o.latencyMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    playlistPath: `${dir}/index.m3u8`,
    counts,
    newestSequence: newest,
    sequenceOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
