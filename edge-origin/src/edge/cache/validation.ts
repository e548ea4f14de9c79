// Validating a stored response with the origin (RFC 9111 §4.3): the conditional request a refresh
// sends, and what a 304 answer does to the stored response. The entry is updated in place, so
// every reader holding it (the memory tier, a fast path's prepared headers) sees the new version.
import { parseHttpDate } from '../http/dates.ts';
import { parseAge, refreshDerived, type CacheEntry } from './entry.ts';

/** §4.3.1: ask the origin whether the stored response is still current, by its validators. */
export function addValidators(headers: Headers, stored: CacheEntry): void {
  const etag = stored.headers.get('etag');
  const lastModified = stored.headers.get('last-modified');
  if (etag) headers.set('if-none-match', etag);
  if (lastModified) headers.set('if-modified-since', lastModified);
}

/** §4.3.4: the origin said 304: its header fields replace the stored ones, and the entry is as
 * new as this answer. */
export function freshenFromNotModified(
  stored: CacheEntry,
  notModified: Headers,
  requestTime: number,
  responseTime: number,
): void {
  for (const [name, value] of notModified) {
    if (name === 'content-length') continue;
    stored.headers.set(name, value);
  }
  stored.ageValue = parseAge(stored.headers.get('age'));
  stored.headers.delete('age');
  if (parseHttpDate(stored.headers.get('date')) === undefined) {
    stored.headers.set('date', new Date(responseTime * 1000).toUTCString());
  }
  stored.requestTime = requestTime;
  stored.responseTime = responseTime;
  refreshDerived(stored);
}
