// Prometheus on Node: the edge's own metrics plus the process's (prom-client's default metrics:
// CPU, resident memory, heap, event-loop lag, GC, handles), and with `--workers N` one scrape for
// the whole edge. Under node:cluster each worker counts on its own and the kernel hands a scrape to
// any of them, so the worker that takes it asks the primary over IPC; the primary collects every
// listening worker's figures and adds them up with prom-client's AggregatorRegistry.aggregate, as
// each metric says (`aggregator`: counters, histograms and the tiers' gauges summed, event-loop lag
// averaged, the Node version taken once). The admin checks stay where they are: in the worker.
//
// The primary asks only the workers that listen (not prom-client's clusterMetrics, which asks
// every forked worker): one still loading, after a crash or at start, has served nothing and
// would drop the message, failing every scrape until its timeout.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import type { Exposition, MetricsExposer } from '../admin/metrics.ts';

/** worker → primary: a scrape; primary → worker: the sum, or why not. */
const ASK = 'edge:metrics-ask';
const ANSWER = 'edge:metrics-answer';
/** primary → worker: your figures, please; worker → primary: here they are. */
const COLLECT = 'edge:metrics-collect';
const FIGURES = 'edge:metrics-figures';

type Ask = { type: typeof ASK; id: number };
type Answer = { type: typeof ANSWER; id: number; body?: string; error?: string };
type Collect = { type: typeof COLLECT; id: number };
type Figures = { type: typeof FIGURES; id: number; metrics?: object[]; error?: string };

const is =
  <T extends { type: string }>(type: T['type']) =>
  (m: unknown): m is T =>
    (m as T | null)?.type === type;
const isAsk = is<Ask>(ASK);
const isAnswer = is<Answer>(ANSWER);
const isCollect = is<Collect>(COLLECT);
const isFigures = is<Figures>(FIGURES);

let processRegistry: Registry | undefined;
/**
 * How often the event-loop lag is sampled. prom-client's default (10 ms) wakes an idle edge 100
 * times a second, a cost nginx does not have (README, Benchmarks); a stall still shows, as one
 * late sample, at any period.
 */
const LOOP_LAG_SAMPLE_MS = 100;

/** The process's default metrics, registered once per process (tests run several edges in one). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: LOOP_LAG_SAMPLE_MS });
  }
  return processRegistry;
}

/** One edge process on its own: its metrics and the process's. */
export const processExposer: MetricsExposer = (own) => {
  const registries = [own, processMetrics()];
  return async () => {
    const merged = Registry.merge(registries);
    return { contentType: merged.contentType, body: await merged.metrics() };
  };
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A worker of `--workers N`: a scrape answers the sum over the workers, which the primary gathers
 * (serveClusterMetrics); meanwhile this worker gives the primary its own figures when asked. Past
 * `timeoutMs` without the primary's answer the scrape fails rather than showing this worker alone
 * (Prometheus would read the drop as counters reset).
 */
export function clusterWorkerExposer(timeoutMs = 10_000): MetricsExposer {
  return (own) => {
    const registries = [own, processMetrics()];
    const send = (m: Figures | Ask) => process.send?.(m);
    const waiting = new Map<number, (answer: Answer) => void>();
    process.on('message', (m: unknown) => {
      if (isAnswer(m)) waiting.get(m.id)?.(m);
      else if (isCollect(m))
        Promise.all(registries.map((r) => r.getMetricsAsJSON())).then(
          (metrics) => send({ type: FIGURES, id: m.id, metrics }),
          (error: unknown) => send({ type: FIGURES, id: m.id, error: message(error) }),
        );
    });
    let next = 0;
    return () =>
      new Promise<Exposition>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the primary did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (answer) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (answer.body !== undefined) resolve({ contentType: Registry.PROMETHEUS_CONTENT_TYPE, body: answer.body });
          else reject(new Error(answer.error ?? 'no answer'));
        });
        if (!process.send) return waiting.get(id)?.({ type: ANSWER, id, error: 'not a worker: no primary to ask' });
        send({ type: ASK, id });
      });
  };
}

/** A registry's figures as getMetricsAsJSON gives them (what the aggregation reads of each). */
type MetricJson = { type?: string; aggregator?: string };

/** The figures that only ever grow: counters and histograms, summed across workers. */
function cumulative(registries: object[]): object[] {
  return registries.map((metrics) =>
    (metrics as MetricJson[]).filter(
      (m) => (m.type === 'counter' || m.type === 'histogram') && (m.aggregator ?? 'sum') === 'sum',
    ),
  );
}

/**
 * The primary of `--workers N`: answers a worker's scrape with the sum over `listening()` (the
 * workers serving now), each asked for its figures; one that does not answer within `timeoutMs`
 * fails the scrape. A worker that exits leaves its counters and histograms, as last collected, in
 * the sum: without them the sum would drop, which Prometheus reads as a reset of every counter
 * (rate() would count the survivors' totals again). What it counted after that collection is lost.
 */
export function serveClusterMetrics(listening: () => Worker[], timeoutMs = 5_000): void {
  const collecting = new Map<number, (figures: Figures) => void>();
  /** Each live worker's figures as last collected; the exited ones' counters and histograms. */
  const lastFigures = new Map<number, object[]>();
  const retired: object[] = [];
  let next = 0;
  cluster.on('exit', (worker) => {
    const figures = lastFigures.get(worker.id);
    lastFigures.delete(worker.id);
    if (figures) retired.push(...cumulative(figures));
  });

  function gather(workers: Worker[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const id = next++;
      const figures: object[] = [];
      let pending = workers.length;
      const timer = setTimeout(() => {
        collecting.delete(id);
        reject(new Error(`${pending} of ${workers.length} workers did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const end = (outcome: () => void) => {
        clearTimeout(timer);
        collecting.delete(id);
        // An aggregation error fails this scrape, never the primary (it runs in an IPC handler).
        try {
          outcome();
        } catch (error) {
          reject(error);
        }
      };
      collecting.set(id, (m) => {
        if (m.error !== undefined || !m.metrics) return end(() => reject(new Error(m.error ?? 'no figures')));
        figures.push(...m.metrics);
        if (--pending === 0) end(() => resolve(AggregatorRegistry.aggregate([...figures, ...retired]).metrics()));
      });
      if (pending === 0) return end(() => resolve(AggregatorRegistry.aggregate(retired).metrics()));
      for (const worker of workers) worker.send({ type: COLLECT, id } satisfies Collect);
    });
  }

  cluster.on('message', (worker, m: unknown) => {
    if (isFigures(m)) {
      if (m.metrics) lastFigures.set(worker.id, m.metrics);
      return void collecting.get(m.id)?.(m);
    }
    if (!isAsk(m)) return;
    const reply = (answer: Answer) => {
      if (worker.isConnected()) worker.send(answer);
    };
    gather(listening().filter((w) => w.isConnected())).then(
      (body) => reply({ type: ANSWER, id: m.id, body }),
      (error: unknown) => reply({ type: ANSWER, id: m.id, error: message(error) }),
    );
  });
}
