// The audience sink on Redis (node-redis; runs under Node and Deno): one Lua call per channel and
// batch updates who is watching (sorted set, last seen) and the minutes watched (gap since the
// viewer's previous sighting, if under the active window), atomically, so any number of edges
// can flush the same viewers in any order without double counting.
import { createClient } from 'redis';
import {
  ACTIVE_WINDOW_MS,
  AUDIENCE_PREFIX,
  WATCHED_RETENTION_SECONDS,
  WATCH_BUCKET_MS,
  audienceKeys,
  utcDay,
} from '../../../../shared/audience/keys.ts';
import type { Sighting } from '../../../../shared/audience/keys.ts';
import type { AudienceSink } from './observer.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

/**
 * KEYS: live zset, watched hash (of the sightings' day).
 * ARGV: window ms, bucket ms, retention s, then viewer, seenMs pairs.
 */
const RECORD_SCRIPT = `
local window = tonumber(ARGV[1])
local bucketMs = tonumber(ARGV[2])
for i = 4, #ARGV, 2 do
  local viewer = ARGV[i]
  local seen = tonumber(ARGV[i + 1])
  local prev = redis.call('ZSCORE', KEYS[1], viewer)
  if not prev then
    redis.call('ZADD', KEYS[1], seen, viewer)
  else
    prev = tonumber(prev)
    if seen > prev then
      if seen - prev < window then
        redis.call('HINCRBY', KEYS[2], tostring(seen - (seen % bucketMs)), seen - prev)
      end
      redis.call('ZADD', KEYS[1], seen, viewer)
    end
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 0
`;

const BATCH = 500;

export class RedisAudienceSink implements AudienceSink {
  readonly #client;
  readonly #prefix: string;

  constructor(options: { url: string; prefix?: string }) {
    this.#prefix = options.prefix ?? AUDIENCE_PREFIX;
    this.#client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** n, 3000) },
    });
    this.#client.on('error', () => {});
    this.#client.connect().catch(() => {});
  }

  async record(sightings: Sighting[]): Promise<void> {
    const byChannel = new Map<string, Sighting[]>();
    for (const s of sightings) {
      let list = byChannel.get(s.channel);
      if (!list) byChannel.set(s.channel, (list = []));
      list.push(s);
    }
    for (const [channel, list] of byChannel) {
      // Oldest first: a batch holding several sightings of one viewer adds its gaps in order.
      list.sort((a, b) => a.seenMs - b.seenMs);
      for (let i = 0; i < list.length; ) {
        // One call per batch and UTC day (a batch straddling midnight is split there).
        const day = utcDay(itemAt(list, i).seenMs);
        let end = i;
        while (end < list.length && end - i < BATCH && utcDay(itemAt(list, end).seenMs) === day) end++;
        const args = [
          String(ACTIVE_WINDOW_MS),
          String(WATCH_BUCKET_MS),
          String(WATCHED_RETENTION_SECONDS),
          ...list.slice(i, end).flatMap((s) => [s.viewer, String(s.seenMs)]),
        ];
        await this.#client.eval(RECORD_SCRIPT, {
          keys: [audienceKeys.live(this.#prefix, channel), audienceKeys.watched(this.#prefix, channel, day)],
          arguments: args,
        });
        i = end;
      }
    }
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isOpen) await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}
