import { ReconnectPolicy } from '../../tv-app/src/player/reconnect.ts';
import {
  FRAGMENT_LOAD_POLICY,
  FRAGMENT_RETRY_BASE_MS,
  PLAYER_DEFAULTS,
  hlsConfig,
} from '../../tv-app/src/player/config.ts';

/** The jitter's draw at its top: every delay is its cap, the longest schedule (backoff.test.ts draws them). */
const top = () => 1;

test('reloads on a growing schedule, then gives up when the schedule is used up', () => {
  const policy = new ReconnectPolicy([1000, 2000, 4000], 60_000, top);
  expect([policy.next(0), policy.next(1000), policy.next(3000), policy.next(7000)]).toEqual([1000, 2000, 4000, null]);
  expect(policy.attempts).toBe(3);
});

test('gives up once the outage, counted from its first failed request, would outlast the budget', () => {
  const policy = new ReconnectPolicy([1000, 2000, 4000, 8000, 8000], 40_000, top);
  // hls.js retried the fragment on its own for ~15 s before its first fatal error.
  policy.failed(0);
  policy.failed(5_000); // later failures of the same outage do not move its start
  expect(policy.next(15_000)).toBe(1000);
  expect(policy.next(31_000)).toBe(2000);
  // The next reload would start at 48 s: past the 40 s budget.
  expect(policy.next(44_000)).toBeNull();
});

test('media buffered again ends the outage: the next one starts from scratch', () => {
  const policy = new ReconnectPolicy([1000, 2000], 10_000, top);
  policy.failed(0);
  expect(policy.next(9_500)).toBeNull(); // 9.5 s + 1 s > 10 s
  expect(policy.inOutage).toBe(true);
  policy.reset();
  expect(policy.inOutage).toBe(false);
  expect(policy.next(100_000)).toBe(1000);
  expect(policy.next(101_000)).toBe(2000);
});

test('the defaults give a dead origin less than a minute of "Reconnexion…" after hls.js gives up', () => {
  const policy = new ReconnectPolicy(undefined, undefined, top);
  // Every reload fails the way hls.js does: ~15 s of its own retries, then a fatal error.
  let now = 15_000;
  policy.failed(0);
  let delay = policy.next(now);
  while (delay !== null) {
    now += delay + 15_000;
    delay = policy.next(now);
  }
  expect(now).toBeLessThan(60_000);
  expect(PLAYER_DEFAULTS.reconnectGiveUpMs).toBeLessThan(now);
});

test("the budget leaves room for the player's own reloads even after hls.js's longest retrying of one segment", () => {
  // hls.js's worst case: every retry of one segment waits its full backoff (1 s, 2 s, 4 s, 8 s, …).
  const { maxNumRetry, maxRetryDelayMs } = FRAGMENT_LOAD_POLICY.errorRetry;
  let hlsRetrying = 0;
  for (let i = 0; i < maxNumRetry; i++) hlsRetrying += Math.min(FRAGMENT_RETRY_BASE_MS * 2 ** i, maxRetryDelayMs);
  const policy = new ReconnectPolicy(undefined, undefined, top);
  policy.failed(0);
  expect(policy.next(hlsRetrying)).toBe(PLAYER_DEFAULTS.reconnectDelaysMs[0]);
});

test('hls.js gets the pinned fragment policy', () => {
  expect(hlsConfig({ live: true, sessionId: 's', contentId: 'c' }).fragLoadPolicy).toEqual({
    default: FRAGMENT_LOAD_POLICY,
  });
});
