// The live archive: segments of a live that were published as a replay (or cut into a highlight)
// stay fetchable for as long as that replay exists, however old — like a packager that moves a
// recorded live to its archive. Without it, a replay that points at its live's segment URLs would
// stop playing once those segments fell out of the live route's retention (3 h).
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { MediaCut } from '../store/records.ts';

export interface LiveArchive {
  /** True when `mediaSequence` of `channel` belongs to a published recording. */
  holds(channel: ChannelId, mediaSequence: number): Promise<boolean>;
}

type LiveCut = Extract<MediaCut, { kind: 'live' }>;

/** Reads the published cuts from the store; the list is kept `ttlMs` (this path is rare: only
 * requests for segments older than the retention reach it, and the edge caches the answers). */
export function recordedArchive(store: RecordStore, now: () => number, ttlMs = 10_000): LiveArchive {
  let cached: { at: number; cuts: LiveCut[] } | undefined;
  const cuts = async (): Promise<LiveCut[]> => {
    if (cached && now() - cached.at < ttlMs) return cached.cuts;
    const all = [...(await store.list('replays')), ...(await store.list('highlights'))];
    const live = all.map((r) => r.cut).filter((c): c is LiveCut => c?.kind === 'live');
    cached = { at: now(), cuts: live };
    return live;
  };
  return {
    async holds(channel, mediaSequence) {
      return (await cuts()).some(
        (c) => c.channelId === channel && c.firstSequence <= mediaSequence && mediaSequence <= c.lastSequence,
      );
    },
  };
}
