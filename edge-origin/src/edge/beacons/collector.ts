// Beacons collected at the edge. An ad break makes every TV report each spot's start, quartiles
// and end at the same moments: thousands of GETs answered 204, cached by nobody, each one a
// request upstream (a connection, a round trip, the origin's work) while viewers' playlists wait
// on the same event loop. The edge answers them itself and sends them on in batches, one POST
// per `beaconFlushMs` (Akamai's and Fastly's log and beacon collection work alike): the origin
// counts them as if they had come one by one (the tracking it does is idempotent, so a batch
// sent twice after a failure counts once). An origin that fails or is away keeps the batch
// here: it is sent again, with backoff, until it is taken — impressions outlive an outage.
// Bounded: past `beaconQueueMax` waiting, beacons pass through as before (proxy/pass-through.ts).
import type { EdgeConfig } from '../config.ts';

/** What the edge sends: each beacon's request target (path and query) and when it came. */
export interface BeaconBatch {
  beacons: { target: string; at: string }[];
}

/** What the origin answers a batch with: how many of each outcome (its business, logged only). */
export type BatchOutcome = Record<string, number>;

export interface CollectorHost {
  config: EdgeConfig;
  /** Sends one batch upstream; resolves to the upstream's answer (throws when unreachable). */
  send(batch: BeaconBatch): Promise<Response>;
  log(line: Record<string, unknown>): void;
  /** Counted by outcome: 'collected', 'sent', 'refused' (an upstream 4xx: the batch is dropped). */
  count(outcome: 'collected' | 'sent' | 'refused', n: number): void;
  /** The number waiting, after each change. */
  waiting(n: number): void;
}

export class BeaconCollector {
  private readonly queue: { target: string; at: string }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly host: CollectorHost) {}

  /** Whether this request is a beacon to collect now (a GET under a beacon prefix, room in the queue). */
  takes(method: string, path: string): boolean {
    const { beaconPrefixes, beaconQueueMax } = this.host.config;
    return (
      method === 'GET' &&
      !this.closed &&
      this.queue.length < beaconQueueMax &&
      beaconPrefixes.some((prefix) => path.startsWith(prefix))
    );
  }

  /** Keeps one beacon (its path and query) for the next batch. */
  collect(target: string, atMs: number): void {
    this.queue.push({ target, at: new Date(atMs).toISOString() });
    this.host.count('collected', 1);
    this.host.waiting(this.queue.length);
    this.schedule(this.host.config.beaconFlushMs);
  }

  get size(): number {
    return this.queue.length;
  }

  /** Sends what waits now, batch after batch, until empty or an upstream failure. */
  async flush(): Promise<void> {
    if (this.sending) return this.sending;
    this.sending = this.drain().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  /** No more beacons taken; what waits is sent once more, for at most `deadlineMs`. */
  async close(deadlineMs = 5000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.queue.length === 0) return;
    await Promise.race([this.flush(), new Promise((resolve) => setTimeout(resolve, deadlineMs))]);
    if (this.queue.length > 0)
      this.host.log({ level: 'warn', msg: 'beacons: not sent at close', count: this.queue.length });
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async drain(): Promise<void> {
    const { beaconBatchMax } = this.host.config;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, beaconBatchMax);
      let status: number;
      try {
        const response = await this.host.send({ beacons: batch });
        status = response.status;
        await response.body?.cancel().catch(() => {});
      } catch (error) {
        this.retryLater(String(error));
        return;
      }
      if (status >= 500 || status === 429 || status === 408) {
        this.retryLater(`upstream answered ${status}`);
        return;
      }
      this.queue.splice(0, batch.length);
      this.host.waiting(this.queue.length);
      this.failures = 0;
      if (status >= 400) {
        // The batch itself is refused (never expected from our origin): sending it again would not help.
        this.host.count('refused', batch.length);
        this.host.log({ level: 'error', msg: 'beacons: batch refused', status, count: batch.length });
      } else {
        this.host.count('sent', batch.length);
      }
    }
  }

  /** Backoff with full jitter, from the flush period up to beaconRetryMaxMs. */
  private retryLater(reason: string): void {
    const { beaconFlushMs, beaconRetryMaxMs } = this.host.config;
    this.failures++;
    const ceiling = Math.min(beaconRetryMaxMs, beaconFlushMs * 2 ** this.failures);
    const wait = beaconFlushMs + Math.random() * ceiling;
    if (this.failures === 1 || this.failures % 10 === 0)
      this.host.log({ level: 'warn', msg: 'beacons: batch not taken, kept', reason, waiting: this.queue.length });
    this.schedule(wait);
  }
}
