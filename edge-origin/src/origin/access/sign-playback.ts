// The origin mints the tokens: in the TV's read API (`/api/v1/...`, not the staff's), every path
// under a restricted prefix (a playback URL, a live URL, a thumbnail track) goes out signed, so
// the TV app plays what the catalog gives it, unchanged, and the edge lets it through.
//
// Expiries are rounded up to a 10-minute step (a quarter of the lifetime for tokens under 40
// minutes, so a short-lived one, as in the TV's renewal test, expires near when said): the
// catalog's answer, and its ETag, stay the same within a step, so edges and TVs keep
// revalidating with 304s, while every token still lasts at least the configured lifetime. The ETag is recomputed over the signed body here: the catalog's
// own, of the unsigned body, would let a revalidation keep a body whose tokens had expired.
import type { MiddlewareHandler } from 'hono';
import { restrictedPrefixOf, type AccessConfig } from '../../../../shared/signing/access-config.ts';
import { Keyring } from '../../../../shared/signing/url-signing.ts';

const EXPIRY_STEP_SECONDS = 600;

/** The step expiries are rounded up to, for tokens of `ttlSeconds`. */
export function expiryStepSeconds(ttlSeconds: number): number {
  return Math.max(1, Math.min(EXPIRY_STEP_SECONDS, Math.ceil(ttlSeconds / 4)));
}

const STAFF_API = '/api/v1/staff/';

/** The middleware for `/api/v1/*`, or undefined when no prefix is restricted. `nowMs`: the origin's clock. */
export function signPlaybackUrls(access: AccessConfig, nowMs: () => number): MiddlewareHandler | undefined {
  if (access.restrictedPrefixes.length === 0) return undefined;
  const keyring = new Keyring(access.keys);
  const { restrictedPrefixes, ttlSeconds } = access;
  const step = expiryStepSeconds(ttlSeconds);

  async function sign(path: string, expires: number): Promise<string> {
    const prefix = restrictedPrefixOf(path.split('?')[0] ?? path, restrictedPrefixes);
    if (!prefix) return path;
    const signed = await keyring.sign(new URL(path, 'http://origin.invalid'), { expires, pathPrefix: prefix });
    return signed.pathname + signed.search;
  }

  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method !== 'GET' || res.status !== 200 || c.req.path.startsWith(STAFF_API)) return;
    if (!/^application\/json\b/.test(res.headers.get('content-type') ?? '')) return;
    const text = await res.clone().text();
    const paths = new Set<string>();
    JSON.parse(text, (_key, value: unknown) => {
      if (typeof value === 'string' && value.startsWith('/') && restrictedPrefixOf(value, restrictedPrefixes))
        paths.add(value);
      return value;
    });
    if (paths.size === 0) return;
    const expires = Math.ceil((nowMs() / 1000 + ttlSeconds) / step) * step;
    const signed = new Map<string, string>();
    for (const path of paths) signed.set(path, await sign(path, expires));
    const body = JSON.stringify(
      JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? (signed.get(value) ?? value) : value)),
    );
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    const etag = `"${await sha1Hex(body)}"`;
    headers.set('etag', etag);
    const ifNoneMatch = c.req.header('if-none-match');
    // Hono copies the old response's fields onto a new one (its ETag would win): drop it first.
    c.res = undefined;
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      headers.delete('content-type');
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    c.res = new Response(body, { status: 200, headers });
  };
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
