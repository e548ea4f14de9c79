// Held Left/Right: key timestamps in, preview positions out; one seek when the keys go quiet.
import { SCRUB_DEFAULTS, SeekScrubber } from '../../tv-app/src/player/seek-scrubber.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const LONG = { position: 1000, start: 0, end: 7200 }; // a 2-hour replay, playing at 16:40
const SHORT = { position: 20, start: 0, end: 50 }; // a 50 s clip

/** Presses every `everyMs` from `from` to `to` (inclusive) like a remote's repeats; returns the positions. */
function hold(s: SeekScrubber, direction: 1 | -1, from: number, to: number, everyMs: number, range = LONG): number[] {
  const out: number[] = [];
  for (let now = from; now <= to; now += everyMs) out.push(s.press(direction, now, range));
  return out;
}

test('a tap moves the preview 10 s; the seek comes once, settleMs after the release', () => {
  const s = new SeekScrubber();
  expect(s.press(1, 0, LONG)).toBe(1010);
  s.release(80);
  expect(s.active).toBe(true);
  expect(s.settle(80 + SCRUB_DEFAULTS.settleMs - 1)).toBeNull();
  expect(s.settle(80 + SCRUB_DEFAULTS.settleMs)).toBe(1010);
  // Handed out once: nothing more to seek.
  expect(s.active).toBe(false);
  expect(s.settle(5000)).toBeNull();
});

test('taps in a row add up on the preview (no seek between them)', () => {
  const s = new SeekScrubber();
  for (const t of [0, 300, 600]) {
    s.press(-1, t, LONG);
    s.release(t + 80);
    expect(s.settle(t + 250)).toBeNull();
  }
  expect(s.target).toBe(970);
  expect(s.settle(680 + SCRUB_DEFAULTS.settleMs)).toBe(970);
});

test('holding: steps grow with the time held (10 s, then 30 s, then 60 s, then 120 s)', () => {
  const s = new SeekScrubber();
  // Repeats every 120 ms (the app's key gate) for 7 s.
  const positions = hold(s, 1, 0, 7000, 125);
  const steps = positions.map((p, i) => p - (i === 0 ? LONG.position : itemAt(positions, i - 1)));
  expect(steps.slice(0, 9).every((d) => d === 10)).toBe(true); // first 1.2 s
  expect(new Set(steps)).toEqual(new Set([10, 30, 60, 120]));
  // Monotonic: the steps never shrink while held.
  expect(steps.every((d, i) => i === 0 || d >= itemAt(steps, i - 1))).toBe(true);
  // No seek while the key is held, however long.
  expect(s.settle(7000)).toBeNull();
  s.release(7050);
  expect(s.settle(7050 + SCRUB_DEFAULTS.settleMs)).toBe(positions[positions.length - 1]);
});

test('the steps do not depend on how fast the remote repeats (they depend on the time held)', () => {
  const fast = new SeekScrubber();
  const slow = new SeekScrubber();
  const a = hold(fast, 1, 0, 2000, 100);
  const b = hold(slow, 1, 0, 2000, 250);
  const stepAt = (positions: number[], i: number) => itemAt(positions, i) - itemAt(positions, i - 1);
  // At 1.6 s held, both move by the same step.
  expect(stepAt(a, 16)).toBe(30);
  expect(stepAt(b, Math.round(1600 / 250))).toBe(30);
});

test('release then press again: a fresh tap (10 s), from the preview, not from playback', () => {
  const s = new SeekScrubber();
  hold(s, 1, 0, 2000, 125); // into the 30 s steps
  s.release(2010);
  const before = s.target!;
  expect(s.press(1, 2100, LONG)).toBe(before + 10);
});

test('changing direction starts a new hold from the preview', () => {
  const s = new SeekScrubber();
  hold(s, 1, 0, 2000, 125);
  const far = s.target!;
  expect(s.press(-1, 2100, LONG)).toBe(far - 10);
});

test('a short clip: the held steps stay at 10 s (no crossing it in two repeats), inside 0..end', () => {
  const s = new SeekScrubber();
  const positions = hold(s, 1, 0, 4000, 125, SHORT);
  expect(positions.slice(0, 3)).toEqual([30, 40, 49.5]);
  expect(Math.max(...positions)).toBe(49.5);
  s.cancel();
  expect(hold(s, -1, 0, 4000, 125, SHORT).at(-1)).toBe(0);
});

test('a key held but silent does not seek; a lost keyup settles after heldSettleMs', () => {
  const s = new SeekScrubber();
  hold(s, -1, 0, 500, 125);
  expect(s.settle(500 + SCRUB_DEFAULTS.settleMs)).toBeNull();
  expect(s.dueIn(500)).toBe(SCRUB_DEFAULTS.heldSettleMs);
  expect(s.settle(500 + SCRUB_DEFAULTS.heldSettleMs)).toBe(950);
});

test('fast-forward keys step at least 30 s; cancel forgets the preview', () => {
  const s = new SeekScrubber();
  expect(s.press(1, 0, LONG, 30)).toBe(1030);
  s.cancel();
  expect(s.active).toBe(false);
  expect(s.settle(10_000)).toBeNull();
});

test('live window: the preview stays inside the seekable range as given at each press', () => {
  const s = new SeekScrubber();
  const live = { position: 110, start: 60, end: 120 };
  expect(hold(s, -1, 0, 800, 125, live).at(-1)).toBe(60);
  expect(s.press(1, 2000, { position: 112, start: 62, end: 122 })).toBe(70);
});
