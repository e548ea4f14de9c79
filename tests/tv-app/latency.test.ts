// Low latency (issue #12): which playbacks run hls.js in its low-latency mode, and how far
// behind the live edge each playlist is held.
import { hlsConfig, PLAYER_DEFAULTS } from '../../tv-app/src/player/config.ts';
import {
  latencyChoice,
  liveTargetLatency,
  shouldResync,
  type PlaybackCapabilities,
} from '../../tv-app/src/player/latency.ts';

const modernTv: PlaybackCapabilities = { mse: true, cores: 4, preservesPitch: true };
/** An old engine: MSE, but it does not say its cores (before Chrome 37) and has no preservesPitch. */
const oldTv: PlaybackCapabilities = { mse: true, cores: undefined, preservesPitch: false };
const lowLatency = {
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: PLAYER_DEFAULTS.lowLatency.maxLiveSyncPlaybackRate,
};
const plain = { lowLatencyMode: false, maxLiveSyncPlaybackRate: 1 };

test('a live on a capable TV: low-latency mode with the catch-up; replays and clips: never', () => {
  expect(latencyChoice(true, modernTv)).toEqual(lowLatency);
  expect(PLAYER_DEFAULTS.lowLatency.maxLiveSyncPlaybackRate).toBeGreaterThan(1);
  expect(latencyChoice(false, modernTv)).toEqual(plain);

  const live = hlsConfig({ live: true, latency: latencyChoice(true, modernTv), sessionId: 's', contentId: 'c' });
  expect(live.lowLatencyMode).toBe(true);
  expect(live.maxLiveSyncPlaybackRate).toBe(PLAYER_DEFAULTS.lowLatency.maxLiveSyncPlaybackRate);
  const vod = hlsConfig({ live: false, latency: latencyChoice(false, modernTv), sessionId: 's', contentId: 'c' });
  expect(vod.lowLatencyMode).toBe(false);
  expect(vod.maxLiveSyncPlaybackRate).toBe(1);
  // Without a choice (no hls.js capability read yet): plain HLS, hls.js's low-latency default overridden.
  expect(hlsConfig({ live: true, sessionId: 's', contentId: 'c' }).lowLatencyMode).toBe(false);
  // A liveSyncDuration(Count) in hls.js's user config would override the playlist's PART-HOLD-BACK.
  for (const config of [live, vod]) {
    expect(config.liveSyncDuration).toBeUndefined();
    expect(config.liveSyncDurationCount).toBeUndefined();
  }
});

test('legacy TVs and weak devices play lives as plain HLS, decided by what the device says it can do', () => {
  expect(latencyChoice(true, oldTv)).toEqual(plain);
  expect(latencyChoice(true, { ...modernTv, cores: 1 })).toEqual(plain);
  expect(latencyChoice(true, { ...modernTv, mse: false })).toEqual(plain);
  // Cores enough but a speed change would shift the sound's pitch: low latency, no catch-up.
  expect(latencyChoice(true, { ...modernTv, preservesPitch: false })).toEqual({
    lowLatencyMode: true,
    maxLiveSyncPlaybackRate: 1,
  });
  // Switched off in the config: plain everywhere.
  expect(latencyChoice(true, modernTv, { ...PLAYER_DEFAULTS.lowLatency, enabled: false })).toEqual(plain);
});

test('target latency: with parts, the configured target but never closer than PART-HOLD-BACK; without, whole segments', () => {
  const target = PLAYER_DEFAULTS.lowLatency.targetLatencyS;
  // Today's playlists: 2 s segments, no parts, no HOLD-BACK: three target durations, as before.
  const segments = { targetduration: 2, partTarget: 0, partHoldBack: 0, holdBack: 0 };
  expect(liveTargetLatency(segments, lowLatency)).toBe(6);
  expect(liveTargetLatency(segments, plain)).toBe(6);
  expect(liveTargetLatency({ ...segments, holdBack: 8 }, lowLatency)).toBe(8);
  // Parts of 0.33 s, PART-HOLD-BACK 1 s: the configured target (more margin than the floor).
  const parts = { targetduration: 2, partTarget: 0.33, partHoldBack: 1, holdBack: 6 };
  expect(liveTargetLatency(parts, lowLatency)).toBe(Math.max(1, target));
  // Parts of 1 s, PART-HOLD-BACK 3 s: the floor wins.
  expect(liveTargetLatency({ ...parts, partTarget: 1, partHoldBack: 3 }, lowLatency)).toBe(Math.max(3, target));
  // No PART-HOLD-BACK given: the spec's minimum, three part targets.
  expect(liveTargetLatency({ ...parts, partTarget: 1, partHoldBack: 0 }, lowLatency)).toBe(Math.max(3, target));
  // Plain HLS ignores the parts: HOLD-BACK.
  expect(liveTargetLatency(parts, plain)).toBe(6);
  expect(target).toBeLessThanOrEqual(3);
  // Subtitles on: they come in whole segments, so the whole-segment latency, parts or not.
  expect(liveTargetLatency(parts, lowLatency, undefined, true)).toBe(6);
  expect(liveTargetLatency({ ...parts, holdBack: 0 }, lowLatency, undefined, true)).toBe(6);
  expect(liveTargetLatency(segments, plain, undefined, true)).toBe(6);
});

test('a followed live that stalled its way behind jumps back to its target; a delay the viewer chose stays', () => {
  const cooldown = PLAYER_DEFAULTS.lowLatency.resyncCooldownMs;
  const followed = {
    followingLive: true,
    latency: 2.2,
    targetLatency: 2,
    targetduration: 2,
    paused: false,
    inAd: false,
    sinceLastResyncMs: Infinity,
  };
  // At the target, or within hls.js's own catch-up range (a target duration past it): no jump.
  expect(shouldResync(followed, cooldown)).toBe(false);
  expect(shouldResync({ ...followed, latency: 3.9 }, cooldown)).toBe(false);
  // Stalls left it 11 s behind: back to the target.
  const behind = { ...followed, latency: 11 };
  expect(shouldResync(behind, cooldown)).toBe(true);
  // Not after a seek back, a pause or « Depuis le début » (not following), not paused, not in an ad,
  // not twice in a row.
  expect(shouldResync({ ...behind, followingLive: false }, cooldown)).toBe(false);
  expect(shouldResync({ ...behind, paused: true }, cooldown)).toBe(false);
  expect(shouldResync({ ...behind, inAd: true }, cooldown)).toBe(false);
  expect(shouldResync({ ...behind, sinceLastResyncMs: cooldown - 1 }, cooldown)).toBe(false);
  expect(shouldResync({ ...behind, sinceLastResyncMs: cooldown }, cooldown)).toBe(true);
});
