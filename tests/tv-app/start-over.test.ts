// « Depuis le début »: where in a live window playback starts, and where it starts again when the
// window slid past that point before anything played.
import { buffersAt, mediaTimeOfDate, slidPast, startOverPosition } from '../../tv-app/src/player/start-over.ts';
import type { LiveWindow } from '../../tv-app/src/player/start-over.ts';

const T0 = Date.UTC(2026, 11, 5, 20, 0, 0);

/** A window of `count` 2 s segments whose first starts at media time `start`, dated from T0 + start. */
function window(start: number, count: number): LiveWindow {
  return {
    fragments: Array.from({ length: count }, (_, i) => ({
      start: start + 2 * i,
      duration: 2,
      programDateTime: T0 + (start + 2 * i) * 1000,
    })),
    targetduration: 2,
    totalduration: 2 * count,
  };
}

test('the media time of an instant: inside its segment, the window start when older, null without dates', () => {
  const w = window(100, 30);
  expect(mediaTimeOfDate(w.fragments, T0 + 105_500)).toBe(105.5);
  expect(mediaTimeOfDate(w.fragments, T0)).toBe(100);
  expect(mediaTimeOfDate(w.fragments, T0 + 500_000)).toBe(160);
  expect(mediaTimeOfDate([{ start: 0, duration: 2, programDateTime: null }], T0)).toBeNull();
});

test('an event older than the window starts 3 target durations in; one begun inside it, where it began; never on a cut', () => {
  // A quarter of a target duration into the segment at the most (its audio may begin just after it).
  expect(startOverPosition(window(100, 30), T0)).toBe(106.5);
  expect(startOverPosition(window(100, 30), T0 + 130_000)).toBe(130.5);
  expect(startOverPosition(window(100, 30), T0 + 131_000)).toBe(131);
  expect(startOverPosition({ ...window(100, 30), fragments: [] }, T0)).toBeNull();
});

test('each start the window slid past doubles the margin, up to half the window', () => {
  // The window moved on by 8 s while the first segment was coming.
  const later = window(108, 30);
  expect(slidPast(later, 106)).toBe(true);
  expect(slidPast(later, 108)).toBe(false);
  expect(startOverPosition(later, T0, 1)).toBe(120.5);
  expect(startOverPosition(later, T0, 2)).toBe(132.5);
  expect(startOverPosition(later, T0, 3)).toBe(138.5); // 30 s: half the 60 s window
  expect(startOverPosition(later, T0, 9)).toBe(138.5);
  // An event begun further in than the margin keeps its own start.
  expect(startOverPosition(later, T0 + 140_000, 1)).toBe(140.5);
});

test('a start is held when the media has data there, seeked to or not', () => {
  const ranges = (...r: [number, number][]) => ({
    buffered: { length: r.length, start: (i: number) => r[i]![0], end: (i: number) => r[i]![1] } as TimeRanges,
  });
  expect(buffersAt(ranges([100, 104], [106, 110]), 107)).toBe(true);
  expect(buffersAt(ranges([100, 104], [106, 110]), 105)).toBe(false);
  expect(buffersAt(ranges(), 0)).toBe(false);
});
