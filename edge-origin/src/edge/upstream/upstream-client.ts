// Fetching the origin. Forwards the request minus hop-by-hop fields, says `Via`, asks for an
// identity body (fetch() in Node and Deno silently decodes gzip/br; a proxy must not store a
// decoded body under a Content-Encoding header), times out, and fails over to the next upstream
// (once, for idempotent requests) when one is unreachable or answers 5xx. An upstream found
// unreachable is tried last for `downMemoryMs` (origin replicas: a dead origin costs one retry,
// not one per request); a 5xx proves it alive, so it is only skipped for that request.
import { appendVia, withoutHopByHop } from '../http/headers.ts';

export interface UpstreamOptions {
  upstreamUrls: string[];
  viaName: string;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  /** Reported in the connect-timeout message (the runtime's fetch enforces it). */
  connectTimeoutMs?: number;
  now: () => number;
  /** The runtime's fetch (Node: undici with a connect timeout and pooling); default: global fetch. */
  fetch?: typeof fetch;
  /** An upstream found unreachable is tried after the others for this long (ms); 0: never. */
  downMemoryMs?: number;
}

export interface UpstreamResult {
  response: Response;
  /** Seconds (clock of `now`) when the request was sent and when its headers arrived. */
  requestTime: number;
  responseTime: number;
  upstream: string;
  attempts: number;
}

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout',
  ) {
    super(message);
  }
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Ask this base instead (another worker of this edge), once, without failover. */
  only?: string;
  /** This request's first-byte timeout instead of the usual one (a blocking playlist reload may
   * be held by the origin for up to three target durations). */
  firstByteTimeoutMs?: number;
}

