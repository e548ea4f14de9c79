// A timeline taking a channel over from another origin replica (origin/replicas/): the media
// sequence goes on from the clock, and the first slot it publishes starts a new run, so players
// get EXT-X-DISCONTINUITY where the content may jump (the other's feed or slate → this one's).
import { expect, test } from '@jest/globals';
import { LiveTimeline } from '../../edge-origin/src/origin/live/timeline.ts';
import type { JournalEntry } from '../../edge-origin/src/origin/live/timeline.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const D = 2000;
const LOOP = 16;
const clock = { epochMs: EPOCH, segmentDuration: 2, windowSize: 6 };
const at = (slot: number, ms = 0) => EPOCH + slot * D + ms;

function timeline(fallback: 'slate' | 'loop', journal?: (e: JournalEntry) => void): LiveTimeline {
  return new LiveTimeline({
    clock,
    loopSegments: LOOP,
    graceMs: 500,
    lockMarginMs: 1000,
    maxQueuedSlots: 3,
    fallback: () => fallback,
    ...(journal ? { journal } : {}),
  });
}

/** Seals what is due at `now` and returns its window. */
const windowAt = (t: LiveTimeline, now: number) => {
  t.seal(now);
  return t.window(now);
};

test('an inactive timeline (the loop so far) marks the first slot it publishes after a takeover', () => {
  const journal: JournalEntry[] = [];
  const t = timeline('slate', journal.push.bind(journal));
  const base = LOOP * 50 + 9; // mid-loop: no wrap in the windows read
  const before = windowAt(t, at(base, 300));
  expect(before.slots.every((s) => s.kind === 'loop' && !s.discontinuity)).toBe(true);

  expect(t.takeOver(at(base, 300))).toBe(base - 1);
  // The other replica may or may not have published the slot whose time just ended (base - 1):
  // that one and the one whose time runs (base) each start a run of this replica's, so a
  // player gets a discontinuity after whichever was the other's last.
  const after = windowAt(t, at(base + 3, 600));
  expect(after.mediaSequence).toBe(before.mediaSequence + 3);
  for (const sequence of [base - 1, base]) {
    const slot = after.slots.find((s) => s.sequence === sequence)!;
    expect([slot.kind, slot.discontinuity]).toEqual(['slate', true]);
  }
  expect(after.slots.filter((s) => s.sequence > base).every((s) => s.kind === 'slate' && !s.discontinuity)).toBe(true);
  expect(after.slots.filter((s) => s.sequence < base - 1).every((s) => s.kind === 'loop')).toBe(true);
  expect(after.discontinuitySequence).toBe(before.discontinuitySequence);
  // Journaled: a restart serves the same run.
  const restored = timeline('slate');
  restored.restore(journal);
  expect(restored.window(at(base + 3, 600))).toEqual(after);
});

test('a run of the same kind (the loop) is broken too, and the discontinuity sequence counts it', () => {
  const t = timeline('loop');
  const base = LOOP * 70 + 4;
  windowAt(t, at(base, 100));
  t.takeOver(at(base, 100));
  windowAt(t, at(base + 1, 900));
  t.takeOver(at(base + 1, 900)); // a second takeover (the channel went back and forth)
  const w = windowAt(t, at(base + 4, 900));
  const marks = w.slots.filter((s) => s.discontinuity).map((s) => s.sequence);
  expect(marks).toEqual([base - 1, base, base + 1]);
  expect(w.slots.every((s) => s.kind === 'loop')).toBe(true);
  // Source segments still follow the clock (the loop is the same arithmetic on every replica).
  expect(w.slots.map((s) => s.sourceIndex)).toEqual(w.slots.map((s) => s.sequence % LOOP));
  // The next window (first slot gone) says one more discontinuity before it.
  const next = windowAt(t, at(base + 10, 900));
  expect(next.discontinuitySequence).toBe(w.discontinuitySequence + 3);
});
