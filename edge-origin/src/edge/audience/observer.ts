// Audience observation at the edge: every live playlist request says "this viewer is watching
// this channel now". The edge keeps only the latest sighting per viewer and channel in memory
// and flushes them in one batch every `flushMs` to a sink shared by every edge (Redis), where
// viewers are counted once across renditions, processes and nodes (shared/audience/keys.ts).
// Observation never delays or fails a viewer's request: it is recorded after the fact and a
// sink outage only loses figures.
import type { Sighting } from '../../../../shared/audience/keys.ts';
import { knownViewerKey, liveChannelOf, viewerKey, type ViewerRequest } from './viewer-key.ts';

export interface AudienceSink {
  record(sightings: Sighting[]): Promise<void>;
  close(): Promise<void>;
}

export interface AudienceObserverOptions {
  sink: AudienceSink;
  /** ms clock (tests drive a simulated one). */
  now?: () => number;
  /** Flush period; 0: only when `flush()` is called. Default 2000. */
  flushMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

export class AudienceObserver {
  readonly #sink: AudienceSink;
  readonly #now: () => number;
  readonly #log: (line: Record<string, unknown>) => void;
  /** channel → viewer → last seen (ms), since the last flush. */
  #pending = new Map<string, Map<string, number>>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Sightings dropped since the sink last took a batch (0: it is up). */
  #dropped = 0;

  constructor(options: AudienceObserverOptions) {
    this.#sink = options.sink;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((line) => console.log(JSON.stringify(line)));
    const every = options.flushMs ?? 2000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.flush(), every);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** Notes a request (any request: only live playlists count), given its URL as parsed already.
   * Never throws, never waits. */
  observe(req: ViewerRequest & { method: string }, url: URL, clientAddress?: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const channel = liveChannelOf(url.pathname);
    if (!channel || isPrefetch(req)) return;
    const seenMs = this.#now();
    const known = knownViewerKey(req, url, clientAddress);
    if (known) return this.#seen(channel, known, seenMs);
    const work = viewerKey(req, url, clientAddress).then((viewer) => this.#seen(channel, viewer, seenMs));
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
  }

  #seen(channel: string, viewer: string, seenMs: number): void {
    let viewers = this.#pending.get(channel);
    if (!viewers) this.#pending.set(channel, (viewers = new Map()));
    if ((viewers.get(viewer) ?? -Infinity) < seenMs) viewers.set(viewer, seenMs);
  }

  /** Sends what was seen since the last flush (one batch), after observations in progress. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      await Promise.allSettled([...this.#inflight]);
      const batch = this.#pending;
      this.#pending = new Map();
      const sightings: Sighting[] = [];
      for (const [channel, viewers] of batch)
        for (const [viewer, seenMs] of viewers) sightings.push({ channel, viewer, seenMs });
      if (sightings.length === 0) return;
      try {
        await this.#sink.record(sightings);
        if (this.#dropped > 0) this.#log({ level: 'info', msg: 'audience: sink back', dropped: this.#dropped });
        this.#dropped = 0;
      } catch (error) {
        // Once per outage (a flush every 2 s would flood the log), then the count when it is back.
        if (this.#dropped === 0)
          this.#log({
            level: 'warn',
            msg: 'audience: sink unavailable, sightings dropped',
            count: sightings.length,
            error: String(error),
          });
        this.#dropped += sightings.length;
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.flush();
    await this.#sink.close();
  }
}

/**
 * A prefetch is not a viewer: the TV app preloads a live's master playlist while the focus
 * rests on its tile, saying `Purpose: prefetch` (browsers say `Sec-Purpose: prefetch`).
 */
export function isPrefetch(req: ViewerRequest): boolean {
  const purpose = req.headers.get('sec-purpose') ?? req.headers.get('purpose');
  return purpose !== null && /^\s*prefetch\b/i.test(purpose);
}
