// The player's state machine, apart from hls.js and the <video> element so that
// every transition is testable in jest. The HLS controller feeds it events; the
// player page renders from `state`.

export type PlayerState = 'idle' | 'loading' | 'playing' | 'paused' | 'buffering' | 'reconnecting' | 'ended' | 'error';

export type PlayerEvent =
  | { type: 'load' }
  | { type: 'playing' }
  | { type: 'pause' }
  | { type: 'waiting' }
  | { type: 'ended' }
  | { type: 'error'; fatal: boolean; message: string }
  /** A fatal network error the player is retrying (not yet given up). */
  | { type: 'reconnect' }
  | { type: 'stop' };

export interface PlayerSnapshot {
  state: PlayerState;
  error: string | null;
}

const transitions: Record<PlayerState, Partial<Record<PlayerEvent['type'], PlayerState>>> = {
  idle: { load: 'loading' },
  loading: {
    playing: 'playing',
    pause: 'paused',
    waiting: 'loading',
    error: 'error',
    reconnect: 'reconnecting',
    stop: 'idle',
  },
  playing: {
    pause: 'paused',
    waiting: 'buffering',
    ended: 'ended',
    error: 'error',
    reconnect: 'reconnecting',
    stop: 'idle',
    load: 'loading',
  },
  paused: {
    playing: 'playing',
    waiting: 'paused',
    ended: 'ended',
    error: 'error',
    reconnect: 'reconnecting',
    stop: 'idle',
    load: 'loading',
  },
  buffering: {
    playing: 'playing',
    pause: 'paused',
    ended: 'ended',
    error: 'error',
    reconnect: 'reconnecting',
    stop: 'idle',
    load: 'loading',
  },
  reconnecting: { playing: 'playing', error: 'error', stop: 'idle', load: 'loading' },
  ended: { load: 'loading', playing: 'playing', stop: 'idle' },
  error: { load: 'loading', stop: 'idle' },
};

export class PlayerStateMachine {
  private snapshot: PlayerSnapshot = { state: 'idle', error: null };
  private readonly listeners = new Set<(s: PlayerSnapshot) => void>();

  get state(): PlayerState {
    return this.snapshot.state;
  }

  get error(): string | null {
    return this.snapshot.error;
  }

  /** Applies an event; events that make no sense in the current state are ignored. */
  send(event: PlayerEvent): PlayerState {
    // A non-fatal hls.js error (a segment retried, a level switched) is not a state.
    if (event.type === 'error' && !event.fatal) return this.snapshot.state;
    const next = transitions[this.snapshot.state][event.type];
    if (next === undefined) return this.snapshot.state;
    const error = event.type === 'error' ? event.message : next === 'error' ? this.snapshot.error : null;
    if (next !== this.snapshot.state || error !== this.snapshot.error) {
      this.snapshot = { state: next, error };
      for (const listener of this.listeners) listener(this.snapshot);
    }
    return next;
  }

  subscribe(listener: (s: PlayerSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** What the <video> element says about itself, for `advancedByPlayback`. */
export interface MediaClockView {
  paused: boolean;
  seeking: boolean;
  /** HTMLMediaElement.readyState: 3 (HAVE_FUTURE_DATA) and up means frames to play. */
  readyState: number;
}

/**
 * The clock moved forward by `step` seconds because frames played: not paused, not seeking,
 * data to play, and no more than `maxStep` (a few 'timeupdate' periods). A bigger step is a
 * seek or hls.js jumping to the live edge after a reload, which moves the clock over a frozen
 * picture: that is not the end of a stall.
 */
export function advancedByPlayback(media: MediaClockView, step: number, maxStep: number): boolean {
  return step > 0 && step <= maxStep && !media.paused && !media.seeking && media.readyState >= 3;
}
