// A histogram with one label for the edge's hot path (edge_response_seconds: every answer).
//
// WHY: prom-client's labelled `observe` validates and hashes its label object and keys its buckets
// by the bound's text on every call: about a tenth of a cached playlist hit's CPU (wrk, one
// process). Here each label value's series is looked up once and an observation is a bucket scan
// and three additions. Everything else is prom-client's: it registers in a prom-client Registry,
// which renders it, and `get()` gives the same values (and `sum` aggregator) as prom-client's
// Histogram, so `--workers N` scrapes add it up the same way. tests/edge/lean-histogram.test.ts
// holds the rendered text identical to prom-client's for the same observations.
import type { Registry } from 'prom-client';

interface Series {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
  /** Observed since it was made or reset: listed (prom-client lists a series from then on). */
  listed: boolean;
}

interface Value {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
  exemplar?: null;
}

export class LeanHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelName: string,
    readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // prom-client's Registry takes any object with this shape (its own metrics are no more).
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The observer of one label value's series (kept: look it up once per label value). */
  series(labelValue: string): (value: number) => void {
    const { buckets } = this;
    let target = this.#series.get(labelValue);
    if (!target) {
      target = { counts: new Float64Array(buckets.length + 1), sum: 0, count: 0, listed: false };
      this.#series.set(labelValue, target);
    }
    const series = target;
    return (value) => {
      if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
      let i = 0;
      while (i < buckets.length && value > buckets[i]!) i++;
      series.counts[i]! += 1;
      series.sum += value;
      series.count += 1;
      series.listed = true;
    };
  }

  /** As prom-client's Histogram.getForPromString: the series' label as a shared label. */
  getForPromString() {
    const values: Value[] = [];
    for (const [labelValue, series] of this.#series) {
      if (!series.listed) continue;
      const shared = { [this.labelName]: labelValue };
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += series.counts[i]!;
        values.push({
          labels: { le },
          sharedLabels: shared,
          value: cumulative,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        });
      });
      values.push(
        {
          labels: { le: '+Inf' },
          sharedLabels: shared,
          value: series.count,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        },
        { labels: {}, sharedLabels: shared, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: shared, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As prom-client's Histogram.get: labels merged (what AggregatorRegistry adds up). */
  async get() {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, ...value }) => ({
        ...value,
        labels: { ...value.labels, ...sharedLabels },
      })),
    };
  }

  reset(): void {
    // Emptied in place: the observers handed out keep writing to the same series.
    for (const series of this.#series.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
      series.listed = false;
    }
  }
}
