// #15: one Prometheus scrape for the whole edge. The real `npm run edge` entry point as a process,
// with `--workers 2` (node:cluster: the kernel hands each connection to either worker) and with
// one; a counting upstream behind it. Whichever worker takes the scrape, it shows the sum over the
// workers: every viewer's answer counted once, in the counters and in the response-time
// histogram, the upstream requests the upstream itself counted, and the process's default metrics;
// a worker killed and replaced takes nothing away from the counters.
import path from 'node:path';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { rawRequest } from '../support/edge.ts';
import { childrenOf, plainEnv, ROOT, startNode, type Running } from '../support/built.ts';

let upstream: TestUpstream;
const running: Running[] = [];
let attempts = 0;

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await upstream.close();
});

async function spawnEdge(args: string[]): Promise<Running> {
  const edge = await startNode(
    ['--import', 'tsx', path.join(ROOT, 'edge-origin/src/bin/edge.node.ts'), ...args],
    plainEnv({ UPSTREAM_URL: upstream.url, EDGE_PORT: '0', EDGE_ACCESS_LOG: 'false' }),
  );
  running.push(edge);
  return edge;
}

/** The value of every sample of `name` (labels ignored), summed; undefined when there is none. */
function total(text: string, name: string): number | undefined {
  const values = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
}

/** Scrapes until `workers` workers listen (the primary announces the first; the others may be
 * loading still on a busy box); the last scrape's text. */
async function untilWorkers(edge: Running, workers: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await scrape(edge.url);
    if (total(text, 'edge_workers') === workers) return text;
    if (Date.now() > deadline) throw new Error(`${workers} workers not listening within 60 s:\n${edge.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A scrape on a connection of its own (so either worker may take it). */
async function scrape(url: string): Promise<string> {
  const answer = await rawRequest(`${url}/_edge/metrics`);
  expect(answer.status).toBe(200);
  return answer.body.toString();
}

describe.each([
  { workers: 2, args: ['--workers', '2'] },
  { workers: 1, args: [] },
])('/_edge/metrics with $workers worker(s)', ({ workers, args }) => {
  it('one scrape shows every answer, summed over the workers, with the process metrics', async () => {
    const object = `/metrics-${workers}-${++attempts}/segment.ts`; // a retry counts from zero
    upstream.on(object, { headers: { 'cache-control': 'max-age=600' }, body: 'x'.repeat(1000) });
    const edge = await spawnEdge(args);
    // At once, while another worker may still be loading: it has served nothing, the scrape answers.
    expect(total(await scrape(edge.url), 'edge_requests_total') ?? 0).toBe(0);
    await untilWorkers(edge, workers);
    const n = 24;
    // One connection per request: each goes to whichever worker accepts it from the shared socket.
    for (let i = 0; i < n; i++) {
      const answer = await rawRequest(`${edge.url}${object}`);
      expect(answer.status).toBe(200);
    }
    // Several scrapes, each on its own connection, so both workers take some: each shows the sum.
    for (let i = 0; i < 4; i++) {
      const text = await scrape(edge.url);
      expect(total(text, 'edge_workers')).toBe(workers);
      expect(total(text, 'edge_requests_total')).toBe(n);
      expect(total(text, 'edge_response_seconds_count')).toBe(n);
      expect(total(text, 'edge_bytes_served_total')).toBe(n * 1000);
      // Without Redis each worker fetched the object alone: the sum is what the upstream counted.
      expect(total(text, 'edge_upstream_requests_total')).toBe(upstream.count(object));
      expect(text).toMatch(/^edge_response_seconds_bucket\{le="0\.001",cache="HIT"\} \d+$/m);
      // The process's default metrics (prom-client), over all the workers' processes.
      expect(total(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(total(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect(text).toContain('nodejs_heap_size_used_bytes');
    }
    expect(upstream.count(object)).toBeGreaterThanOrEqual(1);
    expect(upstream.count(object)).toBeLessThanOrEqual(workers);
    if (workers < 2) return;

    // A worker dies (SIGKILL) and the primary starts another: the counts it had stay in the sum,
    // so the counters never go down (Prometheus would read a drop as a reset).
    const [victim] = childrenOf(edge.child.pid!);
    process.kill(victim!, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    while (!/starting another/.test(edge.output())) {
      if (Date.now() > deadline) throw new Error(`the primary did not replace the worker:\n${edge.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const text = await untilWorkers(edge, 2);
    expect(childrenOf(edge.child.pid!)).not.toContain(victim);
    expect(total(text, 'edge_requests_total')).toBe(n);
    expect(total(text, 'edge_response_seconds_count')).toBe(n);
    expect(total(text, 'edge_bytes_served_total')).toBe(n * 1000);
  }, 180_000);
});
