// Every tunable of the player in one place (as hls.js does with its config defaults).
import type { HlsConfig } from 'hls.js';
import type { LatencyChoice } from './latency.ts';
import { fullJitter } from './backoff.ts';

export const PLAYER_DEFAULTS = {
  /**
   * Lives at low latency (LL-HLS, latency.ts decides per playback and per playlist). hls.js's
   * `lowLatencyMode` loads parts and blocks on playlist reloads where the playlist offers them
   * (EXT-X-PART, EXT-X-SERVER-CONTROL) and plays whole segments where it does not; replays and
   * clips never use it.
   */
  lowLatency: {
    /** Off: every live plays whole segments, `segmentTargetDurations` behind the edge. */
    enabled: true,
    /**
     * Seconds behind the live edge with parts; never closer than the playlist's PART-HOLD-BACK.
     * Not the floor itself (1.56 s with our parts): there Chromium on a busy 2-core box stalled
     * again and again and drifted away from it; 1.8 s held steady (the README's latency table).
     */
    targetLatencyS: 1.8,
    /**
     * Seconds hls.js adds to the target at each stall (`liveSyncOnStallIncrease`, 1 by default,
     * up to a target duration): one stall on a busy box then held a live a whole second further
     * behind for the rest of the playback; a quarter second keeps a single stall from costing that.
     */
    stallIncreaseS: 0.25,
    /** Without parts: target durations behind the live edge (hls.js's liveSyncDurationCount). */
    segmentTargetDurations: 3,
    /**
     * Behind its target (after a stall), hls.js plays up to this fast until it is back
     * (`maxLiveSyncPlaybackRate`; only where the element keeps the pitch): no jump, no pause.
     */
    maxLiveSyncPlaybackRate: 1.1,
    /** Fewer cores than this, or an engine that does not say (the oldest TVs): plain HLS. */
    minCores: 2,
    /**
     * A followed live further behind than its target plus a target duration (stalls) jumps back
     * to the target (latency.ts's shouldResync), at most once in this many ms.
     */
    resyncCooldownMs: 15_000,
  },
  /**
   * The hidden debug overlay (pages/player/DebugOverlay.ts): typed on the remote in the player,
   * these digits in order, each within `maxGapMs` of the last, show it; again, hide it. Digits
   * 1–4 zap, so the code uses none of them. Its figures are redrawn every `refreshMs`.
   */
  debugOverlay: {
    sequence: ['Digit0', 'Digit5', 'Digit7', 'Digit9'],
    maxGapMs: 2000,
    refreshMs: 500,
  },
  /** Seconds of already-played media kept in the buffer (small: TVs have little memory). */
  backBufferLive: 30,
  backBufferVod: 60,
  /** Left/Right on the remote, seconds. */
  seekStep: 10,
  /** Fast-forward / rewind keys, seconds. */
  fastSeekStep: 30,
  /**
   * Held Left/Right (seek-scrubber.ts): step per key repeat by how long the key has been held,
   * capped to a fraction of the media for short clips; the one seek comes `settleMs` after
   * the key goes up (or `heldSettleMs` after the last repeat if the keyup never comes).
   */
  scrub: {
    levels: [
      { heldMs: 0, step: 10 },
      { heldMs: 1200, step: 30 },
      { heldMs: 3000, step: 60 },
      { heldMs: 6000, step: 120 },
    ],
    maxStepFraction: 1 / 20,
    settleMs: 600,
    heldSettleMs: 5000,
  },
  /**
   * The master playlist of what OK would play is fetched once the focus has rested on it this
   * long (manifest-preload.ts), and kept this long for the playback that follows.
   */
  manifestPreload: { dwellMs: 300, ttlMs: 30_000, maxEntries: 2 },
  /** A live being watched asks the catalog this often whether it has ended (live-end.ts). */
  liveEndPollMs: 15_000,
  /**
   * « Depuis le début » of a live older than its window starts this many target durations
   * after the window's start: room for a stall before the playhead falls out of the window.
   */
  startOverMarginTargetDurations: 3,
  /** Within this many seconds of the live edge, the stream counts as live ("DIRECT"). */
  liveEdgeTolerance: 8,
  /** The overlay starts fading this long after the last key while playing (never while seeking). */
  overlayHideMs: 5000,
  /**
   * Reconnection after a fatal network error: the longest delay (ms) before each attempt, then
   * give up; each delay is drawn between 0 and it (full jitter, backoff.ts).
   */
  reconnectDelaysMs: [1000, 2000, 4000, 8000, 8000],
  /**
   * …or sooner: once segments have failed for this long (ms) with nothing buffered since, the
   * error screen (Réessayer) replaces "Reconnexion…". hls.js alone spends ~15 s
   * retrying a fragment before its fatal error, so this gives a dead origin about 40-50 s.
   */
  reconnectGiveUpMs: 40_000,
  /**
   * A live on the error screen is probed every half this to this (ms, drawn: live-return.ts) and
   * comes back by itself once its stream is back; « Réessayer » still works meanwhile.
   */
  liveReturnProbeMs: 10_000,
  /**
   * Seconds: the most the clock moves between two 'timeupdate' events by playing (they come
   * every ~250 ms); a bigger step is a seek or a jump to the live edge, not playback.
   */
  maxPlaybackStepS: 1.5,
  /**
   * Signed playback URLs (access-renewal.ts): the catalog is asked for a fresh one `aheadMs`
   * before the token expires (or at `aheadFraction` of its life left, for short tokens), once
   * per token (again `retryMs` later while the catalog does not answer); after a 403, at most
   * `maxRefusedRenewals` renewals until media flows again.
   */
  accessRenewal: { aheadMs: 60_000, aheadFraction: 0.25, minDelayMs: 1000, retryMs: 3000, maxRefusedRenewals: 1 },
} as const;

