// A stand-in origin for the benchmark: segments that take time to produce (like a live encoder's
// newest segment), and a hot object; it counts requests per path.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchOrigin {
  url: string;
  count(path: string): number;
  close(): Promise<void>;
}

const SEGMENT_BYTES = 1024 * 1024;
const segment = new Uint8Array(SEGMENT_BYTES).map((_, i) => i & 0xff);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `/new/<id>.ts`: headers after `firstByteMs`, then 4 parts `partGapMs` apart. `/hot.ts`: at once. */
export async function startBenchOrigin(firstByteMs = 100, partGapMs = 50): Promise<BenchOrigin> {
  const counts = new Map<string, number>();
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: async (req) => {
          const path = new URL(req.url).pathname;
          counts.set(path, (counts.get(path) ?? 0) + 1);
          const headers = { 'content-type': 'video/mp2t', 'cache-control': 'max-age=60', 'content-length': String(SEGMENT_BYTES) };
          if (path === '/hot.ts') return new Response(segment, { headers });
          if (!path.startsWith('/new/')) return new Response('not found', { status: 404 });
          await sleep(firstByteMs);
          const quarter = SEGMENT_BYTES / 4;
          let part = 0;
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              if (part > 0) await sleep(partGapMs);
              controller.enqueue(segment.subarray(part * quarter, (part + 1) * quarter));
              if (++part === 4) controller.close();
            },
          });
          return new Response(body, { headers });
        },
      },
      () => resolve(s as Server),
    ) as Server;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (p) => counts.get(p) ?? 0,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
