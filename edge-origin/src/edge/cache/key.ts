// Cache keys. The primary key is the target URI without the CMCD query parameter: CMCD
// (CTA-5004) carries per-viewer telemetry such as session ids and buffer levels; keyed, it would
// give every viewer their own copy of every segment. The secondary key adds the request's
// values of the fields the response's Vary names (RFC 9111 §4.1).

/** Query parameter names that never reach the cache key (nor the origin, for shared fetches). */
export const UNKEYED_QUERY_PARAMS = ['CMCD'];

export function stripUnkeyedParams(url: URL): URL {
  if (!url.search) return url;
  const out = new URL(url);
  for (const name of UNKEYED_QUERY_PARAMS) out.searchParams.delete(name);
  // Keep the original query text when nothing was removed (parameter order and encoding matter
  // to some origins, and URLSearchParams would re-encode them).
  if (out.searchParams.toString() === url.searchParams.toString()) return url;
  return out;
}

/** The primary cache key: path + query (the edge fronts one origin, so no host). */
export function primaryKey(url: URL): string {
  const u = stripUnkeyedParams(url);
  return u.pathname + u.search;
}

/** Normalised request value of a header named by Vary (§4.1: whitespace and case of commas). */
export function varyValue(headers: Headers, name: string): string {
  // The edge always asks upstream for an identity body (see upstream-client.ts), whatever the
  // client accepts, so every client gets the same stored variant: one copy, not one per browser.
  if (name === 'accept-encoding') return 'identity';
  const v = headers.get(name);
  return v === null ? '\u0000absent' : v.split(',').map((s) => s.trim()).join(',');
}

export function variantKey(primary: string, varyNames: readonly string[], requestHeaders: Headers): string {
  if (varyNames.length === 0) return primary;
  return primary + '\n' + varyNames.map((n) => `${n}:${varyValue(requestHeaders, n)}`).join('\n');
}
