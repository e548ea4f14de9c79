// One upstream fetch on behalf of everybody who wants the same object now.
//
// The first request for a missing (or stale) object starts a Fill and registers it under the
// object's primary key; requests arriving while it runs join it instead of going upstream. When the
// response headers arrive, every participant gets the same outcome and its own stream over the one
// body (SharedBody), so a new segment reaches all viewers as its bytes arrive, with no polling.
// The Fill stays registered until the body is stored, so late arrivals also join rather than fetch.
// With several workers, the fill first asks the workers' election who fetches (workers/sharing.ts):
// it may take the object from another worker instead of going to the origin.
import { makeEntry, parseAge, refreshDerived, type CacheEntry } from '../cache/entry.ts';
import { freshnessLifetime, headerLifetime, mustNotServeStale, staleAllowance } from '../cache/freshness.ts';
import { keep } from '../cache/tiers.ts';
import { headersToStore, storeDecision } from '../cache/storability.ts';
import { parseCacheControl } from '../http/cache-control.ts';
import { withoutOwnVia } from '../http/headers.ts';
import { UpstreamError } from '../upstream/upstream-client.ts';
import { SharedBody } from './shared-body.ts';
import type { EdgeContext } from '../proxy/context.ts';

export type FillOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Headers;
      requestTime: number;
      responseTime: number;
      ageValue: number;
      body: SharedBody | null;
      /** Whether participants other than the leader may use this response. */
      shareable: boolean;
    }
  | { kind: 'revalidated'; entry: CacheEntry }
  /** Another worker had a fresh copy (multi-worker election): stored here, nothing fetched. */
  | { kind: 'shared'; entry: CacheEntry }
  /** Upstream failed (network or 5xx) and the stale entry may be served instead (RFC 5861). */
  | { kind: 'stale-on-error'; entry: CacheEntry; reason: string }
  | { kind: 'error'; error: UpstreamError };

export interface Fill {
  readonly key: string;
  readonly outcome: Promise<FillOutcome>;
  /** Request headers of the leader: waiters must match them on the fields the response varies on. */
  readonly leaderHeaders: Headers;
  /** Clients attached (leader included). */
  participants: number;
  /** Purged while in flight: serve the participants, store nothing. */
  discarded: boolean;
  /** This fill won the workers' election for its object: tell the others when it ends. */
  elected: boolean;
  /** Settles when the fill is over: its object stored (or given up), no longer joinable. */
  readonly done: Promise<void>;
  /** The outcome once known, for runtime adapters that decide synchronously (node/fast-join.ts). */
  settled?: FillOutcome;
  /** Seconds the upstream took to answer (headers), once it has: the access log's upstream time. */
  upstreamSeconds?: number;
}

