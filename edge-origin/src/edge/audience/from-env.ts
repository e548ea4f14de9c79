// The audience observer an edge entry point runs: on AUDIENCE_REDIS_URL, else on the workers'
// Redis (EDGE_REDIS_URL), so every edge process and node counts into the same place. Without
// Redis there is nothing to aggregate into: no observer (the embedded `npm start` shares a
// memory store with its origin instead, see bin/start.node.ts).
import { AudienceObserver } from './observer.ts';
import { RedisAudienceSink } from './redis-sink.ts';

export function audienceObserverFromEnv(
  env: Record<string, string | undefined>,
  workersRedisUrl?: string,
): AudienceObserver | undefined {
  const url = env.AUDIENCE_REDIS_URL || workersRedisUrl;
  return url ? new AudienceObserver({ sink: new RedisAudienceSink({ url }) }) : undefined;
}
