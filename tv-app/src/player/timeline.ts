// What the progress bar shows, from the video's clock and its seekable range. Live streams
// are measured from the live edge ("−0:45" behind, or "DIRECT"), video-on-demand from 0.
import { PLAYER_DEFAULTS } from './config.ts';

export interface TimelineInput {
  live: boolean;
  position: number;
  /** Seekable range (the live window, or 0..duration). */
  start: number;
  end: number;
  duration: number;
}

export interface Timeline {
  /** 0..1 along the bar. */
  progress: number;
  /** Left label: elapsed ("12:34"), or for live how far behind ("−0:45"). */
  elapsed: string;
  /** Right label: total ("45:00"), or for live the live edge marker. */
  total: string;
  /** Live only: seconds behind the edge, and whether that still counts as live. */
  behindLive: number;
  atLiveEdge: boolean;
}

export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 && m < 10 ? `0${m}` : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${sec < 10 ? '0' : ''}${sec}`;
}

export function timeline({ live, position, start, end, duration }: TimelineInput, liveLabel: string): Timeline {
  if (live) {
    const span = Math.max(0, end - start);
    const behind = Math.max(0, end - position);
    const atEdge = behind <= PLAYER_DEFAULTS.liveEdgeTolerance;
    return {
      progress: span > 0 ? Math.max(0, Math.min(1, (position - start) / span)) : 1,
      elapsed: atEdge ? '' : `−${formatClock(behind)}`,
      total: liveLabel,
      behindLive: behind,
      atLiveEdge: atEdge,
    };
  }
  const total = duration > 0 ? duration : end;
  return {
    progress: total > 0 ? Math.max(0, Math.min(1, position / total)) : 0,
    elapsed: formatClock(position),
    total: formatClock(total),
    behindLive: 0,
    atLiveEdge: false,
  };
}

/** Where a relative seek lands, kept inside the seekable range (and off the very end). */
export function seekTarget(position: number, delta: number, start: number, end: number): number {
  return Math.max(start, Math.min(end - 0.5, position + delta));
}
