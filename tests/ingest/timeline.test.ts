// The live timeline: which slot carries the loop, an ingest unit or the slate, and the
// discontinuities players rely on. Pure: the clock is a number the test moves.
import { describe, expect, test } from '@jest/globals';
import { liveWindow } from '../../shared/hls/live-clock.ts';
import { LiveTimeline } from '../../edge-origin/src/origin/live/timeline.ts';
import type { JournalEntry, TimelineOptions } from '../../edge-origin/src/origin/live/timeline.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const D = 2000;
const LOOP = 16;
const clock = { epochMs: EPOCH, segmentDuration: 2, windowSize: 6 };
const at = (slot: number, ms = 0) => EPOCH + slot * D + ms;
const durations = { video: 2, audio: 2.005 };

function timeline(extra: Partial<TimelineOptions> = {}): LiveTimeline {
  return new LiveTimeline({
    clock,
    loopSegments: LOOP,
    graceMs: 500,
    lockMarginMs: 1000,
    maxQueuedSlots: 3,
    fallback: () => 'slate',
    ...extra,
  });
}

/** Each slot's discontinuity sequence number as every window containing it says. */
function discontinuityNumbers(t: LiveTimeline, from: number, to: number): Map<number, Set<number>> {
  const seen = new Map<number, Set<number>>();
  for (let now = at(from); now <= at(to); now += 250) {
    const w = t.window(now);
    let n = w.discontinuitySequence;
    for (const s of w.slots) {
      if (s.discontinuity) n++;
      const set = seen.get(s.sequence) ?? new Set<number>();
      set.add(n);
      seen.set(s.sequence, set);
    }
  }
  return seen;
}

