// Every Cache-Control the origin sends, in one place: the edge and the TV obey these, so they
// decide how fresh a viewer's picture of the live stream and the catalog is.
//
// RFC 5861 on what may be served past its max-age: `stale-while-revalidate` (a viewer never waits
// for a refresh) and `stale-if-error` (the origin answers 5xx or cannot be reached: keep serving
// the copy rather than blank the TVs). Not on LL-HLS blocking reloads (hls/low-latency.ts: a
// stale answer would not hold the part asked for) nor on errors; immutable answers never go stale.

/** A day: yesterday's catalog or ladder beats an error on every TV of the city. */
const STALE_IF_ERROR_DAY = 86_400;

export const CACHE_CONTROL = {
  /**
   * Catalog API: a short shared lifetime, revalidated cheaply with ETag/If-None-Match; served
   * stale for one more lifetime while refreshed, and for a day while the origin fails.
   */
  api: `public, max-age=10, stale-while-revalidate=10, stale-if-error=${STALE_IF_ERROR_DAY}`,
  /**
   * Live media playlists change every segment duration (2 s): cache for about half of that; stale
   * for one segment while refreshed (what the edges do by themselves), and for three (a player's
   * hold-back, what it has buffered) while the origin fails: the segments listed stay fetchable,
   * so players play on from their buffer through a blip; past that an error is the truth.
   */
  liveMediaPlaylist: 'public, max-age=1, stale-while-revalidate=2, stale-if-error=6',
  /** Master playlists only change when the ladder does. */
  masterPlaylist: `public, max-age=30, stale-while-revalidate=30, stale-if-error=${STALE_IF_ERROR_DAY}`,
  /** VOD playlists, segments (live ones too: segment N's bytes never change) and images. */
  immutable: 'public, max-age=31536000, immutable',
  /** The TV app's index.html: always revalidate so a new build is picked up at once. */
  appShell: 'no-cache',
  /** 404 of a live segment not published yet: it will exist in a moment, do not cache the miss. */
  notYet: 'no-store',
} as const;

/**
 * On a TV API answer made from the store's last good copy (Redis unreachable): seconds since
 * Redis last answered. Absent on live answers.
 */
export const STORE_STALE_HEADER = 'X-Store-Stale';