export interface HlsConfigInput {
  live: boolean;
  /** Low-latency mode and catch-up (latency.ts's latencyChoice); plain HLS when absent. */
  latency?: LatencyChoice;
  startPosition?: number;
  sessionId: string;
  contentId: string;
  /** Subtitles shown from the start, in this language (the viewer's setting); none when absent. */
  subtitleLanguage?: string;
}

/** The hls.js configuration for one playback: CMCD carries the session and content ids. */
export function hlsConfig({
  live,
  latency,
  startPosition,
  sessionId,
  contentId,
  subtitleLanguage,
}: HlsConfigInput): Partial<HlsConfig> {
  return {
    // hls.js picks the initial subtitle track itself (after announcing the tracks, so setting
    // one from the app at that moment is overridden): tell it the preference instead.
    ...(subtitleLanguage ? { subtitlePreference: { lang: subtitleLanguage } } : {}),
    startPosition: startPosition ?? -1,
    // No liveSyncDuration(Count) here: set by hls.js's user config, it would override the
    // playlist's PART-HOLD-BACK; the player sets the target per playlist (liveTargetLatency).
    lowLatencyMode: latency?.lowLatencyMode ?? false,
    maxLiveSyncPlaybackRate: latency?.maxLiveSyncPlaybackRate ?? 1,
    liveSyncOnStallIncrease: PLAYER_DEFAULTS.lowLatency.stallIncreaseS,
    backBufferLength: live ? PLAYER_DEFAULTS.backBufferLive : PLAYER_DEFAULTS.backBufferVod,
    enableWorker: true,
    // CMCD as a query parameter, not headers: no CORS preflight, and the edge logs it and
    // keeps it out of its cache key (FIELD-NOTES).
    cmcd: { sessionId, contentId, useHeaders: false },
    // Subtitles are rendered by the browser from the text tracks hls.js creates.
    renderTextTracksNatively: true,
    fragLoadPolicy: { default: FRAGMENT_LOAD_POLICY },
  };
}

/**
 * How hls.js fetches a segment and retries it before its fatal error (hls.js 1.7's defaults,
 * pinned here because the reconnection budget above is reasoned from them):
 *  - first byte within 10 s: the edge's own upstream first-byte timeout is 10 s too, and a
 *    retry sent earlier would only join the edge's fetch of the same segment (collapsing);
 *  - a failed request (5xx, cut connection) is retried 6 times, up to 1 s then doubling up to 8 s
 *    with full jitter (backoff.ts): hls.js waits min(2^n × retryDelayMs, maxRetryDelayMs) and
 *    reads retryDelayMs at each retry, so drawing it in [0, 1 s] each time makes the first four
 *    waits uniform in [0, 1], [0, 2], [0, 4], [0, 8] s (later ones are clipped at 8 s, so TVs
 *    bunch there somewhat); (a 404 is not retried: hls.js tries another rendition, then reports
 *    it fatal and the player's ReconnectPolicy takes over);
 *  - the error count is shared by video and audio, so both failing together halve it: ~15 s of
 *    hls.js retries before the player's own reloads start (seen in tests/e2e/player-faults).
 */
/** hls.js's first retry of a failed segment waits up to this (ms), doubling after. */
export const FRAGMENT_RETRY_BASE_MS = 1000;
export const FRAGMENT_LOAD_POLICY = {
  maxTimeToFirstByteMs: 10_000,
  maxLoadTimeMs: 120_000,
  timeoutRetry: { maxNumRetry: 4, retryDelayMs: 0, maxRetryDelayMs: 0 },
  errorRetry: {
    maxNumRetry: 6,
    get retryDelayMs(): number {
      return fullJitter(FRAGMENT_RETRY_BASE_MS);
    },
    maxRetryDelayMs: 8000,
  },
} as const;
