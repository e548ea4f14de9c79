// Full jitter (issue #14): after an outage 10,000 TVs fail together; their retries must come
// back spread over each interval, not in lock-step at 1, 2, 4, 8 s. The player's reloads
// (ReconnectPolicy) and hls.js's retries of a segment (the fragment policy's retryDelayMs,
// drawn at each read) both draw their delays with backoff.ts's fullJitter.
import { expect, test } from '@jest/globals';
import { fullJitter } from '../../tv-app/src/player/backoff.ts';
import { FRAGMENT_LOAD_POLICY, PLAYER_DEFAULTS } from '../../tv-app/src/player/config.ts';
import { ReconnectPolicy } from '../../tv-app/src/player/reconnect.ts';

const TVS = 10_000;

/** The most TVs that act within the same `windowMs`, as a share of them all. */
function busiestWindow(delaysMs: number[], windowMs: number): number {
  const counts = new Map<number, number>();
  for (const d of delaysMs) counts.set(Math.floor(d / windowMs), (counts.get(Math.floor(d / windowMs)) ?? 0) + 1);
  return Math.max(...counts.values()) / delaysMs.length;
}

test('fullJitter draws between 0 and the cap', () => {
  expect(fullJitter(8000, () => 0)).toBe(0);
  expect(fullJitter(8000, () => 0.25)).toBe(2000);
  expect(fullJitter(8000, () => 1)).toBe(8000);
  expect(fullJitter(0, () => 0.7)).toBe(0);
  for (let i = 0; i < 1000; i++) {
    const d = fullJitter(4000);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(4000);
  }
});

test('10,000 TVs that lost the stream together reload spread over each interval, not in lock-step', () => {
  const tvs = Array.from({ length: TVS }, () => new ReconnectPolicy());
  for (const cap of PLAYER_DEFAULTS.reconnectDelaysMs.slice(0, 4)) {
    // Every TV's reload of this attempt, as the policy gives it (the outage has just begun).
    const delays = tvs.map((tv) => tv.next(0)!);
    expect(delays.every((d) => d >= 0 && d <= cap)).toBe(true);
    const mean = delays.reduce((a, b) => a + b, 0) / TVS;
    expect(Math.abs(mean - cap / 2)).toBeLessThan(cap * 0.05);
    // Uniform over the interval: a tenth of it holds about a tenth of the TVs (lock-step: all).
    expect(busiestWindow(delays, cap / 10)).toBeLessThan(0.13);
    expect(Math.min(...delays)).toBeLessThan(cap * 0.01);
    expect(Math.max(...delays)).toBeGreaterThan(cap * 0.99);
  }
});

test("hls.js's retries of a failed segment are drawn too: its first four waits uniform up to 1, 2, 4, 8 s", () => {
  const retry = FRAGMENT_LOAD_POLICY.errorRetry;
  for (let n = 0; n < 4; n++) {
    // hls.js 1.7's getRetryDelay (src/utils/error-helper.ts), reading the policy at each retry.
    const delays = Array.from({ length: TVS }, () => Math.min(2 ** n * retry.retryDelayMs, retry.maxRetryDelayMs));
    const cap = 1000 * 2 ** n;
    expect(delays.every((d) => d >= 0 && d <= cap)).toBe(true);
    expect(busiestWindow(delays, cap / 10)).toBeLessThan(0.13);
  }
});
