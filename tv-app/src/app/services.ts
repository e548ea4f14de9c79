// The app's long-lived services, created once at start-up and shared by the pages:
// the catalog client, the persisted preferences, the single video player.
import { Storage } from '@lightningjs/sdk';
import { CatalogClient } from '../api/catalog-client.ts';
import { PreferenceStore, type KeyValueStore } from '../settings/preferences.ts';
import { HlsPlayer } from '../player/hls-player.ts';
import type { HomeResponse } from '../../../shared/catalog/types.ts';

const sdkStorage: KeyValueStore = {
  get: (key) => Storage.get(key) as unknown,
  set: (key, value) => Storage.set(key, value) as unknown,
};

export const catalog = new CatalogClient();
export const preferences = new PreferenceStore(sdkStorage);
export const player = new HlsPlayer();

/** The last home answer: the search, programme and event pages read from it. */
let lastHome: HomeResponse | null = null;

export async function loadHome(): Promise<HomeResponse> {
  lastHome = await catalog.home();
  return lastHome;
}

export function cachedHome(): HomeResponse | null {
  return lastHome;
}
