// A trivially simple live HLS server, to check the viewer simulation itself: a media playlist
// whose window slides with the clock (a new `targetDurationS` segment every target duration),
// and small in-memory segments. `segmentDelayMs` makes it deliberately slow, so a test can see
// the stall counter count; with no delay it is as fast as loopback gets, so it must count none.
// The playlist is sent chunked and segments with a Content-Length: both framings get exercised.
import http from 'node:http';

export interface FakeLiveOptions {
  targetDurationS?: number;
  windowSize?: number;
  segmentBytes?: number;
  /** Delay before a segment's response starts. */
  segmentDelayMs?: number;
}

export interface FakeLiveServer {
  baseUrl: string;
  playlistPath: string;
  /** Requests served, by path. */
  counts: Map<string, number>;
  close(): Promise<void>;
}

export async function startFakeLiveServer(o: FakeLiveOptions = {}): Promise<FakeLiveServer> {
  const target = o.targetDurationS ?? 1;
  const windowSize = o.windowSize ?? 6;
  const segment = Buffer.alloc(o.segmentBytes ?? 20_000, 0x47);
  // Sequence 100 was published at start minus a full window, so the playlist is full at once.
  const epoch = Date.now() - (windowSize + 100) * target * 1000;
  const newest = () => Math.floor((Date.now() - epoch) / (target * 1000)) - 1;
  const counts = new Map<string, number>();
  const delayed = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (path === '/live/index.m3u8') {
      const last = newest();
      const first = last - windowSize + 1;
      const lines = [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        `#EXT-X-TARGETDURATION:${target}`,
        `#EXT-X-MEDIA-SEQUENCE:${first}`,
      ];
      for (let s = first; s <= last; s++) lines.push(`#EXTINF:${target.toFixed(3)},`, `${s}.ts`);
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=0' });
      res.end(`${lines.join('\n')}\n`); // no Content-Length: Node sends it chunked
      return;
    }
    const m = /^\/live\/(\d+)\.ts$/.exec(path);
    if (!m || Number(m[1]) > newest()) {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
      return;
    }
    const send = () => {
      res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': segment.length });
      res.end(segment);
    };
    if (!o.segmentDelayMs) return send();
    const timer = setTimeout(() => {
      delayed.delete(timer);
      send();
    }, o.segmentDelayMs);
    delayed.add(timer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    playlistPath: '/live/index.m3u8',
    counts,
    close: () =>
      new Promise((r) => {
        delayed.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
