// What the player's overlay shows for one snapshot of the player: the badge (DIRECT, EN DIFFÉRÉ,
// REPLAY, RÉSUMÉ, TERMINÉ), the words over the picture, the chapter playing, the bar and its
// times (the knob and the time where a seek in progress will land), the key hints and the seek
// preview's contents. Plain TypeScript (tests/tv-app/overlay-view.test.ts); PlayerOverlay draws it.
import type { Chapter, Playable } from '../../../shared/catalog/types.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { chapterIndexAt } from './chapters.ts';
import { ACCESS_REFUSED } from './access-renewal.ts';
import type { PlayerState } from './player-state.ts';
import { timeline, type TimelineInput } from './timeline.ts';

export interface OverlayInput {
  snap: TimelineInput & { state: PlayerState; error?: string | null };
  kind: Playable['kind'] | null;
  /** The live is over (the live-end offer is up). */
  ended: boolean;
  chapters: readonly Chapter[];
  /** Where the seek in progress will land (seconds), null when not seeking. */
  target: number | null;
}

export interface OverlayView {
  /** `live`: the red DIRECT look (at the live edge of a live that is on). */
  badge: { text: string; live: boolean };
  /** The words in the middle ('' while it simply plays), the spinner, and whether to say them aloud. */
  state: { text: string; spinning: boolean; announce: boolean };
  /** « Chapitre 2/4 · Première mi-temps », or '' (no chapters, or before the first). */
  chapter: string;
  /** 0..1 along the bar: the red bar follows what plays, the knob where a seek lands. */
  played: number;
  knob: number;
  elapsed: string;
  total: string;
  hints: string;
  /** While seeking: the target time, as the bar writes it, and its chapter's title. */
  preview: { time: number; label: string; chapter: string } | null;
}

/** The words over the picture for each player state (none while it simply plays). */
const STATE_LABEL: Record<PlayerState, MessageKey | null> = {
  idle: null,
  loading: 'player.loading',
  buffering: 'player.loading',
  playing: null,
  paused: 'player.paused',
  reconnecting: 'player.reconnecting',
  ended: null,
  error: 'error.playback',
};

export function overlayView({ snap, kind, ended, chapters, target }: OverlayInput): OverlayView {
  const liveLabel = t('badge.live');
  const line = timeline(snap, liveLabel);
  const shown = target === null ? line : timeline({ ...snap, position: target }, liveLabel);
  // A live that failed is still a live: the playhead fell behind because the stream stopped,
  // not because the viewer chose to watch late, so not "EN DIFFÉRÉ".
  const delayed = snap.live && !line.atLiveEdge && snap.state !== 'error';
  const badge: MessageKey = ended
    ? 'badge.ended'
    : snap.live
      ? delayed
        ? 'badge.delayed'
        : 'badge.live'
      : kind === 'highlight'
        ? 'badge.highlight'
        : 'badge.replay';
  // A signed stream the edge keeps refusing (access-renewal.ts gave up): say so, not "failed".
  const stateKey =
    snap.state === 'error' && snap.error === ACCESS_REFUSED ? 'error.accessRefused' : STATE_LABEL[snap.state];
  const playing = chapterIndexAt(chapters, snap.position);
  const chapter = chapters[playing];
  return {
    badge: { text: t(badge), live: snap.live && !delayed && !ended },
    state: {
      text: stateKey ? t(stateKey) : '',
      // Waiting for media (start, stall, reconnection): the spinner turns above the words.
      spinning: snap.state === 'loading' || snap.state === 'buffering' || snap.state === 'reconnecting',
      // Voice guidance says what the picture does not: paused, reconnecting, failed.
      announce: snap.state === 'paused' || snap.state === 'reconnecting' || snap.state === 'error',
    },
    chapter: chapter ? t('player.chapter', { index: playing + 1, count: chapters.length, title: chapter.title }) : '',
    played: line.progress,
    knob: shown.progress,
    elapsed: shown.elapsed,
    total: line.total,
    hints: t(snap.live ? 'player.hintsLive' : chapters.length > 0 ? 'player.hintsVodChapters' : 'player.hintsVod'),
    // The preview is narrow: the chapter's title alone.
    preview:
      target === null
        ? null
        : {
            time: target,
            label: shown.elapsed || liveLabel,
            chapter: chapters[chapterIndexAt(chapters, target)]?.title ?? '',
          },
  };
}

/**
 * The overlay stays up while something needs it (a panel or screen over the bar, a seek in
 * progress, anything but plain playing: paused, loading, an error); otherwise it fades a while
 * after the last key.
 */
export function overlayStaysUp({
  covered,
  seeking,
  state,
}: {
  covered: boolean;
  seeking: boolean;
  state: PlayerState;
}): boolean {
  return covered || seeking || state !== 'playing';
}
