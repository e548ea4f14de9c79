// One upstream fetch on behalf of everybody who wants the same object now.
//
// The first request for a missing (or stale) object starts a Fill and registers it under the
// object's primary key; requests arriving while it runs join it instead of going upstream. When the
// response headers arrive, every participant gets the same outcome and its own stream over the one
// body (SharedBody), so a new segment reaches all viewers as its bytes arrive, with no polling.
// The Fill stays registered until the body is stored, so late arrivals also join rather than fetch.
//
// This module holds a fill's life (registered while joinable, finished once stored or given up)
// and the order of its steps, each in its own module: where the object comes from (source.ts:
// the workers' election, then the origin or the worker already fetching it), what the answer
// means (outcome.ts), and storing it as the content policy decided (apply-decision.ts).
import { keep } from '../cache/tiers.ts';
import { UpstreamError } from '../upstream/upstream-client.ts';
import { applyStoreDecision } from './apply-decision.ts';
import { drainFill } from './background.ts';
import { chooseSource, fetchObject, fillRequestHeaders, fromPeer } from './source.ts';
import { answerOutcome, failureOutcome, type FillSteps } from './outcome.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { EdgeContext } from '../context.ts';
import type { Fill, FillOutcome } from './in-flight.ts';

export interface FillOptions {
  /** false: a private fetch nobody may join (e.g. a request with Authorization), still stored if allowed. */
  joinable?: boolean;
  /** Ask the workers' election first (default: when joinable). False for requests from another
   * worker: that worker won the object's election and this one must not elect again. */
  elect?: boolean;
}

export function startFill(
  ctx: EdgeContext,
  key: string,
  pathAndQuery: string,
  requestHeaders: Headers,
  stale: CacheEntry | undefined,
  { joinable = true, elect = joinable }: FillOptions = {},
): Fill {
  return new Filling(ctx, key, pathAndQuery, requestHeaders, stale, joinable, elect);
}

/**
 * Fills nobody waits for: background revalidation (stale-while-revalidate, refresh-ahead of live
 * playlists) and segment prefetch. Registered like any other, so a viewer who asks meanwhile
 * joins instead of causing a second upstream request. Starts one for `key` unless one is running;
 * returns it if it did.
 */
export function fillInBackground(
  ctx: EdgeContext,
  key: string,
  pathAndQuery: string,
  headers: Headers,
  stale: CacheEntry | undefined,
): Fill | undefined {
  if (ctx.inflight.has(key)) return undefined;
  const fill = startFill(ctx, key, pathAndQuery, headers, stale);
  void drainFill(ctx, fill);
  return fill;
}

class Filling implements Fill, FillSteps {
  readonly outcome: Promise<FillOutcome>;
  readonly leaderHeaders: Headers;
  readonly done: Promise<void>;
  participants = 0;
  discarded = false;
  settled?: FillOutcome;
  upstreamSeconds?: number;
  /** This fill holds the object's lease in the workers' election: released when it ends. */
  private elected = false;
  private finished = false;
  private ended!: () => void;
  private readonly startedAt: number;

  constructor(
    readonly ctx: EdgeContext,
    readonly key: string,
    readonly pathAndQuery: string,
    readonly requestHeaders: Headers,
    readonly stale: CacheEntry | undefined,
    joinable: boolean,
    elect: boolean,
  ) {
    this.leaderHeaders = requestHeaders;
    this.done = new Promise<void>((resolve) => (this.ended = resolve));
    this.startedAt = ctx.now();
    if (joinable) ctx.inflight.set(key, this);
    this.outcome = this.run(elect).catch((error): FillOutcome => {
      // Not the upstream's failure (that is failureOutcome's): a bug, or a bus that threw.
      this.finish();
      return {
        kind: 'error',
        error: error instanceof UpstreamError ? error : new UpstreamError(String(error), 'unreachable'),
      };
    });
    void this.outcome.then((outcome) => (this.settled = outcome));
    ctx.track(this.outcome);
  }

  private async run(elect: boolean): Promise<FillOutcome> {
    const headers = fillRequestHeaders(this.ctx, this.requestHeaders, this.stale);
    const holdSeconds = this.ctx.policy.upstreamHoldSeconds(this.key);
    let source = await chooseSource(this.ctx, this.key, this.stale, elect);
    let result;
    // A sibling holds the object's lease: stream from it. If it does not answer (dead, or done
    // with nothing kept), elect again in its place: one sibling takes its lease over and fetches,
    // the others stream from that one. A second silent holder: fetch alone.
    for (let tries = 0; source.kind === 'fetch' && source.peerUrl; tries++) {
      result = await fromPeer(this.ctx, this.pathAndQuery, headers, source.peerUrl, holdSeconds);
      if (result) break;
      source =
        tries === 0
          ? await chooseSource(this.ctx, this.key, this.stale, true, source.peerUrl)
          : { kind: 'fetch', elected: false, share: true };
    }
    if (source.kind === 'shared') {
      // Through the policy, as if fetched here: this worker's live-HLS bookkeeping (known
      // segments, prefetch) and its wait for the prefetch before the new version is served.
      this.store(source.entry, false);
      return source;
    }
    this.elected = source.elected;
    try {
      result ??= await fetchObject(this.ctx, this.pathAndQuery, headers, holdSeconds);
    } catch (error) {
      return failureOutcome(this, error);
    }
    this.upstreamSeconds = result.responseTime - result.requestTime;
    this.ctx.metrics.upstream(result.response.status, this.upstreamSeconds);
    // A request the origin holds by design (a blocking playlist reload) waited for its answer to
    // exist: the wait is not the answer's age. RFC 9111 §4.2.3 adds the response delay to Age
    // against slow networks; here it would age a brand-new playlist by the hold, and hls.js reads
    // Age to place its first blocking reload. Aged from when its headers arrived instead.
    const aged = holdSeconds > 0 ? { ...result, requestTime: result.responseTime } : result;
    return answerOutcome(this, aged, source.share);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.ended();
    if (this.ctx.inflight.get(this.key) === this) this.ctx.inflight.delete(this.key);
    this.ctx.metrics.collapsedFetch(this.participants);
    if (this.elected) this.ctx.sharing?.release(this.key);
  }

  /**
   * Stores the new version and ends the fill, when the content policy is ready for viewers to
   * see it: for a refreshed live playlist, the segments it adds are prefetched first and the
   * playlist waits for them (a bounded wait, apply-decision.ts), so that viewers learn of a
   * segment only once it is a hit. The fill stays registered meanwhile: viewers keep getting the
   * version stored before (fresh, or stale within its allowance), and nobody starts a second fetch.
   */
  store(entry: CacheEntry, share: boolean): void {
    if (this.purgedMeanwhile(entry)) return this.finish();
    const { ctx } = this;
    const gate = applyStoreDecision(ctx, entry, ctx.policy.decideStore(entry), (key, headers) =>
      fillInBackground(ctx, key, key, headers, undefined),
    );
    const keepIt = () => {
      if (!this.purgedMeanwhile(entry)) keep(ctx, entry, share);
      this.finish();
    };
    if (!gate) return keepIt();
    void gate.then(keepIt, keepIt);
  }

  private purgedMeanwhile(entry: CacheEntry): boolean {
    if (this.discarded) return true;
    return entry.tags.some((tag) => (this.ctx.purgedTags.get(tag) ?? -Infinity) >= this.startedAt);
  }
}
