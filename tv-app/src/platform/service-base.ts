// Where the app's services are (catalog, HLS, images, contributions). Served by the edge (npm
// start, hosted launchers): the page's own address, as always. Packaged for a TV store, the page
// is a local file (Tizen .wgt, webOS .ipk): the edge named at package time, which
// tv-app/scripts/package.mjs writes into index.html as <meta name="cite-tv-service">.
// Scripts, chunks and fonts stay relative to the page: they ship in the package.

function configured(): string | null {
  if (typeof document === 'undefined') return null; // plain Node (unit tests)
  const meta = document.querySelector('meta[name="cite-tv-service"]');
  return meta?.getAttribute('content') || null;
}

/** The base URL service paths resolve against. */
export function serviceBase(): string {
  return configured() ?? (typeof location === 'undefined' ? '' : location.href);
}

/** The absolute URL of a service path (`/api/v1/home`, `api/v1/…`, a catalog `/hls/…` URL). */
export function serviceUrl(path: string): string {
  const base = serviceBase();
  if (!path || !base) return path;
  try {
    return new URL(path, base).href;
  } catch {
    return path;
  }
}

/** The prefix for the catalog client's root-relative paths: '' when hosted, the edge when packaged. */
export function serviceRoot(): string {
  return (configured() ?? '').replace(/\/+$/, '');
}
