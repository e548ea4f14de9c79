// One small counter limiter: `take(key, amount, limit, windowSeconds)` counts `amount` toward a
// fixed window and says no (with the seconds left) when that would pass `limit`; nothing is
// counted when refused. Used for sendings per device, per address, and per event (count, bytes).
// Redis when the store is Redis (every origin replica counts together), memory otherwise.
import { createClient } from 'redis';

export interface Taken {
  allowed: boolean;
  /** Seconds until the window resets (when refused). */
  retryAfter: number;
}

export interface Limiter {
  take(key: string, amount: number, limit: number, windowSeconds: number): Promise<Taken>;
  close(): Promise<void>;
}

export class MemoryLimiter implements Limiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  constructor(readonly now: () => number = Date.now) {}

  async take(key: string, amount: number, limit: number, windowSeconds: number): Promise<Taken> {
    const now = this.now();
    if (this.#windows.size > 100_000) for (const [k, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(k);
    let w = this.#windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.#windows.set(key, w);
    }
    if (w.count + amount > limit)
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
    w.count += amount;
    return { allowed: true, retryAfter: 0 };
  }

  async close(): Promise<void> {}
}

/** Check and count in one script: two replicas cannot both pass the last place. */
const TAKE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if current + amount > tonumber(ARGV[2]) then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then ttl = 1 end
  return -ttl
end
local n = redis.call('INCRBY', KEYS[1], amount)
if n == amount then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return n
`;

export class RedisLimiter implements Limiter {
  readonly #client;
  readonly #prefix: string;

  constructor(options: { url: string; prefix?: string }) {
    this.#prefix = options.prefix ?? 'citetv:contrib:rate:';
    this.#client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** n, 3000) },
    });
    this.#client.on('error', () => {});
    this.#client.connect().catch(() => {});
  }

  async take(key: string, amount: number, limit: number, windowSeconds: number): Promise<Taken> {
    const result = Number(
      await this.#client.eval(TAKE_SCRIPT, {
        keys: [this.#prefix + key],
        arguments: [String(amount), String(limit), String(windowSeconds)],
      }),
    );
    return result < 0 ? { allowed: false, retryAfter: -result } : { allowed: true, retryAfter: 0 };
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isReady) await this.#client.close();
      else this.#client.destroy();
    } catch {
      this.#client.destroy();
    }
  }
}
