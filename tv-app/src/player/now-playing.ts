// What the player page needs to know of what plays, beyond its playlist (playable.ts): its
// chapters, duration and thumbnail track, the sponsor to show, where to resume it later, and
// what plays after a highlight. Plain TypeScript (tests/tv-app/now-playing.test.ts).
import type { Chapter, LiveEvent, Playable, Sponsor } from '../../../shared/catalog/types.ts';
import type { ResumePoint } from '../settings/preferences.ts';
import { orderedChapters } from './chapters.ts';

export interface PlaybackExtras {
  /** In playing order; replays only. */
  chapters: Chapter[];
  /** The catalog's duration (seconds; 0 for a live): marks the bar before the video knows it. */
  duration: number;
  /** The seek-bar thumbnail track (replays and highlights). */
  thumbnails?: string;
}

export function playbackExtras(playable: Playable): PlaybackExtras {
  switch (playable.kind) {
    case 'replay': {
      const { chapters, duration, thumbnails } = playable.replay;
      return { chapters: orderedChapters(chapters, duration || Infinity), duration, thumbnails };
    }
    case 'highlight':
      return { chapters: [], duration: playable.highlight.duration, thumbnails: playable.highlight.thumbnails };
    case 'live':
      return { chapters: [], duration: 0 };
  }
}

export interface SponsorSource {
  event(id: string): Promise<Pick<LiveEvent, 'sponsorId'>>;
  sponsors(): Promise<Sponsor[]>;
}

/** The sponsor the staff chose for the event (a replay shows its event's; a highlight none). */
export async function sponsorOf(playable: Playable, catalog: SponsorSource): Promise<Sponsor | undefined> {
  const sponsorId =
    playable.kind === 'live'
      ? playable.event.sponsorId
      : playable.kind === 'replay'
        ? (await catalog.event(playable.replay.eventId)).sponsorId
        : undefined;
  return sponsorId ? (await catalog.sponsors()).find((s) => s.id === sponsorId) : undefined;
}

/**
 * Where a replay or highlight stopped (for « Reprendre »), or null for a live. The video's
 * duration when known, the catalog's otherwise (stopped before the playlist loaded).
 */
export function resumePointOf(
  playable: Playable,
  position: number,
  videoDuration: number,
): Omit<ResumePoint, 'updatedAt'> | null {
  if (playable.kind === 'live') return null;
  const item = playable.kind === 'replay' ? playable.replay : playable.highlight;
  return { id: item.id, kind: playable.kind, position, duration: videoDuration || item.duration };
}

/**
 * A highlight that ended plays the next of its rail when the viewer wants it (« Lecture auto
 * du résumé suivant »): that one and the rest of the queue, or null to stay on the ended one.
 */
export function autoplayNext(
  ended: Playable,
  queue: readonly Playable[],
  autoplay: boolean,
): { next: Playable; rest: Playable[] } | null {
  const [next, ...rest] = queue;
  if (!next || !autoplay || ended.kind !== 'highlight') return null;
  return { next, rest };
}
