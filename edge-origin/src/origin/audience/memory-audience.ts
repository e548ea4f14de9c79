// Audience figures in this process's memory, with the same rules as Redis (shared/audience/
// keys.ts): for the embedded `npm start`, where the edge and the origin share one process and
// there is no Redis. It is both the edges' sink (`record`) and the origin's store.
import { ACTIVE_WINDOW_MS, WATCH_BUCKET_MS } from '../../../../shared/audience/keys.ts';
import type { Sighting } from '../../../../shared/audience/keys.ts';
import type { AudienceSample, AudienceStore } from './audience-store.ts';

export class MemoryAudience implements AudienceStore {
  readonly #live = new Map<string, Map<string, number>>();
  readonly #watched = new Map<string, Map<number, number>>();
  readonly #series = new Map<string, Map<number, number>>();

  async record(sightings: Sighting[]): Promise<void> {
    for (const s of [...sightings].sort((a, b) => a.seenMs - b.seenMs)) {
      let live = this.#live.get(s.channel);
      if (!live) this.#live.set(s.channel, (live = new Map()));
      const prev = live.get(s.viewer);
      if (prev !== undefined && s.seenMs <= prev) continue;
      if (prev !== undefined && s.seenMs - prev < ACTIVE_WINDOW_MS) {
        let watched = this.#watched.get(s.channel);
        if (!watched) this.#watched.set(s.channel, (watched = new Map()));
        const bucket = s.seenMs - (s.seenMs % WATCH_BUCKET_MS);
        watched.set(bucket, (watched.get(bucket) ?? 0) + s.seenMs - prev);
      }
      live.set(s.viewer, s.seenMs);
    }
  }

  async concurrent(channel: string, atMs: number): Promise<number> {
    let n = 0;
    for (const seen of this.#live.get(channel)?.values() ?? []) if (seen > atMs - ACTIVE_WINDOW_MS) n++;
    return n;
  }

  async sample(channel: string, atMs: number): Promise<AudienceSample> {
    let series = this.#series.get(channel);
    if (!series) this.#series.set(channel, (series = new Map()));
    if (!series.has(atMs)) series.set(atMs, await this.concurrent(channel, atMs));
    const live = this.#live.get(channel);
    for (const [viewer, seen] of live ?? []) if (seen <= atMs - 2 * ACTIVE_WINDOW_MS) live!.delete(viewer);
    return { at: atMs, viewers: series.get(atMs)! };
  }

  async series(channel: string, fromMs: number, toMs: number): Promise<AudienceSample[]> {
    return [...(this.#series.get(channel) ?? [])]
      .filter(([at]) => at >= fromMs && at <= toMs)
      .sort((a, b) => a[0] - b[0])
      .map(([at, viewers]) => ({ at, viewers }));
  }

  async watchedMs(channel: string, fromMs: number, toMs: number): Promise<number> {
    const first = fromMs - (fromMs % WATCH_BUCKET_MS);
    let total = 0;
    for (const [bucket, ms] of this.#watched.get(channel) ?? []) if (bucket >= first && bucket <= toMs) total += ms;
    return total;
  }

  async close(): Promise<void> {}
}
