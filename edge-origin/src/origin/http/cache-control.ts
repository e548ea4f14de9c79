// Every Cache-Control the origin sends, in one place: the edge and the TV obey these, so they
// decide how fresh a viewer's picture of the live stream and the catalog is.

export const CACHE_CONTROL = {
  /** Catalog API: a short shared lifetime, revalidated cheaply with ETag/If-None-Match. */
  api: 'public, max-age=10',
  /** Live media playlists change every segment duration (2 s): cache for about half of that. */
  liveMediaPlaylist: 'public, max-age=1',
  /** Master playlists only change when the ladder does. */
  masterPlaylist: 'public, max-age=30',
  /** VOD playlists, segments (live ones too: segment N's bytes never change) and images. */
  immutable: 'public, max-age=31536000, immutable',
  /** The TV app's index.html: always revalidate so a new build is picked up at once. */
  appShell: 'no-cache',
  /** 404 of a live segment not published yet: it will exist in a moment, do not cache the miss. */
  notYet: 'no-store',
} as const;
