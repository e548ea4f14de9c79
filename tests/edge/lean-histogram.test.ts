// The edge's hot-path histogram (edge/admin/lean-histogram.ts) held to prom-client's Histogram:
// the same observations render the same text in a Registry, and give the same values to the
// AggregatorRegistry that sums `--workers N` scrapes.
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { LeanHistogram } from '../../edge-origin/src/edge/admin/lean-histogram.ts';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const observation = fc.record({
  cache: fc.constantFrom('HIT', 'MISS', 'STALE', 'PASS'),
  seconds: fc.oneof(fc.constantFrom(0, ...BUCKETS, 11), fc.double({ min: 0, max: 20, noNaN: true })),
});

function both() {
  const library = new Registry();
  const lean = new Registry();
  const theirs = new Histogram({
    name: 'edge_response_seconds',
    help: 'Time to headers',
    labelNames: ['cache'],
    buckets: BUCKETS,
    registers: [library],
  });
  const ours = new LeanHistogram('edge_response_seconds', 'Time to headers', 'cache', BUCKETS, lean);
  return { library, lean, theirs, ours };
}

test('the same observations render the same text as prom-client, and aggregate the same', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
      const { library, lean, theirs, ours } = both();
      const series = new Map<string, (v: number) => void>();
      for (const { cache, seconds } of observations) {
        theirs.labels(cache).observe(seconds);
        if (!series.has(cache)) series.set(cache, ours.series(cache));
        series.get(cache)!(seconds);
      }
      expect(await lean.metrics()).toBe(await library.metrics());
      const summed = async (registry: Registry) =>
        AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), await registry.getMetricsAsJSON()]).metrics();
      expect(await summed(lean)).toBe(await summed(library));
    }),
    { numRuns: 200 },
  );
});

test('a series is listed from its first observation; reset empties it; a bad value is refused', async () => {
  const { library, lean, theirs, ours } = both();
  const hit = ours.series('HIT');
  theirs.labels('HIT');
  expect(await lean.metrics()).toBe(await library.metrics()); // no observation: no series
  hit(0.003);
  theirs.labels('HIT').observe(0.003);
  expect(await lean.metrics()).toBe(await library.metrics());
  expect(await lean.metrics()).toContain('edge_response_seconds_bucket{le="0.005",cache="HIT"} 1');
  ours.reset();
  theirs.reset();
  hit(0.2);
  theirs.labels('HIT').observe(0.2);
  expect(await lean.metrics()).toBe(await library.metrics());
  expect(() => hit(Number.NaN)).toThrow(TypeError);
});
