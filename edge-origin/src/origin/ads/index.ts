// Ads, sponsors and their breaks: the origin's side. `createAds` wires the pieces; app.ts mounts
// the routes and hands `signals` to the HLS routes.
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import type { EdgePurgeClient } from '../purge/edge-purge-client.ts';
import type { RecordStore } from '../store/record-store.ts';
import { StoreClosedError } from '../store/records.ts';
import { whenStoreUp } from '../store/seeding.ts';
import { log } from '../log/logger.ts';
import { CreativeLibrary } from './creatives.ts';
import { seedDemoAds } from './demo-seed.ts';
import { MemoryAdLedger, RedisAdLedger } from './ledger.ts';
import type { AdLedger } from './ledger.ts';
import type { AudienceOptions } from '../audience/index.ts';
import { AdsService } from './service.ts';

export interface AdsOptions {
  /** Redis of the ledger (decisions, caps, impressions): REDIS_URL. Unset: this process's memory. */
  redisUrl?: string;
  /** Key prefix in that Redis (tests share one server). Default `citetv:ads:`. */
  redisPrefix?: string;
  /** A ledger made by the caller (tests: one they close), instead of one from `redisUrl`. */
  ledger?: AdLedger;
  /** Audience figures (origin/audience/): by default on the same Redis as the ledger. */
  audience?: AudienceOptions;
  /** Add the demo sponsors and campaigns to a store that never had them. Default true. */
  demo?: boolean;
}

export function createAds(
  options: AdsOptions,
  deps: { store: RecordStore; mediaDir: string; clock: LiveClockConfig; now: () => number; purger: EdgePurgeClient },
): AdsService {
  const ledger =
    options.ledger ??
    (options.redisUrl
      ? new RedisAdLedger({ url: options.redisUrl, ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}) })
      : new MemoryAdLedger(deps.now));
  const ads = new AdsService({
    store: deps.store,
    ledger,
    creatives: new CreativeLibrary(deps.mediaDir),
    clock: deps.clock,
    now: deps.now,
    purger: deps.purger,
  });
  if (options.demo ?? true) {
    // In the background, like the catalog seed: the origin serves while the store comes up, and
    // the seed waits for it however long that takes; it stops when the store is closed.
    void whenStoreUp(deps.store, () => seedDemoAds(deps.store, deps.now())).catch(
      (error: unknown) => error instanceof StoreClosedError || log.error({ err: error }, 'ads: demo seed failed'),
    );
  }
  return ads;
}

export { AdsService } from './service.ts';
export { adsPublicRoutes } from './public-routes.ts';
export { adsStaffRoutes } from './staff-routes.ts';
export { creativeRoutes, sponsorLogoRoutes, ADS_HLS_ROOT } from './creatives.ts';
