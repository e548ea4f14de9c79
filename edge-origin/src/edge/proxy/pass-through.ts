// Requests the edge does not cache (pass-through): which ones, what their answers carry, and what
// an unsafe one invalidates. The general path (proxy/handler.ts) and the Node fast pass
// (node/fast-pass.ts) both read these, so the two cannot decide or answer differently.
import { primaryKey } from '../cache/key.ts';
import { forgetPrimary } from '../cache/tiers.ts';
import { decorate } from './respond.ts';
import type { EdgeConfig } from '../config.ts';
import type { EdgeContext } from '../context.ts';

const UNSAFE = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/**
 * Whether a request goes straight upstream, the cache neither answering nor storing it, known
 * before any lookup: a method other than GET and HEAD, preconditions meant for the origin
 * (RFC 9111 §4.3.2: a cache must not evaluate If-Match / If-Unmodified-Since itself), or a path
 * under one of config.passPrefixes.
 */
export function passesThrough(
  config: EdgeConfig,
  method: string,
  path: string,
  has: (name: string) => boolean,
): boolean {
  return (
    (method !== 'GET' && method !== 'HEAD') ||
    has('if-match') ||
    has('if-unmodified-since') ||
    config.passPrefixes.some((prefix) => path.startsWith(prefix))
  );
}

/** A pass-through answer's fields: the upstream's (hop-by-hop already out), X-Cache: PASS, Via. */
export function passAnswerHeaders(ctx: EdgeContext, upstreamHeaders: Headers): Headers {
  return decorate(ctx, new Headers(upstreamHeaders), 'PASS', null);
}

/** RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI, and the
 * Location / Content-Location URIs when they have the same origin. */
export function invalidateAfterUnsafe(
  ctx: EdgeContext,
  method: string,
  url: URL,
  status: number,
  responseHeaders: Headers,
): void {
  if (!UNSAFE.has(method) || status >= 400) return;
  forgetPrimary(ctx, primaryKey(url));
  for (const name of ['location', 'content-location']) {
    const value = responseHeaders.get(name);
    if (!value) continue;
    try {
      const target = new URL(value, url);
      if (target.origin === url.origin) forgetPrimary(ctx, primaryKey(target));
    } catch {
      // Not a URI: nothing to invalidate.
    }
  }
}
