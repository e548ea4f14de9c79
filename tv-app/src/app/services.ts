// The app's long-lived services, created once at start-up and shared by the pages:
// the catalog client, the persisted preferences, the single video player.
import { Storage } from '@lightningjs/sdk';
import { CatalogClient, CatalogError } from '../api/catalog-client.ts';
import { ConnectivityMonitor } from './connectivity.ts';
import { PreferenceStore, type KeyValueStore } from '../settings/preferences.ts';
import { HlsPlayer } from '../player/hls-player.ts';
import { ManifestPreloader } from '../player/manifest-preload.ts';
import { serviceRoot } from '../platform/service-base.ts';
import type { HomeResponse } from '../../../shared/catalog/types.ts';
import { warmImages } from '../startup/warm-images.ts';
import { firstScreenImages } from '../startup/first-screen.ts';

const sdkStorage: KeyValueStore = {
  get: (key) => Storage.get(key) as unknown,
  set: (key, value) => Storage.set(key, value) as unknown,
};

export const connectivity = new ConnectivityMonitor();

/** Every catalog request tells the connectivity monitor whether the network answered. */
const observedFetch: typeof fetch = async (input, init) => {
  try {
    const response = await fetch(input, init);
    connectivity.report(true);
    return response;
  } catch (error) {
    connectivity.report(false);
    throw error;
  }
};

export const catalog = new CatalogClient({ fetch: observedFetch, baseUrl: serviceRoot() });
export const preferences = new PreferenceStore(sdkStorage);
/** Master playlists preloaded while the focus rests on something that plays on OK. */
export const manifests = new ManifestPreloader();
export const player = new HlsPlayer({
  subtitles: () => ({ enabled: preferences.get().subtitles, language: preferences.get().language }),
  manifests,
});

/** The last home answer: the search, programme and event pages read from it. */
let lastHome: HomeResponse | null = null;

export { CatalogError };

/** The home's first read, sent from the first line of start-up (`prefetchHome`), until taken. */
let homeInFlight: Promise<HomeResponse> | null = null;

/**
 * Asks for the home now, in parallel with the fonts and Lightning's set-up, instead of once the
 * home page exists (measured: 965 ms after navigation start on a cold load, before this).
 */
export function prefetchHome(): void {
  homeInFlight ??= catalog.home();
  // The first screen's images as soon as their addresses are known. A failure is the home
  // page's to show (this copy of the promise must not be unhandled).
  homeInFlight.then(
    (home) => warmImages(firstScreenImages(home, new Date())),
    () => undefined,
  );
}

export async function loadHome(): Promise<HomeResponse> {
  // The prefetched answer is used once: a retry or a refresh asks again.
  const pending = homeInFlight;
  homeInFlight = null;
  lastHome = await (pending ?? catalog.home());
  return lastHome;
}

export function cachedHome(): HomeResponse | null {
  return lastHome;
}
