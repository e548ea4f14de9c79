// May a shared cache store this response? RFC 9111 §3 (and §3.5 for Authorization).
import { directiveFieldNames, parseCacheControl, type Directives } from '../http/cache-control.ts';
import { listHeader } from '../http/headers.ts';
import { HEURISTICALLY_CACHEABLE, hasExplicitExpiry } from './freshness.ts';

/** Final status codes this cache understands well enough to store (§3: "understood"). 206 is not
 * stored (the edge fetches whole objects and serves ranges from them); 304 only refreshes. */
const STORABLE_STATUSES = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 451, 501]);

/** Final statuses outside STORABLE_STATUSES that may still be stored with explicit freshness
 * (RFC 9111 §3 allows any final status; 206 and 304 have their own handling, §3.3 and §4.3.4). */
function otherFinalStatus(status: number): boolean {
  return status >= 200 && status <= 599 && status !== 206 && status !== 304;
}

export type StoreDecision = { store: true } | { store: false; reason: string };

export function storeDecision(
  method: string,
  requestHeaders: Headers,
  status: number,
  responseHeaders: Headers,
  responseCc: Directives = parseCacheControl(responseHeaders.get('cache-control')),
): StoreDecision {
  if (method !== 'GET') return { store: false, reason: 'method' };
  // §3: a final status this cache understands; another final one (a 500, a 599) only when the
  // origin gave it explicit freshness, and never under must-understand (§5.2.2.3).
  const understood = STORABLE_STATUSES.has(status);
  const mustUnderstand = responseCc.has('must-understand');
  if (!understood) {
    if (mustUnderstand || !otherFinalStatus(status) || !hasExplicitExpiry(responseCc, responseHeaders)) {
      return { store: false, reason: 'status' };
    }
  }
  const requestCc = parseCacheControl(requestHeaders.get('cache-control'));
  if (requestCc.has('no-store')) return { store: false, reason: 'request-no-store' }; // §5.2.1.5
  // §5.2.2.3: with must-understand, a cache that understands the status SHOULD ignore no-store.
  if (responseCc.has('no-store') && !(mustUnderstand && understood)) return { store: false, reason: 'no-store' }; // §5.2.2.5
  // §5.2.2.7: unqualified private forbids shared caches; the qualified form only drops fields.
  if (responseCc.get('private') === true) return { store: false, reason: 'private' };
  // §3.5: a request with Authorization only if the response explicitly allows shared caching.
  if (
    requestHeaders.has('authorization') &&
    !(responseCc.has('must-revalidate') || responseCc.has('public') || responseCc.has('s-maxage'))
  ) {
    return { store: false, reason: 'authorization' };
  }
  // Vary: * can never be matched by a later request (§4.1): storing it would be useless.
  if (listHeader(responseHeaders.get('vary')).includes('*')) return { store: false, reason: 'vary-star' };
  // §3: explicit freshness, public, or a heuristically cacheable status. (`private` already out.)
  if (
    !hasExplicitExpiry(responseCc, responseHeaders) &&
    !responseCc.has('public') &&
    !HEURISTICALLY_CACHEABLE.has(status)
  ) {
    return { store: false, reason: 'no-freshness' };
  }
  return { store: true };
}

/**
 * The header fields to store (§3.1): hop-by-hop are gone already; fields named by qualified
 * `private="..."` (§5.2.2.7: a shared cache MUST NOT store them) and `no-cache="..."` (§5.2.2.4:
 * never sent without revalidation, so never kept) are dropped. Set-Cookie is otherwise stored like
 * any field: RFC 9111 §7.3 notes it "does not inhibit caching"; origins control it with these
 * qualified directives or `private`.
 */
export function headersToStore(responseHeaders: Headers, responseCc: Directives): Headers {
  const out = new Headers(responseHeaders);
  for (const name of [
    ...(directiveFieldNames(responseCc, 'private') ?? []),
    ...(directiveFieldNames(responseCc, 'no-cache') ?? []),
  ]) {
    out.delete(name);
  }
  return out;
}
