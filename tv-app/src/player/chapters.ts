// A replay's chapters (`Replay.chapters`: title and start, seconds): which one plays at a
// time, where the marks go on the seek bar, and where "next / previous chapter" lands.
// Plain TypeScript (tests/tv-app/chapters.test.ts).
import type { Chapter } from '../../../shared/catalog/types.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

/** Within this many seconds of a chapter's start, "previous" goes to the chapter before (as a CD player does). */
export const RESTART_GRACE_S = 3;

/** The chapters in playing order, without the ones that start past the end. */
export function orderedChapters(chapters: readonly Chapter[] | undefined, duration = Infinity): Chapter[] {
  return (chapters ?? []).filter((c) => c.start >= 0 && c.start < duration).sort((a, b) => a.start - b.start);
}

/** Index of the chapter playing at `time` (-1 before the first one, or with no chapters). */
export function chapterIndexAt(chapters: readonly Chapter[], time: number): number {
  let index = -1;
  for (const [i, chapter] of chapters.entries()) if (chapter.start <= time) index = i;
  return index;
}

/** Where the chapter marks go on the bar, 0..1 (the first chapter's start at 0 gets none). */
export function chapterMarks(chapters: readonly Chapter[], duration: number): number[] {
  if (!(duration > 0)) return [];
  return chapters.filter((c) => c.start > 0 && c.start < duration).map((c) => c.start / duration);
}

/**
 * The chapter a "next" (+1) or "previous" (−1) jump from `time` lands on, or null when there
 * is none that way. "Previous" well into a chapter goes back to its own start first.
 */
export function chapterJump(chapters: readonly Chapter[], time: number, direction: 1 | -1): number | null {
  const current = chapterIndexAt(chapters, time);
  if (direction === 1) return current + 1 < chapters.length ? current + 1 : null;
  if (current < 0) return null;
  if (time - itemAt(chapters, current).start > RESTART_GRACE_S) return current;
  return current > 0 ? current - 1 : null;
}
