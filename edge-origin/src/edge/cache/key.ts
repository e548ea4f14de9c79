// Cache keys. The primary key is the target URI without the CMCD query parameter: CMCD
// (CTA-5004) carries per-viewer telemetry such as session ids and buffer levels; keyed, it would
// give every viewer their own copy of every segment. LL-HLS delivery directives (`_HLS_msn`,
// `_HLS_part`, `_HLS_skip`, RFC 8216bis §6.2.5) stay in the key, since each asks for a different
// playlist, in one canonical order after the other parameters, so that two players writing them
// in different orders share one fetch and one stored answer. The secondary key adds the request's
// values of the fields the response's Vary names (RFC 9111 §4.1).

/** Query parameter names that never reach the cache key (nor the origin, for shared fetches). */
export const UNKEYED_QUERY_PARAMS = ['CMCD'];

/** LL-HLS delivery directives, in their canonical order in a key (other `_HLS_` names after, by name). */
export const DIRECTIVE_ORDER = ['_HLS_msn', '_HLS_part', '_HLS_skip'];

/** The name of a raw `name=value` query part, decoded (as URLSearchParams would read it). */
function partName(part: string): string {
  const eq = part.indexOf('=');
  const raw = (eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function directiveRank(name: string): number {
  const i = DIRECTIVE_ORDER.indexOf(name);
  return i >= 0 ? i : DIRECTIVE_ORDER.length;
}

/**
 * The query without unkeyed parameters and with delivery directives last, in canonical order.
 * Works on the raw text, part by part: the other parameters keep their order and their encoding
 * (some origins sign the query text, and URLSearchParams would re-encode it).
 */
export function keyedSearch(search: string): string {
  if (search.length <= 1) return search;
  const kept: string[] = [];
  const directives: { name: string; part: string }[] = [];
  for (const part of search.slice(1).split('&')) {
    const name = partName(part);
    if (UNKEYED_QUERY_PARAMS.includes(name)) continue;
    if (name.startsWith('_HLS_')) directives.push({ name, part });
    else kept.push(part);
  }
  // Stable sort: a repeated directive keeps its order.
  directives.sort(
    (a, b) => directiveRank(a.name) - directiveRank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const parts = [...kept, ...directives.map((d) => d.part)];
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The URL the edge keys and fetches for this request: unkeyed parameters gone, directives in order. */
export function stripUnkeyedParams(url: URL): URL {
  if (!url.search) return url;
  const search = keyedSearch(url.search);
  if (search === url.search) return url;
  const out = new URL(url);
  out.search = search;
  return out;
}

/** The primary cache key: path + query (the edge fronts one origin, so no host). */
export function primaryKey(url: URL): string {
  return url.pathname + (url.search ? keyedSearch(url.search) : '');
}

/** LL-HLS delivery directives a request carries (RFC 8216bis §6.2.5), read from its primary key. */
export interface DeliveryDirectives {
  /** `_HLS_msn`: a blocking playlist reload, held until the playlist has this media sequence number. */
  msn?: number;
  /** `_HLS_part`: with msn, until it has this partial segment of it. */
  part?: number;
  /** `_HLS_skip`: YES or v2, a delta update. */
  skip?: string;
}

/** The directives in a primary key (undefined: none), from its query. */
export function deliveryDirectives(key: string): DeliveryDirectives | undefined {
  const q = key.indexOf('?');
  if (q < 0 || !key.includes('_HLS_', q)) return undefined;
  const params = new URLSearchParams(key.slice(q + 1));
  const out: DeliveryDirectives = {};
  const msn = params.get('_HLS_msn');
  const part = params.get('_HLS_part');
  const skip = params.get('_HLS_skip');
  if (msn !== null && /^\d+$/.test(msn)) out.msn = Number(msn);
  if (part !== null && /^\d+$/.test(part)) out.part = Number(part);
  if (skip !== null) out.skip = skip;
  return out.msn === undefined && out.part === undefined && out.skip === undefined ? undefined : out;
}

/** A blocking playlist reload: the origin may hold it up to three target durations (§6.2.5.2). */
export function isBlockingReload(key: string): boolean {
  return deliveryDirectives(key)?.msn !== undefined;
}

/** Normalised request value of a header named by Vary (§4.1: whitespace and case of commas). */
export function varyValue(headers: Headers, name: string): string {
  // The edge always asks upstream for an identity body (see upstream-client.ts), whatever the
  // client accepts, so every client gets the same stored variant: one copy, not one per browser.
  if (name === 'accept-encoding') return 'identity';
  const v = headers.get(name);
  return v === null
    ? '\u0000absent'
    : v
        .split(',')
        .map((s) => s.trim())
        .join(',');
}

export function variantKey(primary: string, varyNames: readonly string[], requestHeaders: Headers): string {
  if (varyNames.length === 0) return primary;
  return `${primary}\n${varyNames.map((n) => `${n}:${varyValue(requestHeaders, n)}`).join('\n')}`;
}
