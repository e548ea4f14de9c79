// « Depuis le début » of a live: where in the live window playback starts, and where it starts
// again when the window slid past that point before anything played (a first segment slower than
// the margin, on a weak TV or a slow line: hls.js, left with a load position behind the window
// and nothing buffered, waits there for good). Plain functions: hls-player.ts applies them.
import { itemAt } from '../../../shared/lang/item-at.ts';
import { PLAYER_DEFAULTS } from './config.ts';

/** What of a live media playlist the start position depends on (hls.js's LevelDetails has it). */
export interface LiveWindow {
  fragments: readonly { start: number; duration: number; programDateTime: number | null }[];
  targetduration: number;
  totalduration: number;
}

/**
 * The media time (s) of a wall-clock instant (ms since epoch) from the segments' program
 * dates: inside the segment that holds it, or the first segment's start when the instant is
 * older than the window. Null while no segment carries a date.
 */
export function mediaTimeOfDate(fragments: LiveWindow['fragments'], ms: number): number | null {
  const dated = fragments.filter((f) => typeof f.programDateTime === 'number' && Number.isFinite(f.programDateTime));
  const first = dated[0];
  if (!first) return null;
  if (ms <= first.programDateTime!) return first.start;
  for (const f of dated) {
    const offset = (ms - f.programDateTime!) / 1000;
    if (offset < f.duration) return f.start + offset;
  }
  const last = itemAt(dated, dated.length - 1);
  return last.start + last.duration;
}

/**
 * Where playback of the instant `ms` starts: its media time, but never within the margin of the
 * window's start (that segment leaves the playlist within one target duration). `attempt` counts
 * the starts made before this one that the window slid past: each doubles the margin, up to half
 * the window, so a slow line still starts, as near the beginning as it can keep up with.
 * Null while no segment carries a date (playback then stays at the live edge).
 */
export function startOverPosition(window: LiveWindow, ms: number, attempt = 0): number | null {
  const target = mediaTimeOfDate(window.fragments, ms);
  if (target === null || window.fragments.length === 0) return null;
  const margin = Math.min(
    PLAYER_DEFAULTS.startOverMarginTargetDurations * window.targetduration * 2 ** attempt,
    window.totalduration / 2,
  );
  return offTheCut(window, Math.max(target, itemAt(window.fragments, 0).start + margin));
}

/**
 * Never a segment's very first instant: audio segments do not end exactly where the video's do
 * (AAC frames), so at a video segment that follows a discontinuity (the loop's wrap, a new feed)
 * the audio segment holding that instant can be the one before, of the other discontinuity;
 * hls.js's audio then waits for timestamps from a video segment it never loads, and nothing plays
 * (seen on the demo loop, which wraps every 16 segments). A quarter of a target duration in is enough.
 */
function offTheCut(window: LiveWindow, position: number): number {
  const into = window.targetduration / 4;
  const segment = window.fragments.find((f) => f.start <= position && position < f.start + f.duration);
  return segment && position < segment.start + into ? segment.start + into : position;
}

/** True when the window no longer lists the segment at `position` (its start has slid past it). */
export function slidPast(window: LiveWindow, position: number): boolean {
  const first = window.fragments[0];
  return first !== undefined && position < first.start;
}

/** True when `media` holds data at `position` (its first segment came, whether or not it seeked there yet). */
export function buffersAt(media: { buffered: TimeRanges }, position: number): boolean {
  const { buffered } = media;
  for (let i = 0; i < buffered.length; i++)
    if (buffered.start(i) <= position && position < buffered.end(i)) return true;
  return false;
}
