// The end of a live, seen from the sofa: while the live plays, the event is asked for now and
// then (the catalog's `/api/v1/events/:id`, cached 10 s by the edge: a poll every 20 s per
// viewer costs the origin nothing). When the staff stop it the player says the live is over;
// once the replay is published it offers « Regarder le replay ». Plain TypeScript
// (tests/tv-app/live-end.test.ts); the page renders the phase.
import type { LiveEvent } from '../../../shared/catalog/types.ts';

export type LiveEndPhase =
  | { phase: 'live' }
  /** Off air; the replay is not out (yet, or ever: a cancelled event has none). */
  | { phase: 'ended' }
  | { phase: 'published'; replayId: string };

export function liveEndPhase(event: Pick<LiveEvent, 'status' | 'replayId'>): LiveEndPhase {
  if (event.status === 'published' && event.replayId) return { phase: 'published', replayId: event.replayId };
  if (event.status === 'ended' || event.status === 'published' || event.status === 'cancelled')
    return { phase: 'ended' };
  return { phase: 'live' };
}

export interface LiveEndWatcherOptions {
  eventId: string;
  fetchEvent: (id: string) => Promise<Pick<LiveEvent, 'status' | 'replayId'>>;
  /** Called when the phase changes (never for 'live', the phase a watch starts in). */
  onChange: (phase: LiveEndPhase) => void;
  intervalMs: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** Polls until the replay is published (then stops: nothing else can happen) or `stop()`. */
export class LiveEndWatcher {
  private timer: unknown = null;
  private stopped = false;
  private current: LiveEndPhase['phase'] = 'live';
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: LiveEndWatcherOptions) {
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  /** One poll (the timer calls it; exposed so a test or a "network back" can poll at once). */
  async poll(): Promise<void> {
    let next: LiveEndPhase;
    try {
      next = liveEndPhase(await this.options.fetchEvent(this.options.eventId));
    } catch {
      return; // the network blinked: ask again next time
    }
    if (this.stopped || next.phase === this.current) return;
    this.current = next.phase;
    this.options.onChange(next);
  }

  private schedule(): void {
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.poll().then(() => {
        if (!this.stopped && this.current !== 'published') this.schedule();
      });
    }, this.options.intervalMs);
  }
}
