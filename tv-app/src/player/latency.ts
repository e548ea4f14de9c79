// How close to the live edge a playback sits (issue #12). Two choices, both pure:
//  - latencyChoice: per playback, from what the device can do, whether hls.js runs in its
//    low-latency mode (parts and blocking playlist reloads when the playlist offers them) and
//    how fast it may play to catch up with its target;
//  - liveTargetLatency: per media playlist, the seconds behind the live edge to hold: with
//    parts, the configured target but never closer than the playlist's PART-HOLD-BACK (the
//    spec's floor); without them, whole segments as before LL-HLS.
import { PLAYER_DEFAULTS } from './config.ts';

/** PLAYER_DEFAULTS.lowLatency's shape (documented there). */
export interface LowLatencySettings {
  enabled: boolean;
  targetLatencyS: number;
  segmentTargetDurations: number;
  maxLiveSyncPlaybackRate: number;
  minCores: number;
  resyncCooldownMs: number;
  stallIncreaseS: number;
}

/** What the device can do, read once per playback (hls-player.ts reads it from the page). */
export interface PlaybackCapabilities {
  /** hls.js can play here (Media Source Extensions); without it the platform's own player plays HLS its way. */
  mse: boolean;
  /** `navigator.hardwareConcurrency`; undefined on engines that do not say (the oldest TVs). */
  cores: number | undefined;
  /** The element keeps the audio's pitch when its playbackRate changes (`preservesPitch`). */
  preservesPitch: boolean;
}

export interface LatencyChoice {
  /** hls.js's `lowLatencyMode`. */
  lowLatencyMode: boolean;
  /** hls.js's `maxLiveSyncPlaybackRate`: 1 never changes the speed. */
  maxLiveSyncPlaybackRate: number;
}

/**
 * Low latency for lives only, and only where it can hold: hls.js over MSE with cores enough for
 * a request and an append every part; the catch-up only where a faster picture keeps its
 * sound's pitch. Replays and clips (and weaker TVs) play whole segments, as plain HLS.
 */
export function latencyChoice(
  live: boolean,
  caps: PlaybackCapabilities,
  settings: LowLatencySettings = PLAYER_DEFAULTS.lowLatency,
): LatencyChoice {
  const low = settings.enabled && live && caps.mse && (caps.cores ?? 0) >= settings.minCores;
  return {
    lowLatencyMode: low,
    maxLiveSyncPlaybackRate: low && caps.preservesPitch ? settings.maxLiveSyncPlaybackRate : 1,
  };
}

/** The fields of hls.js's LevelDetails the target depends on (seconds; 0 when absent). */
export interface LatencyPlaylist {
  targetduration: number;
  /** EXT-X-PART-INF PART-TARGET: 0 without parts. */
  partTarget: number;
  /** EXT-X-SERVER-CONTROL PART-HOLD-BACK. */
  partHoldBack: number;
  /** EXT-X-SERVER-CONTROL HOLD-BACK. */
  holdBack: number;
}

/**
 * Seconds behind the live edge to hold for this playlist (hls.js's `targetLatency`).
 * `subtitlesShown`: subtitles come in whole segments (no parts), listed once a segment is over and
 * seen by the TV up to a reload later: a picture held a few parts behind the edge plays past the
 * newest cues it knows, and hls.js then loads none (it waits for the subtitle playlist to pass
 * the picture, which moves as fast). So with subtitles on, the whole-segment latency.
 */
export function liveTargetLatency(
  playlist: LatencyPlaylist,
  choice: LatencyChoice,
  settings: LowLatencySettings = PLAYER_DEFAULTS.lowLatency,
  subtitlesShown = false,
): number {
  if (choice.lowLatencyMode && playlist.partTarget > 0 && !subtitlesShown) {
    // The spec: PART-HOLD-BACK is at least three part targets; a server that omits it gets that.
    const floor = playlist.partHoldBack > 0 ? playlist.partHoldBack : 3 * playlist.partTarget;
    return Math.max(floor, settings.targetLatencyS);
  }
  if (playlist.holdBack > 0) return playlist.holdBack;
  return settings.segmentTargetDurations * playlist.targetduration;
}

/** What `shouldResync` weighs, read at each playlist update of a live. */
export interface ResyncInput {
  /** The viewer follows the live edge: no seek back, pause or « Depuis le début » since it started or ▲. */
  followingLive: boolean;
  /** hls.js's latency to the live edge and its target (s). */
  latency: number;
  targetLatency: number;
  targetduration: number;
  /** The picture is paused, or an ad break plays: never jump then. */
  paused: boolean;
  inAd: boolean;
  /** ms since the last resync (Infinity when none). */
  sinceLastResyncMs: number;
}

/**
 * A live the viewer follows that fell behind by stalls (the network, a busy TV) jumps back to
 * its target: hls.js's catch-up only works within a target duration of the target (further
 * behind it counts as the viewer's own delay), and a live left seconds behind is the neighbours'
 * cheer before the goal. Not for a delay the viewer chose, not more often than `cooldownMs`.
 */
export function shouldResync(input: ResyncInput, cooldownMs: number): boolean {
  if (!input.followingLive || input.paused || input.inAd) return false;
  if (input.sinceLastResyncMs < cooldownMs) return false;
  return input.latency > input.targetLatency + input.targetduration;
}
