// Prometheus on Node: the edge's own metrics plus the process's (prom-client's default metrics:
// CPU, resident memory, heap, event-loop lag, GC, handles), and with `--workers N` one scrape for
// the whole edge. Under node:cluster each worker counts on its own and the kernel hands a scrape to
// any of them, so the worker that takes it asks the primary over IPC; the primary gathers every
// worker's figures (prom-client's AggregatorRegistry.clusterMetrics) and adds them up as each
// metric says (`aggregator`: counters, histograms and the tiers' gauges summed, event-loop lag
// averaged, the Node version taken once). The admin checks stay where they are: in the worker.
import cluster from 'node:cluster';
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import type { Exposition, MetricsExposer } from '../admin/metrics.ts';

const ASK = 'edge:metrics-ask';
const ANSWER = 'edge:metrics-answer';

type Ask = { type: typeof ASK; id: number };
type Answer = { type: typeof ANSWER; id: number; body?: string; error?: string };

const isAsk = (m: unknown): m is Ask => (m as Ask | null)?.type === ASK;
const isAnswer = (m: unknown): m is Answer => (m as Answer | null)?.type === ANSWER;

let processRegistry: Registry | undefined;

/** The process's default metrics, registered once per process (tests run several edges in one). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
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

/**
 * A worker of `--workers N`: a scrape answers the sum over all the workers, which the primary
 * gathers (serveClusterMetrics); meanwhile this worker answers the primary's requests for its own
 * figures. Past `timeoutMs` without the primary's answer the scrape fails rather than showing
 * this worker alone (Prometheus would read the drop as counters reset).
 */
export function clusterWorkerExposer(timeoutMs = 10_000): MetricsExposer {
  return (own) => {
    AggregatorRegistry.setRegistries([own, processMetrics()]);
    // Constructed in a worker, it makes this process answer the primary's requests for its figures.
    new AggregatorRegistry();
    const waiting = new Map<number, (answer: Answer) => void>();
    process.on('message', (m: unknown) => {
      if (isAnswer(m)) waiting.get(m.id)?.(m);
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
        const ask: Ask = { type: ASK, id };
        if (!process.send) return waiting.get(id)?.(failed(id, new Error('not a worker: no primary to ask')));
        process.send(ask, undefined, undefined, (error) => error && waiting.get(id)?.(failed(id, error)));
      });
  };
}

/** The primary of `--workers N`: answers a worker's scrape with the sum over all the workers. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, m: unknown) => {
    if (!isAsk(m)) return;
    const reply = (answer: Answer) => {
      if (worker.isConnected()) worker.send(answer);
    };
    aggregator.clusterMetrics().then(
      (body) => reply({ type: ANSWER, id: m.id, body }),
      (error: unknown) => reply(failed(m.id, error)),
    );
  });
}

function failed(id: number, error: unknown): Answer {
  return { type: ANSWER, id, error: error instanceof Error ? error.message : String(error) };
}
