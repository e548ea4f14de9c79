// Origin replicas as the Node entry points start them: on when ORIGIN_REPLICA_URL and REDIS_URL
// are both set (config.ts), else undefined (this origin packages every channel).
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { log } from '../log/logger.ts';
import { loadReplicaConfig, ReplicaConfigError } from './config.ts';
import type { ReplicaConfig } from './config.ts';
import { RedisPackagers } from './live-lease.ts';

export interface Replicas {
  packagers: RedisPackagers;
  config: ReplicaConfig;
  /** What the ingest says, once it is started (the lease is not handed over under a feed; a lost lease cuts it). */
  bindIngest(ingest: {
    status(c: ChannelId): { state: string } | undefined;
    dropPublisher(c: ChannelId, why: string): void;
  }): void;
}

export function replicasFromEnvOrExit(env: Record<string, string | undefined>): Replicas | undefined {
  let config: ReplicaConfig;
  try {
    config = loadReplicaConfig({ env });
  } catch (error) {
    if (error instanceof ReplicaConfigError) log.fatal(error.message);
    process.exit(2);
  }
  const { advertiseUrl } = config;
  if (!advertiseUrl) return undefined;
  if (!env.REDIS_URL) {
    log.warn(
      'replicas: ORIGIN_REPLICA_URL needs REDIS_URL (the leases live there): this origin packages every channel',
    );
    return undefined;
  }
  let ingest: Parameters<Replicas['bindIngest']>[0] | undefined;
  const replicaLog = log.child({ component: 'replicas' });
  const packagers = new RedisPackagers({
    redisUrl: env.REDIS_URL,
    config: { ...config, advertiseUrl },
    channels: CHANNEL_IDS,
    feeding: (c) => ingest?.status(c)?.state === 'receiving',
    onLost: (c) => ingest?.dropPublisher(c, 'une autre origine diffuse désormais la chaîne'),
    log: (level, message, fields) => replicaLog[level](fields ?? {}, message),
  });
  replicaLog.info({ id: packagers.id, url: advertiseUrl }, `replicas: on, as ${packagers.id} at ${advertiseUrl}`);
  return {
    packagers,
    config,
    bindIngest: (i) => {
      ingest = i;
    },
  };
}