/** Header a worker's private listener adds to requests from its peers (see workers/sharing.ts). */
export const PEER_HEADER = 'x-edge-peer';
/** Header carrying the site's shared secret (config peerToken) on requests between siblings. */
export const PEER_TOKEN_HEADER = 'x-edge-peer-token';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export class UpstreamClient {
  /** Upstream base → until when (clock of `now`, seconds) it is tried last. */
  readonly #downUntil = new Map<string, number>();

  constructor(private readonly options: UpstreamOptions) {}

  /** The upstreams in the order to try them now: those not lately found unreachable first. */
  ordered(): string[] {
    const now = this.options.now();
    const down = (base: string) => (this.#downUntil.get(base) ?? 0) > now;
    return [...this.options.upstreamUrls.filter((b) => !down(b)), ...this.options.upstreamUrls.filter((b) => down(b))];
  }

  /** Builds the upstream URL for a request path (+query), under the upstream's own base path. */
  target(base: string, pathAndQuery: string): URL {
    const b = new URL(base);
    const prefix = b.pathname.replace(/\/+$/, '');
    // Joined as text: resolved against the origin, a path starting `//` would name another host.
    return new URL(b.origin + prefix + pathAndQuery);
  }

  /** Request fields forwarded upstream. */
  forwardHeaders(incoming: Headers, clientHost: string | null): Headers {
    const headers = withoutHopByHop(incoming);
    headers.delete('host');
    headers.delete('content-length'); // fetch recomputes it from the body
    headers.delete(PEER_HEADER); // never leaves the edge
    headers.delete(PEER_TOKEN_HEADER);
    // Expect: 100-continue is met on the client's hop (Node's server answers 100 before the body);
    // fetch refuses the field (undici: "expect header not supported"), so a curl upload got a 502.
    headers.delete('expect');
    headers.set('accept-encoding', 'identity');
    if (clientHost) headers.set('x-forwarded-host', clientHost);
    appendVia(headers, this.options.viaName);
    return headers;
  }

  async fetch(
    method: string,
    pathAndQuery: string,
    headers: Headers,
    body: ReadableStream<Uint8Array> | null = null,
    options: FetchOptions = {},
  ): Promise<UpstreamResult> {
    const { signal, only } = options;
    const firstByteTimeoutMs = options.firstByteTimeoutMs ?? this.options.firstByteTimeoutMs;
    const upstreamUrls = only ? [only] : this.ordered();
    // One retry on another upstream, only when replaying is safe (idempotent, no streamed body).
    const candidates = IDEMPOTENT.has(method) && body === null ? upstreamUrls.slice(0, 2) : upstreamUrls.slice(0, 1);
    let lastError: UpstreamError | null = null;
    /** A 5xx answer kept while the next upstream is tried: the answer if that one fails too. */
    let failed: UpstreamResult | null = null;
    let attempts = 0;
    for (const base of candidates) {
      attempts++;
      const url = this.target(base, pathAndQuery);
      const requestTime = this.options.now();
      // The first byte is awaited from the request's end: with a body (a phone's photo over 4G),
      // from its last byte, so a slow upload is not taken for a slow origin (a 504 after 10 s).
      // The clock stops at the answer's head: past it the idle timeout watches the body (an
      // AbortSignal.timeout left in fetch's signal cut every body still coming after it).
      const clock = new AbortController();
      let headIn = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const startClock = () => {
        if (headIn) return; // answered before the body's end (an early refusal)
        timer = setTimeout(
          () => clock.abort(new DOMException('no response within the first-byte timeout', 'TimeoutError')),
          firstByteTimeoutMs,
        );
      };
      const combined = signal ? AbortSignal.any([signal, clock.signal]) : clock.signal;
      try {
        const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: 'manual', signal: combined };
        if (body) {
          init.body = body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: startClock }));
          init.duplex = 'half';
        } else startClock();
        const response = await (this.options.fetch ?? fetch)(url, init);
        headIn = true;
        clearTimeout(timer);
        const responseTime = this.options.now();
        this.reached(base);
        const result = {
          response: this.cleanResponse(response, method),
          requestTime,
          responseTime,
          upstream: base,
          attempts,
        };
        if (response.status < 500 || attempts === candidates.length) return result;
        if (failed) void failed.response.body?.cancel().catch(() => {});
        failed = result;
      } catch (error) {
        clearTimeout(timer);
        if (signal?.aborted) throw error;
        if (!only) this.unreachable(base);
        const connectTimedOut = errorCode(error) === 'UND_ERR_CONNECT_TIMEOUT';
        const how = connectTimedOut ? 'connect-timeout' : clock.signal.aborted ? 'first-byte-timeout' : 'unreachable';
        lastError = this.failure(url.origin, how, error, firstByteTimeoutMs);
      }
    }
    if (failed) {
      failed.attempts = attempts;
      return failed;
    }
    throw lastError ?? new UpstreamError('no upstream configured', 'unreachable');
  }

  /** This upstream answered: tried in its order again. */
  reached(base: string): void {
    this.#downUntil.delete(base);
  }

  /** This upstream could not be reached or timed out: tried after the others for downMemoryMs. */
  unreachable(base: string): void {
    const memory = this.options.downMemoryMs ?? 0;
    if (memory > 0) this.#downUntil.set(base, this.options.now() + memory / 1000);
  }

  /** What a failed upstream request becomes (the Node fast pass, node/fast-pass.ts, words its
   * failures with it too). `error`: as fetch reports it (`fetch failed`, the cause's code). */
  failure(
    origin: string,
    how: 'connect-timeout' | 'first-byte-timeout' | 'unreachable',
    error: unknown,
    firstByteTimeoutMs = this.options.firstByteTimeoutMs,
  ): UpstreamError {
    if (how === 'connect-timeout')
      return new UpstreamError(
        `could not connect to upstream ${origin} within ${this.options.connectTimeoutMs ?? '?'} ms`,
        'timeout',
      );
    if (how === 'first-byte-timeout')
      return new UpstreamError(`upstream ${origin} sent no response within ${firstByteTimeoutMs} ms`, 'timeout');
    return new UpstreamError(`upstream ${origin} unreachable: ${describe(error)}`, 'unreachable');
  }

  private cleanResponse(response: Response, method: string): Response {
    const headers = withoutHopByHop(response.headers);
    const encoding = headers.get('content-encoding');
    if (encoding && /gzip|deflate|br|zstd/i.test(encoding)) {
      // The runtime has decoded the body already; describing it as encoded would corrupt it.
      headers.delete('content-encoding');
      headers.delete('content-length');
    }
    const bodyless = method === 'HEAD' || response.status === 204 || response.status === 304;
    const body = bodyless || !response.body ? null : withIdleTimeout(response.body, this.options.idleTimeoutMs);
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** Errors the stream if upstream sends nothing for `ms` between chunks. */
export function withIdleTimeout(body: ReadableStream<Uint8Array>, ms: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new UpstreamError(`upstream body idle for more than ${ms} ms`, 'timeout')),
            ms,
          );
        });
        try {
          const { done, value } = await Promise.race([reader.read(), idle]);
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(error);
          void reader.cancel(error).catch(() => {});
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function errorCode(error: unknown): string | undefined {
  const cause =
    error && typeof error === 'object' && 'cause' in error ? (error as { cause?: unknown }).cause : undefined;
  return cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
