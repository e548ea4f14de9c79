// What a request leaves behind besides its answer: the audience sighting, the content policy's
// note of what is watched, the request counter and the access log line. The three paths that
// answer requests (proxy/handler.ts, and on Node node/fast-hit.ts and node/fast-join.ts) all
// record through here, so they cannot count, log or observe differently
// (tests/edge/fast-hit.test.ts compares them).
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { accessLogLine, type LoggedRequest } from './access-log.ts';
import { mayBeLivePlaylist } from '../audience/viewer-key.ts';
import type { CacheResult } from '../admin/metrics.ts';
import type { EdgeContext } from '../context.ts';

/** The request fields the audience and the access log read: a web Request, or a fast path's view. */
export interface RecordedRequest extends LoggedRequest {
  /** The absolute URL, as a web Request gives it. */
  url: string;
}

/**
 * Whether the record of a request for `target` (its path and query as received) reads the request:
 * the access log reads every one, the audience only a live playlist's. When neither does, a fast
 * path may skip building its view of the request and its URL (a URL parse is a real share of a
 * hit's cost) and give the record none.
 */
export function readsRequest(ctx: EdgeContext, target: string): boolean {
  return ctx.config.accessLog || (ctx.audience !== undefined && mayBeLivePlaylist(target));
}

/** A request answered elsewhere (the native front door, node/native-front.ts), recorded after
 * the fact: when it arrived (ctx.now()'s clock) and how long its answer took. */
export interface AnsweredAt {
  started: number;
  seconds: number;
}

export class RequestRecord {
  private readonly started: number;
  /** A monotonic clock for the response-time histogram (ctx.now may be a test's frozen clock). */
  private readonly startedAt = performance.now();

  /** Asked by a sibling edge (or worker) streaming an object this one fetched for the site: not a viewer. */
  private readonly sibling: boolean;

  /**
   * `req` and `url` may be left out only when !readsRequest(ctx, target); `client`: the peer address.
   * `sibling`: whether a sibling asked, for a caller that gives no `req` (read from it otherwise).
   */
  constructor(
    private readonly ctx: EdgeContext,
    private readonly req: RecordedRequest | undefined,
    private readonly url: URL | undefined,
    private readonly client: string | undefined,
    sibling?: boolean,
    private readonly answeredAt?: AnsweredAt,
  ) {
    this.started = answeredAt?.started ?? ctx.now();
    this.sibling = sibling ?? req?.headers.get(PEER_HEADER) === ctx.peerSecret;
  }

  /** The request arrived: a sighting carries its arrival time. A sibling is not a viewer; a
   * request given without its view is none either (readsRequest said so). */
  arrived(): void {
    const { audience } = this.ctx;
    if (audience && this.req && this.url && !this.sibling) audience.observe(this.req, this.url, this.client);
  }

  /** It asks, as a viewer, for the object stored under this primary key (the policy learns which
   * playlists are watched, so which to prefetch for). */
  asks(key: string): void {
    this.ctx.policy.onRequest(key);
  }

  /** Its answer's head went out: counted, and logged when the access log is on. `bytes`: the
   * body's length (-1: none, or unknown); `upstreamSeconds`: the fetch it came from took that. */
  answered(status: number, result: CacheResult, bytes: number, upstreamSeconds?: number): void {
    const { ctx } = this;
    // Siblings' requests are counted apart: the viewers' figures (requests, answer times) stay theirs.
    if (this.sibling) ctx.metrics.siblingRequest(status, result);
    else ctx.metrics.request(status, result, this.answeredAt?.seconds ?? (performance.now() - this.startedAt) / 1000);
    if (ctx.config.accessLog)
      ctx.log(
        accessLogLine(
          this.req!,
          this.url!,
          status,
          result,
          bytes,
          this.started,
          this.answeredAt ? this.started + this.answeredAt.seconds : ctx.now(),
          this.client,
          upstreamSeconds,
        ),
      );
  }
}
