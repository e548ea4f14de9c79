// The back office's settings from the environment, for the entry points (bin/*.ts):
//   REDIS_URL          redis://host:port/db — the shared store; unset: memory (lost on restart)
//   REDIS_STALE_READS_MAX_SECONDS, REDIS_READ_MODEL_REFRESH_SECONDS   Redis down (store/redis-config.ts)
//   STAFF_ADMIN_TOKEN  bootstrap admin bearer token; unset: a random one is made and printed
//   EDGE_PURGE_URLS    comma-separated edge base URLs to purge after each write
//   EDGE_ADMIN_TOKEN   bearer token of the edges' purge API
import type { OriginOptions } from './options.ts';
import { newToken } from './http/auth.ts';
import { log as logger } from './log/logger.ts';
import { openRecordStore } from './store/open-store.ts';
import { loadRedisStoreConfig } from './store/redis-config.ts';

export function backOfficeOptionsFromEnv(
  env: Record<string, string | undefined>,
  log: (message: string) => void = (message) => logger.info(message),
): Required<Pick<OriginOptions, 'store' | 'staffAdminToken' | 'edgePurge'>> & Pick<OriginOptions, 'ads'> {
  const store = openRecordStore({
    redisUrl: env.REDIS_URL || undefined,
    redisConfig: loadRedisStoreConfig({ env }),
    log: (message) => logger.warn(message),
  });
  log(
    `origin: catalog store ${env.REDIS_URL ? `redis (${env.REDIS_URL.replace(/\/\/[^@]*@/, '//***@')})` : 'memory (set REDIS_URL to keep it)'}`,
  );
  let staffAdminToken = env.STAFF_ADMIN_TOKEN;
  if (!staffAdminToken) {
    staffAdminToken = newToken();
    log(`origin: STAFF_ADMIN_TOKEN not set; admin token for this run only: ${staffAdminToken}`);
  }
  const urls = (env.EDGE_PURGE_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  // Ads (decisions, caps, impressions) and audience figures live in the same Redis.
  return {
    store,
    staffAdminToken,
    edgePurge: { urls, token: env.EDGE_ADMIN_TOKEN || undefined },
    ...(env.REDIS_URL ? { ads: { redisUrl: env.REDIS_URL } } : {}),
  };
}