describe('live timeline', () => {
  test('without a feed it is exactly the ident loop of the live clock', () => {
    const t = timeline();
    for (const now of [at(0, 100), at(5, 1), at(LOOP * 3 + 2, 700), at(LOOP * 1000, 1999)]) {
      const w = t.window(now);
      const expected = liveWindow(now, clock, LOOP);
      expect(w.mediaSequence).toBe(expected.mediaSequence);
      expect(w.discontinuitySequence).toBe(expected.discontinuitySequence);
      expect(w.slots.map((s) => [s.sequence, s.kind, s.sourceIndex, s.discontinuity])).toEqual(
        expected.segments.map((s) => [s.mediaSequence, 'loop', s.sourceIndex, s.discontinuity]),
      );
    }
  });

  test('a feed takes the next slots, one unit per slot; it stops → slate after the grace; it returns → live again', () => {
    const t = timeline();
    const base = LOOP * 100 + 3; // mid-loop
    // Units complete every 2 s, 0.3 s into a clock slot. The run's phase makes its slots end the
    // lock margin (1 s) after each unit is complete: 0.7 s before the clock's boundaries.
    const P = 700;
    for (let k = 0; k < 5; k++) {
      const r = t.addUnit({ session: 'a', index: k, durations, completedAtMs: at(base + k, 300) });
      expect('slot' in r && r.slot).toBe(base + k);
      expect(t.startMs(base + k) + D).toBe(at(base + k, 300) + 1000); // published the margin after it is complete
      t.seal(at(base + k, 300));
    }
    t.seal(at(base + 6, -P)); // slot base+5 is due now
    const live = t.window(at(base + 6, -P));
    expect(live.slots.slice(-5).map((s) => [s.kind, s.unit?.index, s.discontinuity])).toEqual([
      ['ingest', 0, true],
      ['ingest', 1, false],
      ['ingest', 2, false],
      ['ingest', 3, false],
      ['ingest', 4, false],
    ]);
    // The feed stops: slot base+5 stays pending during the grace, then becomes the slate (same phase).
    t.seal(at(base + 6, 400 - P));
    expect(t.edge(at(base + 6, 400 - P))).toBe(base + 4);
    t.seal(at(base + 6, 500 - P));
    expect(t.slot(base + 5)).toMatchObject({ kind: 'slate', discontinuity: true });
    t.seal(at(base + 8, 600 - P));
    expect(t.slot(base + 7)).toMatchObject({ kind: 'slate', discontinuity: false });
    // A new session: a new run, one discontinuity, its own phase. Its slot ends 1 s after the
    // unit is complete: base+9, starting 0.6 s into the clock's slot base+8.
    const r = t.addUnit({ session: 'b', index: 0, durations, completedAtMs: at(base + 8, 1600) });
    expect(r).toEqual({ slot: base + 9 });
    expect(t.startMs(base + 9)).toBe(at(base + 8, 600));
    // What is produced now (where a recording started now begins) follows the run's dates, not the
    // clock's: 0.2 s after slot base+9 began, the clock's own slot is still base+8.
    expect([t.producing(at(base + 8, 500)), t.producing(at(base + 8, 800))]).toEqual([base + 8, base + 9]);
    expect(timeline().producing(at(base + 8, 800))).toBe(base + 8);
    t.seal(at(base + 11, 600));
    expect(t.slot(base + 8)).toMatchObject({ kind: 'slate', discontinuity: false });
    expect(t.slot(base + 9)).toMatchObject({ kind: 'ingest', discontinuity: true, unit: { session: 'b', index: 0 } });
    // Every slot has one discontinuity number whichever window lists it, and publication times only grow.
    for (const [, numbers] of discontinuityNumbers(t, base - 2, base + 12)) expect(numbers.size).toBe(1);
    for (let s = base - 2; s < base + 12; s++) expect(t.startMs(s + 1) + D).toBeGreaterThan(t.startMs(s) + D);
  });

  test('a unit placed as it is encoded starts its run the part margin after its first frame, not on the clock grid', () => {
    const t = timeline({ partLockMarginMs: 400 });
    const base = 700;
    // The feed's units begin 1.3 s into the clock's slots: on the grid they would wait 0.7 s more.
    const r = t.addUnit({ session: 'a', index: 0, completedAtMs: at(base, 1300), startedAtMs: at(base, 1300) });
    expect(r).toEqual({ slot: base + 1 });
    expect(t.startMs(base + 1)).toBe(at(base, 1700));
    // The next units follow slot by slot, each starting 0.4 s after its first frame.
    expect(
      t.addUnit({ session: 'a', index: 1, completedAtMs: at(base + 1, 1300), startedAtMs: at(base + 1, 1300) }),
    ).toEqual({
      slot: base + 2,
    });
    expect(t.startMs(base + 2)).toBe(at(base + 1, 1700));
    // The loop before them keeps the clock's boundaries; the edge moves when each slot's time is over.
    expect(t.startMs(base)).toBe(at(base));
    t.seal(at(base, 1700));
    expect(t.provisional(base + 1)).toMatchObject({ kind: 'ingest', unit: { index: 0, growing: true } });
    t.seal(at(base + 1, 1699));
    expect(t.edge(at(base + 1, 1699))).toBe(base);
    expect(t.finishUnit('a', 0, durations)).toBe(true);
    t.seal(at(base + 1, 1700));
    expect(t.edge(at(base + 1, 1700))).toBe(base + 1);
    expect(t.slot(base + 1)).toMatchObject({ kind: 'ingest', discontinuity: true, unit: { index: 0 } });
  });

  test('a unit on air as parts waits past the grace for its end (a lagging transcoder), not sealed as the slate', () => {
    const t = timeline({ partLockMarginMs: 400, growingGraceMs: 3000 });
    const base = 800;
    t.addUnit({ session: 'a', index: 0, completedAtMs: at(base, 100), startedAtMs: at(base, 100) });
    const slot = base + 1;
    const start = t.startMs(slot);
    t.seal(start + 100);
    expect(t.provisional(slot)).toMatchObject({ kind: 'ingest', unit: { growing: true } }); // its parts go on air
    t.seal(start + D + 2000); // past the grace (500), within the growing grace
    expect(t.edge(start + D + 2000)).toBe(slot - 1);
    expect(t.unfinished()).toEqual([{ slot, session: 'a', index: 0 }]);
    t.finishUnit('a', 0, { video: 1.2, audio: 1.2 }); // the transcoder closed it short
    t.seal(start + D + 2100);
    expect(t.slot(slot)).toMatchObject({ kind: 'ingest', unit: { durations: { video: 1.2 } } });
    // Never finished: the slate after the growing grace.
    const placed = t.addUnit({
      session: 'a',
      index: 1,
      completedAtMs: start + D + 2100,
      startedAtMs: start + D + 2100,
    });
    const next = 'slot' in placed ? placed.slot : -1;
    const nextStart = t.startMs(next);
    t.seal(nextStart + 10);
    t.provisional(next);
    t.seal(nextStart + D + 2999);
    expect(t.edge(nextStart + D + 2999)).toBeLessThan(next);
    t.seal(nextStart + D + 3000);
    expect(t.slot(next)).toMatchObject({ kind: 'slate' });
  });

  test('a slot before the one a run’s first unit took is the fallback at once (its parts by the clock), not left waiting', () => {
    // A feed is coming in: the ingest cannot say what the slot being made will be.
    const t = timeline({ partLockMarginMs: 400, settled: () => undefined });
    const base = 900;
    t.addUnit({ session: 'a', index: 0, completedAtMs: at(base, 1300), startedAtMs: at(base, 1300) });
    t.finishUnit('a', 0, durations);
    const open = t.startMs(base + 2) + 100;
    t.seal(open);
    // Feed a may still send its next unit: the slot waits for it.
    expect(t.provisional(base + 2)).toBeUndefined();
    // Feed b's first unit begins: it takes a slot starting after its first frames, the next one.
    const placed = t.addUnit({ session: 'b', index: 0, completedAtMs: open + 100, startedAtMs: open + 100 });
    expect(placed).toEqual({ slot: base + 3 });
    // Nothing can come to base + 2 now: it is the slate while its time runs, not sealed as one at its end.
    expect(t.provisional(base + 2)).toMatchObject({ kind: 'slate' });
    expect(t.addUnit({ session: 'a', index: 1, completedAtMs: open + 200, startedAtMs: open + 200 })).not.toEqual({
      slot: base + 2,
    });
  });

  test('the loop returns after a feed when the owner says so, and wraps as before', () => {
    const t = timeline({ fallback: () => 'loop' });
    const base = LOOP * 10 + LOOP - 3;
    t.addUnit({ session: 'a', index: 0, durations, completedAtMs: at(base, 100) });
    t.seal(at(base + LOOP + 5, 0));
    const kinds = [];
    for (let s = base - 1; s <= base + LOOP + 3; s++) kinds.push(t.slot(s)!);
    expect(kinds[0]).toMatchObject({ kind: 'loop' });
    expect(kinds[1]).toMatchObject({ kind: 'ingest', discontinuity: true });
    expect(kinds[2]).toMatchObject({ kind: 'loop', discontinuity: true, sourceIndex: (base + 1) % LOOP });
    expect(kinds.filter((s) => s.discontinuity).length).toBe(4); // ingest, back to loop, two wraps
    for (const [, numbers] of discontinuityNumbers(t, base - 4, base + LOOP + 4)) expect(numbers.size).toBe(1);
  });

  test('a late unit is not put in a sealed slot: the session re-locks with a discontinuity', () => {
    const t = timeline();
    const base = 500;
    t.addUnit({ session: 'a', index: 0, durations, completedAtMs: at(base, 200) });
    t.seal(at(base + 2, 900)); // unit 1 missed slot base+1
    expect(t.slot(base + 1)).toMatchObject({ kind: 'slate' });
    const r = t.addUnit({ session: 'a', index: 1, durations, completedAtMs: at(base + 2, 950) });
    expect(r).toEqual({ slot: base + 2 });
    t.seal(at(base + 3));
    expect(t.slot(base + 2)).toMatchObject({ kind: 'ingest', discontinuity: true, unit: { index: 1 } });
  });

  test('a burst at the start of a feed (the transcoder catching up) keeps the newest units, with no discontinuity', () => {
    const t = timeline();
    const results = [];
    // Eight units complete within 80 ms, then one every 2 s.
    for (let k = 0; k < 8; k++)
      results.push(t.addUnit({ session: 'a', index: k, durations, completedAtMs: at(100, 10 * k) }));
    expect(results.filter((r) => 'dropped' in r)).toEqual([]);
    // Unit 0 sets the run's phase (its slot ends 1 s after it is complete); the three oldest give way.
    expect(results.filter((r) => 'gaveWay' in r).map((r) => 'gaveWay' in r && r.gaveWay)).toEqual([0, 1, 2]);
    for (let k = 8; k < 12; k++) {
      t.addUnit({ session: 'a', index: k, durations, completedAtMs: at(100 + (k - 7) * 1, 10) });
      t.seal(at(100 + (k - 7), 10));
    }
    t.seal(at(110));
    const run = [];
    for (let s = 100; s <= 107; s++) run.push(t.slot(s)!);
    expect(run.map((s) => s.unit?.index)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.map((s) => s.discontinuity)).toEqual([true, false, false, false, false, false, false, false]);
  });

  test('mid-stream, a feed running ahead loses its oldest waiting unit: one discontinuity, the delay not kept', () => {
    const t = timeline({ maxQueuedSlots: 1 });
    for (let k = 0; k < 3; k++) {
      t.addUnit({ session: 'a', index: k, durations, completedAtMs: at(200 + k, 100) });
      t.seal(at(200 + k, 100));
    }
    // Three units at once (a stall, then a burst), the first a little ahead of its time.
    for (let k = 3; k < 6; k++) t.addUnit({ session: 'a', index: k, durations, completedAtMs: at(203, 50 + k) });
    t.seal(at(210));
    const slots = [];
    for (let s = 200; s <= 205; s++) slots.push(t.slot(s)!);
    expect(slots.map((s) => [s.kind, s.unit?.index, s.discontinuity])).toEqual([
      ['ingest', 0, true],
      ['ingest', 1, false],
      ['ingest', 3, true], // unit 2 was still waiting for its slot: it gave way
      ['ingest', 4, false],
      ['ingest', 5, false],
      ['slate', undefined, true],
    ]);
  });

  test('a restart rebuilds the same timeline from the journal', () => {
    const journal: JournalEntry[] = [];
    const t = timeline({ journal: (e) => journal.push(e) });
    for (let k = 0; k < 4; k++) {
      t.addUnit({ session: 'a', index: k, durations, completedAtMs: at(300 + k, 200) });
      t.seal(at(300 + k, 200));
    }
    t.seal(at(310));
    const again = timeline();
    again.restore(journal);
    for (let s = 295; s <= 309; s++) expect(again.slot(s)).toEqual(t.slot(s));
    expect(again.window(at(310))).toEqual(t.window(at(310)));
  });
});
