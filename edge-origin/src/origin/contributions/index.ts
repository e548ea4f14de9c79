// The participative big screen (issue #13): spectators send a photo and a few words from their
// phone, staff moderate, venue screens show what is approved. `createContributions` wires the
// pieces; app.ts mounts the routes. See README.md.
import { fileURLToPath } from 'node:url';
import type { RecordStore } from '../store/record-store.ts';
import { log } from '../log/logger.ts';
import { loadContributionsConfig } from './config.ts';
import type { ContributionsConfig } from './config.ts';
import { MemoryFeed } from './feed.ts';
import type { ContributionFeed } from './feed.ts';
import { MemoryLimiter, RedisLimiter } from './limiter.ts';
import type { Limiter } from './limiter.ts';
import { MediaFolder, RedisByteTally } from './media-folder.ts';
import type { ByteTally } from './media-folder.ts';
import { RedisFeed } from './redis-feed.ts';
import { ContributionsService } from './service.ts';

export { contributionPublicRoutes } from './public-routes.ts';
export { contributionStaffRoutes } from './staff-routes.ts';
export { contributionPageRoutes } from './page-routes.ts';
export type { ContributionsService } from './service.ts';

export const DEFAULT_CONTRIBUTIONS_DIR = fileURLToPath(new URL('../../../contributions/', import.meta.url));

export interface ContributionsOptions {
  /** Any knob of config.ts (environment `CONTRIB_*` below these). */
  config?: Partial<ContributionsConfig>;
  /**
   * Redis of the rate limits, the screens' feed and the photo folder's byte tally (REDIS_URL, as the
   * store): several origins then act as one; unset: this process's memory.
   */
  redisUrl?: string;
  redisPrefix?: string;
  /** A limiter, feed or byte tally made by the caller (tests: ones they close). */
  limiter?: Limiter;
  feed?: ContributionFeed;
  mediaTally?: ByteTally;
  /** The built phone page (scripts/build-participer.mjs). */
  pageDir?: string;
}

export function createContributions(
  options: ContributionsOptions,
  deps: { store: RecordStore; now: () => number },
): ContributionsService {
  const env = globalThis.process?.env ?? {};
  const config = loadContributionsConfig({
    env,
    overrides: { ...(env.CONTRIB_DIR ? {} : { mediaDir: DEFAULT_CONTRIBUTIONS_DIR }), ...options.config },
  });
  const limiter =
    options.limiter ??
    (options.redisUrl
      ? new RedisLimiter({ url: options.redisUrl, prefix: `${options.redisPrefix ?? 'citetv:'}contrib:rate:` })
      : new MemoryLimiter(deps.now));
  const prefix = `${options.redisPrefix ?? 'citetv:'}contrib:`;
  const feed =
    options.feed ??
    (options.redisUrl
      ? new RedisFeed({
          url: options.redisUrl,
          prefix: `${prefix}feed:`,
          backlog: config.feedBacklog,
          // An event's stream outlives its contributions' retention by a day, then goes.
          ttlSeconds: (config.retentionHours + 24) * 3600,
        })
      : new MemoryFeed(config.feedBacklog));
  const tally =
    options.mediaTally ??
    (options.redisUrl ? new RedisByteTally({ url: options.redisUrl, key: `${prefix}media-bytes` }) : undefined);
  const service = new ContributionsService({
    store: deps.store,
    config,
    limiter,
    feed,
    media: new MediaFolder(config.mediaDir, config.mediaMaxBytes, tally),
    now: deps.now,
  });
  const timer = setInterval(() => {
    void service.sweep().catch((error: unknown) => log.error({ err: error }, 'contributions: retention sweep failed'));
  }, config.sweepIntervalSeconds * 1000);
  (timer as { unref?: () => void }).unref?.();
  return service;
}
