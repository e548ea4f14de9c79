// The structured access log line (one per request, unless config.accessLog is off). Built here for
// the general path and the Node fast path alike, so both log the same fields the same way.
import type { CacheResult } from '../admin/metrics.ts';

/** The request fields the log reads (a web Request, or the Node fast path's view of one). */
export interface LoggedRequest {
  method: string;
  headers: { get(name: string): string | null };
}

export function accessLogLine(
  req: LoggedRequest,
  url: URL,
  status: number,
  result: CacheResult,
  bytes: number,
  startedSeconds: number,
  nowSeconds: number,
  client: string | undefined,
  /** Upstream time of the fetch the answer came from; absent for answers from the cache. */
  upstreamSeconds?: number,
): Record<string, unknown> {
  return {
    t: new Date(startedSeconds * 1000).toISOString(),
    method: req.method,
    path: url.pathname + url.search,
    status,
    cache: result,
    bytes,
    ms: Math.round((nowSeconds - startedSeconds) * 1000),
    upstream_ms: upstreamSeconds === undefined ? undefined : Math.round(upstreamSeconds * 1000),
    cmcd: url.searchParams.get('CMCD') ?? cmcdFromHeaders(req.headers),
    ua: req.headers.get('user-agent') ?? undefined,
    ip: client ?? req.headers.get('x-forwarded-for')?.split(',').pop()?.trim(),
  };
}

function cmcdFromHeaders(headers: LoggedRequest['headers']): string | undefined {
  const parts = ['cmcd-request', 'cmcd-object', 'cmcd-status', 'cmcd-session']
    .map((n) => headers.get(n))
    .filter(Boolean);
  return parts.length ? parts.join(',') : undefined;
}
