// "New segment storm": `clients` viewers ask at once for a segment the origin is still producing,
// as happens at every segment boundary of a popular live. Per viewer: time to the first body byte
// and to the whole segment; and how many requests reached the origin. nginx's proxy_cache_lock
// waiters poll every 500 ms; our edge streams its one fetch to every waiter as bytes arrive.
import http from 'node:http';
import { NEW_SEGMENT_BYTES, NEW_SEGMENT_PREFIX, type BenchUpstream } from './bench-upstream.ts';
import { percentile } from './viewer-sim/simulate.ts';

export interface StormResult {
  clients: number;
  rounds: number;
  ttfbMs: { p50: number; p95: number; max: number };
  totalMs: { p50: number; p95: number; max: number };
  originRequestsPerSegment: number;
  failures: number;
}

/** The p-th percentile of `values`, to a tenth of a millisecond. */
function pct(values: number[], p: number): number {
  return (
    Math.round(
      percentile(
        [...values].sort((a, b) => a - b),
        p,
      ) * 10,
    ) / 10
  );
}

export async function runStorm(
  serverUrl: string,
  upstream: BenchUpstream,
  label: string,
  clients: number,
  rounds: number,
): Promise<StormResult> {
  const base = new URL(serverUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const ttfb: number[] = [];
  const total: number[] = [];
  let failures = 0;
  let originRequests = 0;
  for (let round = 0; round < rounds; round++) {
    const path = `${NEW_SEGMENT_PREFIX}${label}-${round}-${Date.now()}.ts`;
    await Promise.all(
      Array.from(
        { length: clients },
        () =>
          new Promise<void>((resolve) => {
            const t0 = performance.now();
            let first = -1;
            let bytes = 0;
            const req = http.get({ host: base.hostname, port: base.port, path, agent }, (res) => {
              res.on('data', (c: Buffer) => {
                if (first < 0) first = performance.now() - t0;
                bytes += c.length;
              });
              res.on('end', () => {
                if (res.statusCode !== 200 || bytes !== NEW_SEGMENT_BYTES) failures++;
                ttfb.push(first);
                total.push(performance.now() - t0);
                resolve();
              });
            });
            req.on('error', () => {
              failures++;
              resolve();
            });
          }),
      ),
    );
    originRequests += upstream.counts.get(path) ?? 0;
  }
  agent.destroy();
  return {
    clients,
    rounds,
    ttfbMs: { p50: pct(ttfb, 50), p95: pct(ttfb, 95), max: pct(ttfb, 100) },
    totalMs: { p50: pct(total, 50), p95: pct(total, 95), max: pct(total, 100) },
    originRequestsPerSegment: originRequests / rounds,
    failures,
  };
}