/** Fields that make no sense on the edge's own fetch of a whole object for the cache. */
const NOT_FOR_FILL = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range', 'cache-control', 'pragma'];

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
  let ended!: () => void;
  const fill: Fill = {
    key,
    leaderHeaders: requestHeaders,
    participants: 0,
    discarded: false,
    elected: false,
    outcome: null as unknown as Promise<FillOutcome>,
    done: new Promise<void>((resolve) => (ended = resolve)),
  };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    ended();
    if (ctx.inflight.get(key) === fill) ctx.inflight.delete(key);
    ctx.metrics.collapsedFetch(fill.participants);
    if (fill.elected) ctx.onFillFinished?.(key);
  };
  const startedAt = ctx.now();
  if (joinable) ctx.inflight.set(key, fill);
  (fill as { outcome: Promise<FillOutcome> }).outcome = run().catch((error): FillOutcome => {
    finish();
    return { kind: 'error', error: error instanceof UpstreamError ? error : new UpstreamError(String(error), 'unreachable') };
  });
  void fill.outcome.then((outcome) => (fill.settled = outcome));
  ctx.track(fill.outcome);
  return fill;

  function purgedMeanwhile(entry: CacheEntry): boolean {
    if (fill.discarded) return true;
    return entry.tags.some((tag) => (ctx.purgedTags.get(tag) ?? -Infinity) >= startedAt);
  }

  /**
   * Stores the new version and ends the fill, when the content policy is ready for viewers to
   * see it: for a refreshed live playlist, the live-HLS policy first gets the segments it adds
   * into the cache (a bounded wait, hls/policy.ts), so that viewers learn of a segment only once
   * it is a hit. The fill stays registered meanwhile: viewers keep getting the version stored
   * before (fresh, or stale within its allowance), and nobody starts a second fetch.
   */
  function store(entry: CacheEntry, share: boolean): void {
    if (purgedMeanwhile(entry)) return finish();
    const announce = ctx.policy.onStore(entry);
    const keepIt = () => {
      if (!purgedMeanwhile(entry)) keep(ctx, entry, share);
      finish();
    };
    if (!announce) return keepIt();
    void announce.then(keepIt, keepIt);
  }

  /** The peer streams the object as its own fetch receives it; if the peer fails, go upstream. */
  async function fromPeer(url: string, headers: Headers) {
    try {
      const result = await ctx.upstream.fetch('GET', pathAndQuery, headers, null, undefined, url);
      if (result.response.status < 500) return { ...result, response: asFromOrigin(result.response) };
      void result.response.body?.cancel().catch(() => {});
    } catch {
      // The peer went away (a dead worker's lease): fall through to the origin.
    }
    return ctx.upstream.fetch('GET', pathAndQuery, headers);
  }

  /** Two workers are one edge: what the peer added for its client is not part of the object. */
  function asFromOrigin(response: Response): Response {
    const headers = new Headers(response.headers);
    headers.delete('x-cache');
    withoutOwnVia(headers, ctx.config.viaName);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  async function run(): Promise<FillOutcome> {
    let peerUrl: string | undefined;
    /** Fetched from the origin by this worker: the other workers may take it from the bus. */
    let share = true;
    if (elect && ctx.elect) {
      const election = await ctx.elect(key, stale?.responseTime ?? -1);
      if (election.kind === 'shared') {
        const entry = election.entry;
        // Through the policy, as if fetched here: this worker's live-HLS bookkeeping (known
        // segments, prefetch) and its wait for the prefetch before the new version is served.
        store(entry, false);
        return { kind: 'shared', entry };
      }
      if (election.kind === 'leader') fill.elected = true;
      if (election.kind === 'peer') {
        peerUrl = election.url;
        share = false;
      }
    }
    const headers = ctx.upstream.forwardHeaders(requestHeaders, null);
    for (const name of NOT_FOR_FILL) headers.delete(name);
    if (stale) {
      // §4.3.1: validate the stored response with its validators.
      const etag = stale.headers.get('etag');
      const lastModified = stale.headers.get('last-modified');
      if (etag) headers.set('if-none-match', etag);
      if (lastModified) headers.set('if-modified-since', lastModified);
    }
    let result;
    try {
      result = peerUrl ? await fromPeer(peerUrl, headers) : await ctx.upstream.fetch('GET', pathAndQuery, headers);
    } catch (error) {
      ctx.metrics.upstream('error', 0);
      const upstreamError = error instanceof UpstreamError ? error : new UpstreamError(String(error), 'unreachable');
      finish();
      if (stale && staleUsableOnError(ctx, stale)) return { kind: 'stale-on-error', entry: stale, reason: upstreamError.message };
      return { kind: 'error', error: upstreamError };
    }
    const { response, requestTime, responseTime } = result;
    fill.upstreamSeconds = responseTime - requestTime;
    ctx.metrics.upstream(response.status, fill.upstreamSeconds);

    if (response.status === 304 && stale) {
      // §4.3.4: update the stored response's header fields with those of the 304.
      for (const [name, value] of response.headers) {
        if (name === 'content-length') continue;
        stale.headers.set(name, value);
      }
      stale.ageValue = parseAge(stale.headers.get('age'));
      stale.headers.delete('age');
      if (!stale.headers.has('date')) stale.headers.set('date', new Date(responseTime * 1000).toUTCString());
      stale.requestTime = requestTime;
      stale.responseTime = responseTime;
      refreshDerived(stale);
      ctx.policy.onRevalidated(stale);
      ctx.store.touch(stale);
      ctx.disk?.offer(stale, freshnessLifetime(stale, ctx.config));
      if (share) ctx.onStored?.(stale);
      finish();
      return { kind: 'revalidated', entry: stale };
    }

    if (response.status >= 500 && stale && staleUsableOnError(ctx, stale)) {
      void response.body?.cancel().catch(() => {});
      finish();
      return { kind: 'stale-on-error', entry: stale, reason: `upstream answered ${response.status}` };
    }

    const responseHeaders = new Headers(response.headers);
    // RFC 9110 §6.6.1: a recipient caching a response without Date adds one.
    if (!responseHeaders.has('date')) responseHeaders.set('date', new Date(responseTime * 1000).toUTCString());
    const cc = parseCacheControl(responseHeaders.get('cache-control'));
    const decision = storeDecision('GET', requestHeaders, response.status, responseHeaders, cc);
    const lifetime = headerLifetime(response.status, responseHeaders, cc, ctx.config);
    const ageValue = parseAge(responseHeaders.get('age'));
    const lengthHeader = responseHeaders.get('content-length');
    const expectedLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const storable = decision.store && (expectedLength === undefined || expectedLength <= ctx.config.maxObjectBytes);
    // Other viewers may share this very response only if a cache could have served it to them.
    const shareable = decision.store && !cc.has('no-cache') && (lifetime > 0 || ctx.policy.forcesLifetime(pathAndQuery, response.status, responseHeaders));

    if (!response.body) {
      if (storable) {
        store(entryFrom(ctx, key, requestHeaders, response.status, responseHeaders, cc, new Uint8Array(0), requestTime, responseTime), share);
      } else finish();
      return { kind: 'response', status: response.status, headers: responseHeaders, requestTime, responseTime, ageValue, body: null, shareable };
    }

    if (!shareable) finish(); // nobody joins; the entry (if storable) is stored for revalidation
    const body = new SharedBody(
      response.body,
      {
        retainUpTo: storable ? ctx.config.maxObjectBytes : 0,
        maxLagBytes: ctx.config.teeMaxLagBytes,
        onSlowReaderCut: () => ctx.metrics.slowClientCut(),
        onEnd: (bytes) => {
          if (bytes && storable) store(entryFrom(ctx, key, requestHeaders, response.status, responseHeaders, cc, bytes, requestTime, responseTime), share);
          else finish();
        },
      },
      expectedLength,
    );
    return { kind: 'response', status: response.status, headers: responseHeaders, requestTime, responseTime, ageValue, body, shareable };
  }
}

function entryFrom(
  ctx: EdgeContext,
  key: string,
  requestHeaders: Headers,
  status: number,
  responseHeaders: Headers,
  cc: Map<string, string | true>,
  body: Uint8Array,
  requestTime: number,
  responseTime: number,
): CacheEntry {
  const stored = headersToStore(responseHeaders, cc);
  const entry = makeEntry({
    primaryKey: key,
    storageKey: '',
    status,
    headers: stored,
    body,
    requestTime,
    responseTime,
  });
  entry.storageKey = ctx.store.storageKeyFor(key, entry.varyNames, requestHeaders);
  return entry;
}

function staleUsableOnError(ctx: EdgeContext, entry: CacheEntry): boolean {
  if (mustNotServeStale(entry)) return false;
  const allowance = staleAllowance(entry, 'stale-if-error', ctx.config.staleIfErrorSeconds);
  return allowance > 0 && ctx.staleness(entry) <= allowance;
}
