// The upstream both caches front during the benchmark: the real origin behind a proxy that adds
// a fixed latency (a central origin across the city's network, not on the same box) and counts
// every request that reaches it, per path — the offload figure is read here, where it happens.
// It also serves one synthetic ~1.5 MB segment (a high-bitrate rendition) for the hit-throughput
// test, because the demo ladder's own segments are smaller.
import http from 'node:http';

export interface BenchUpstream {
  url: string;
  counts: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export const BIG_SEGMENT_PATH = '/bench/segment-1500k.ts';
/** `/bench/new/<id>.ts`: a segment the encoder is still producing (see below). */
export const NEW_SEGMENT_PREFIX = '/bench/new/';
export const NEW_SEGMENT_BYTES = 1024 * 1024;
const BIG_SEGMENT = Buffer.alloc(1_500_000, 0x47); // 0x47: the MPEG-TS sync byte, for show

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function produceSlowly(res: http.ServerResponse, latencyMs: number): Promise<void> {
  await sleep(latencyMs + 100);
  res.writeHead(200, {
    'content-type': 'video/mp2t',
    'content-length': NEW_SEGMENT_BYTES,
    'cache-control': 'public, max-age=31536000, immutable',
  });
  const part = NEW_SEGMENT_BYTES / 4;
  for (let i = 0; i < 4; i++) {
    if (i > 0) await sleep(50);
    res.write(BIG_SEGMENT.subarray(0, part));
  }
  res.end();
}

export async function startBenchUpstream(originUrl: string, latencyMs: number): Promise<BenchUpstream> {
  const origin = new URL(originUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const [path = '/'] = (req.url ?? '/').split('?');
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (path.startsWith(NEW_SEGMENT_PREFIX)) {
      // The newest segment of a live encoder: headers after 100 ms, then 4 parts 50 ms apart
      // (~250 ms to produce), on top of the network latency. This is where collapsing and
      // streaming to every waiter as bytes arrive show (nginx's lock waiters poll every 500 ms).
      void produceSlowly(res, latencyMs);
      return;
    }
    setTimeout(() => {
      if (path === BIG_SEGMENT_PATH) {
        res.writeHead(200, {
          'content-type': 'video/mp2t',
          'content-length': BIG_SEGMENT.length,
          'cache-control': 'public, max-age=31536000, immutable',
        });
        res.end(BIG_SEGMENT);
        return;
      }
      const headers = { ...req.headers, host: origin.host };
      delete headers.connection;
      const up = http.request(
        { host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers, agent },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    }, latencyMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts,
    reset: () => counts.clear(),
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
