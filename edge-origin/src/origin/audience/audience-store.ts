// The origin's reading side of audience figures (what the edges write, shared/audience/keys.ts):
// who is watching a channel now, sampling that into a time series (once per slot, whichever
// origin replica gets there first), and the series and minutes watched over a window.
import { createClient } from 'redis';
import {
  ACTIVE_WINDOW_MS,
  AUDIENCE_PREFIX,
  WATCH_BUCKET_MS,
  audienceKeys,
  utcDay,
} from '../../../../shared/audience/keys.ts';

export interface AudienceSample {
  /** ms since the Unix epoch. */
  at: number;
  viewers: number;
}

export interface AudienceStore {
  /** Viewers seen on `channel` during the ACTIVE_WINDOW_MS before `atMs`. */
  concurrent(channel: string, atMs: number): Promise<number>;
  /** Records the concurrent count at `atMs` in the channel's series (once per `atMs`). */
  sample(channel: string, atMs: number): Promise<AudienceSample>;
  /** The series over [fromMs, toMs], oldest first. */
  series(channel: string, fromMs: number, toMs: number): Promise<AudienceSample[]>;
  /** ms watched on `channel` in the whole minutes that start within [fromMs, toMs]. */
  watchedMs(channel: string, fromMs: number, toMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Samples are kept this long (a season of events, for reports); the live set only 2 windows. */
const SERIES_RETENTION_MS = 400 * 24 * 3600_000;

export class RedisAudienceStore implements AudienceStore {
  readonly #client;
  readonly #prefix: string;

  constructor(options: { url: string; prefix?: string }) {
    this.#prefix = options.prefix ?? AUDIENCE_PREFIX;
    this.#client = createClient({
      url: options.url,
      socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** n, 3000) },
    });
    this.#client.on('error', () => {});
    this.#client.connect().catch(() => {});
  }

  async concurrent(channel: string, atMs: number): Promise<number> {
    return this.#client.zCount(audienceKeys.live(this.#prefix, channel), `(${atMs - ACTIVE_WINDOW_MS}`, '+inf');
  }

  async sample(channel: string, atMs: number): Promise<AudienceSample> {
    const viewers = await this.concurrent(channel, atMs);
    const claimed = await this.#client.set(audienceKeys.sampled(this.#prefix, channel, atMs), String(viewers), {
      condition: 'NX',
      expiration: { type: 'EX', value: 3600 },
    });
    if (claimed) {
      const series = audienceKeys.series(this.#prefix, channel);
      await this.#client
        .multi()
        .zAdd(series, { score: atMs, value: `${atMs}:${viewers}` })
        .zRemRangeByScore(series, '-inf', atMs - SERIES_RETENTION_MS)
        // Viewers gone for two windows can no longer count nor add watched time.
        .zRemRangeByScore(audienceKeys.live(this.#prefix, channel), '-inf', atMs - 2 * ACTIVE_WINDOW_MS)
        .exec();
      return { at: atMs, viewers };
    }
    // Another replica sampled this slot first: its figure is the one kept.
    const kept = await this.#client.get(audienceKeys.sampled(this.#prefix, channel, atMs));
    return { at: atMs, viewers: Number(kept ?? viewers) };
  }

  async series(channel: string, fromMs: number, toMs: number): Promise<AudienceSample[]> {
    const members = await this.#client.zRangeByScore(audienceKeys.series(this.#prefix, channel), fromMs, toMs);
    return members.map((m) => {
      const [at, viewers] = m.split(':');
      return { at: Number(at), viewers: Number(viewers) };
    });
  }

  async watchedMs(channel: string, fromMs: number, toMs: number): Promise<number> {
    let total = 0;
    const first = fromMs - (fromMs % WATCH_BUCKET_MS);
    // One hash per UTC day of the window.
    for (let day = Date.parse(utcDay(first)); day <= toMs; day += 24 * 3600_000) {
      const buckets = await this.#client.hGetAll(audienceKeys.watched(this.#prefix, channel, utcDay(day)));
      for (const [bucket, ms] of Object.entries(buckets)) {
        const b = Number(bucket);
        if (b >= first && b <= toMs) total += Number(ms);
      }
    }
    return total;
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isOpen) await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}
