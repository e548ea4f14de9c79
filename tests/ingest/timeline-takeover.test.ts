// A timeline taking a channel over from another origin replica (origin/replicas/): the media
// sequence goes on from the clock, and the first slot it publishes starts a new run, so players
// get EXT-X-DISCONTINUITY where the content may jump (the other's feed or slate → this one's).
import { expect, test } from '@jest/globals';
import { LiveTimeline } from '../../edge-origin/src/origin/live/timeline.ts';
import type { JournalEntry, SharedSlot, TimelineWindow } from '../../edge-origin/src/origin/live/timeline.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const D = 2000;
const LOOP = 16;
const clock = { epochMs: EPOCH, segmentDuration: 2, windowSize: 6 };
const at = (slot: number, ms = 0) => EPOCH + slot * D + ms;
/** What a holder shares of the slots it listed (origin/replicas/ keeps it in Redis). */
const SHARED = clock.windowSize + 3;

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
  // The other replica may or may not have published the slot whose time just ended (base - 1),
  // and with a feed's phase it may have published the one whose time runs (base): those and the
  // one after (base + 1) each start a run of this replica's, so a player gets a discontinuity
  // after whichever was the other's last.
  const after = windowAt(t, at(base + 3, 600));
  expect(after.mediaSequence).toBe(before.mediaSequence + 3);
  for (const sequence of [base - 1, base, base + 1]) {
    const slot = after.slots.find((s) => s.sequence === sequence)!;
    expect([slot.kind, slot.discontinuity]).toEqual(['slate', true]);
  }
  expect(after.slots.filter((s) => s.sequence > base + 1).every((s) => s.kind === 'slate' && !s.discontinuity)).toBe(
    true,
  );
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
  expect(marks).toEqual([base - 1, base, base + 1, base + 2]);
  expect(w.slots.every((s) => s.kind === 'loop')).toBe(true);
  // Source segments still follow the clock (the loop is the same arithmetic on every replica).
  expect(w.slots.map((s) => s.sourceIndex)).toEqual(w.slots.map((s) => s.sequence % LOOP));
  // The next window (those slots gone) counts their discontinuities before it.
  const next = windowAt(t, at(base + 10, 900));
  expect(next.discontinuitySequence).toBe(w.discontinuitySequence + 4);
});

// A standby whose timeline is active (it had a feed of its own earlier) goes on sealing the
// channel's slots while the other replica publishes it: the ingest ticks every replica's
// timelines, and an empty slot is sealed as the fallback once its time and the grace are over.
// With its phase kept from its own feed it seals them ahead of the other's clock, so at the
// takeover it has sealed, as its own slate run, a slot the other never published.
const durations = { video: 2, audio: 2.005 };

/**
 * This replica (a) had the feed, then the other (b) took the channel and its feed; b is killed at
 * slot `kill` + 1.5 s (published through `kill` − 1). Both timelines are ticked every 200 ms.
 * `holderPhaseMs`: b's feed starts its slots that long before the clock's boundaries (b's units
 * complete 1 s + 2 s − phase into a clock slot, `killMs` into slot `kill` it dies instead).
 */
function standbyAndHolder(
  base: number,
  kill: number,
  extra: {
    settled?: 'slate';
    fallback?: (sequence: number) => 'slate' | 'loop';
    holderPhaseMs?: number;
    killMs?: number;
  } = {},
) {
  const journal: JournalEntry[] = [];
  const a = new LiveTimeline({
    clock,
    loopSegments: LOOP,
    graceMs: 500,
    lockMarginMs: 1000,
    maxQueuedSlots: 3,
    fallback: extra.fallback ?? (() => 'slate'),
    ...(extra.settled ? { settled: () => extra.settled } : {}),
    journal: (e) => journal.push(e),
  });
  const b = timeline('slate');
  const killAt = at(kill, extra.killMs ?? 1500);
  const holderUnitMs = extra.holderPhaseMs ? 3000 - extra.holderPhaseMs : 1000;
  for (let now = at(base - 1); now <= killAt; now += 200) {
    // a's units complete 1.2 s into a clock slot: its slots end 0.2 s after the clock's (phase 1.8 s).
    const k = (now - at(base - 1, 1200)) / D;
    if (Number.isInteger(k) && k >= 0 && k < 3) a.addUnit({ session: 'a', index: k, durations, completedAtMs: now });
    if (now === at(base + 8, 400)) b.takeOver(now); // b takes the lease, then its encoder comes
    // b's units complete 1 s into a clock slot: its slots on the clock's boundaries (phase 0).
    const j = (now - at(base + 10, holderUnitMs)) / D;
    if (Number.isInteger(j) && j >= 0) b.addUnit({ session: 'b', index: j, durations, completedAtMs: now });
    a.seal(now);
    b.seal(now);
  }
  return { a, b, journal, killAt };
}

/** Ticks `t` every 200 ms from `from` through `to` and returns each window a playlist lists. */
function windowsFrom(t: LiveTimeline, from: number, to: number) {
  const windows = [];
  for (let now = from; now <= to; now += 200) {
    t.seal(now);
    windows.push(t.window(now));
  }
  return windows;
}

test('a standby that had its own feed marks the first slot it publishes after the other’s last one, even one it had sealed', () => {
  const base = LOOP * 30 + 3;
  const kill = base + 20;
  const { a, b, journal, killAt } = standbyAndHolder(base, kill);
  // What a viewer holds from the other replica: its feed through kill − 1.
  const held = b.window(killAt);
  const last = held.slots.at(-1)!;
  expect([last.sequence, last.kind, last.unit?.session]).toEqual([kill - 1, 'ingest', 'b']);
  // The standby sealed kill − 1 and kill (its own slate, one run since its feed stopped) before
  // the viewer's edge found the other gone 0.3 s after the kill.
  const now = killAt + 300;
  a.seal(now);
  expect(a.sealedThrough).toBe(kill);
  const sealed = [kill - 1, kill].map((s) => a.slot(s)!);
  expect(sealed.map((s) => [s.kind, s.discontinuity])).toEqual([
    ['slate', false],
    ['slate', false],
  ]);

  a.takeOver(now);
  const windows = windowsFrom(a, now, now + 4 * D);
  // The player keeps the other's slots and takes the standby's after them: the first one it takes
  // starts with EXT-X-DISCONTINUITY (the other's feed → this replica's slate).
  const taken = windows.flatMap((w) => w.slots).find((s) => s.sequence > last.sequence)!;
  expect([taken.sequence, taken.kind, taken.discontinuity]).toEqual([kill, 'slate', true]);
  // The media sequence never goes back.
  let previous = held.mediaSequence;
  for (const w of windows) {
    expect(w.mediaSequence).toBeGreaterThanOrEqual(previous);
    previous = w.mediaSequence;
  }
  // What the standby lists never changes once listed, discontinuity numbers included, and its
  // sealed slots keep their content (the slate), only now starting a run.
  const listed = new Map<number, { slot: unknown; number: number }>();
  for (const w of windows) {
    let n = w.discontinuitySequence;
    for (const slot of w.slots) {
      if (slot.discontinuity) n++;
      const seen = listed.get(slot.sequence);
      if (seen) expect({ slot, number: n }).toEqual(seen);
      else listed.set(slot.sequence, { slot, number: n });
    }
  }
  for (const before of sealed) expect(a.slot(before.sequence)).toEqual({ ...before, discontinuity: true });
  // Journaled: a restart serves the same windows.
  const restored = timeline('slate');
  restored.restore(journal);
  expect(restored.window(now + 4 * D)).toEqual(a.window(now + 4 * D));
});

test('slots the standby already listed itself keep what they were: the discontinuity comes on the first after them', () => {
  const base = LOOP * 40 + 3;
  const kill = base + 20;
  const { a, b, killAt } = standbyAndHolder(base, kill, { settled: 'slate' });
  b.window(killAt);
  const now = killAt + 300;
  // This replica listed slot `kill` and put the one being made (kill + 1) on air as parts (it
  // answered for the channel itself, e.g. asked by the other replica as the lease moved).
  a.seal(now);
  const listed = a.window(now);
  expect(listed.slots.at(-1)!.sequence).toBe(kill);
  expect(a.provisional(kill + 1)).toMatchObject({ kind: 'slate', discontinuity: false });

  // The holder's slots shared or not: its numbers and this replica's own could not both hold in
  // one window, and what this one listed never changes.
  expect(a.takeOver(now, b.listedSlots(SHARED))).toBe(kill + 2);
  const after = windowsFrom(a, now, now + 4 * D).at(-1)!;
  for (const slot of listed.slots.filter((s) => s.sequence >= after.mediaSequence))
    expect(after.slots.find((s) => s.sequence === slot.sequence)).toEqual(slot);
  expect(after.slots.find((s) => s.sequence === kill + 1)).toMatchObject({ kind: 'slate', discontinuity: false });
  expect(after.slots.find((s) => s.sequence === kill + 2)).toMatchObject({ kind: 'slate', discontinuity: true });
});

test('a run of its own that began among those slots stays, and the one before it is broken too (journaled in order)', () => {
  const base = LOOP * 50 + 3;
  const kill = base + 20;
  // The standby's slate turned to the loop at slot `kill` (its fallback's choice, e.g. the event over).
  const { a, journal, killAt } = standbyAndHolder(base, kill, { fallback: (s) => (s >= kill ? 'loop' : 'slate') });
  const now = killAt + 300;
  a.seal(now);
  expect([a.slot(kill - 1), a.slot(kill)].map((s) => [s!.kind, s!.discontinuity])).toEqual([
    ['slate', false],
    ['loop', true],
  ]);
  a.takeOver(now);
  const w = windowsFrom(a, now, now + 4 * D).at(-1)!;
  expect(w.slots.filter((s) => s.sequence >= kill - 1).map((s) => [s.sequence, s.kind, s.discontinuity])).toEqual([
    [kill - 1, 'slate', true],
    [kill, 'loop', true],
    [kill + 1, 'loop', true],
    ...w.slots.filter((s) => s.sequence > kill + 1).map((s) => [s.sequence, 'loop', false]),
  ]);
  const restored = timeline('slate');
  restored.restore(journal);
  expect(restored.window(now + 4 * D)).toEqual(w);
});

/** Each listed slot's discontinuity number (RFC 8216 §6.2.1): the sequence, plus one per EXT-X-DISCONTINUITY up to it. */
function numbers(w: TimelineWindow): Map<number, number> {
  const map = new Map<number, number>();
  let n = w.discontinuitySequence;
  for (const slot of w.slots) {
    if (slot.discontinuity) n++;
    map.set(slot.sequence, n);
  }
  return map;
}

test('a holder whose feed has a large phase can die having published the clock’s running slot: the standby’s next slot still starts with a discontinuity', () => {
  const base = LOOP * 60 + 3;
  const kill = base + 20;
  // b's slots start 1.8 s before the clock's: slot `kill` is published 0.2 s into the clock's
  // slot `kill` (the one whose time runs), and b dies 0.5 s into it, after publishing it.
  const { a, b, killAt } = standbyAndHolder(base, kill, { holderPhaseMs: 1800, killMs: 500 });
  const held = b.window(killAt);
  const last = held.slots.at(-1)!;
  expect([last.sequence, last.kind, last.unit?.session]).toEqual([kill, 'ingest', 'b']);
  const now = killAt + 300;
  // Both kinds of standby: one that had a feed of its own (active), one that never had one.
  const fresh = timeline('slate');
  for (const standby of [a, fresh]) {
    standby.seal(now);
    standby.takeOver(now);
    const windows = windowsFrom(standby, now, now + 4 * D);
    const taken = windows.flatMap((w) => w.slots).find((s) => s.sequence > last.sequence)!;
    expect([taken.sequence, taken.kind, taken.discontinuity]).toEqual([kill + 1, 'slate', true]);
  }
});

// The player's view (RFC 8216 §6.2.2, §6.3.2): it reloads the channel's playlist, the holder's
// until it dies, the standby's after. A segment's discontinuity number is how a client lines
// segments up across reloads; the server may only increment EXT-X-DISCONTINUITY-SEQUENCE, so a
// media sequence number listed again keeps its number. hls.js (1.6 on, the tv-app's 1.7.4:
// `mapFragmentIntersection` in src/utils/level-helper.ts) checks it on every live reload: with an
// EXT-X-DISCONTINUITY-SEQUENCE other than 0, a segment it holds whose number changed is
// "discontinuity sequence mismatch", a LEVEL_PARSING_ERROR, and the reload is thrown away (the
// level is then switched, the error fatal when there is none left); before 1.6 it shifted the
// new playlist's numbers onto its own and went on. Players that key timestamps by the number
// (ExoPlayer's timestamp adjusters) need a new number after the holder's last.
function playerView(base: number, fresh: boolean, shared?: { parts: boolean; holderPhaseMs?: number }) {
  const kill = base + 20;
  const { a, b, killAt } = standbyAndHolder(base, kill, { holderPhaseMs: shared?.holderPhaseMs ?? 0 });
  const journal: JournalEntry[] = [];
  // The standby: a, which had a feed of its own, or one that never had one.
  const standby = fresh ? timeline('slate', (e) => journal.push(e)) : a;
  const held = b.window(killAt);
  // LL-HLS: the holder had the slot being made on air as parts too, the player holds it.
  const onAir = shared?.parts ? b.provisional(held.slots.at(-1)!.sequence + 1) : undefined;
  const now = killAt + 300;
  standby.seal(now);
  // The holder's slots as it shared them (Redis), or nothing (unreachable).
  const record: SharedSlot[] | undefined = shared ? b.listedSlots(SHARED) : undefined;
  standby.takeOver(now, record);
  return {
    held,
    onAir,
    last: onAir?.sequence ?? held.slots.at(-1)!.sequence,
    reloads: windowsFrom(standby, now, now + 4 * D),
    journal,
    record,
    standby,
    now,
  };
}

test('the player’s view, the holder’s slots not shared (Redis unreachable): discontinuity numbers never go back across the takeover, and the standby’s first segment after the holder’s last gets a new one', () => {
  // Several places in the loop: each replica's count (loop wraps, runs) differs in its own way.
  for (const base of [LOOP * 80 + 3, LOOP * 60 + 3, LOOP * 100 + 9, LOOP * 110 + 14])
    for (const fresh of [false, true]) {
      const { held, last, reloads, journal } = playerView(base, fresh);
      const before = numbers(held);
      const seen = new Map<number, number>();
      for (const w of reloads) {
        expect(w.discontinuitySequence).toBeGreaterThanOrEqual(held.discontinuitySequence);
        const after = numbers(w);
        for (const [sequence, number] of after) {
          // The standby's content differs from the holder's (its slate for the other's feed): the
          // same number cannot be kept, but it never goes back...
          if (before.has(sequence)) expect(number).toBeGreaterThanOrEqual(before.get(sequence)!);
        }
        // ...and the standby's own reloads agree with each other.
        expectAgreeing(seen, after);
        const next = w.slots.find((s) => s.sequence === last + 1);
        if (!next) continue;
        expect(next.discontinuity).toBe(true);
        expect(after.get(last + 1)).toBeGreaterThan(Math.max(...before.values()));
      }
      expect(seen.has(last + 1)).toBe(true);
      if (fresh) expectSameAfterRestart(journal, reloads);
    }
});

/** The standby's reloads agree with each other: a segment listed again keeps its number. */
function expectAgreeing(seen: Map<number, number>, numbered: Map<number, number>): void {
  for (const [sequence, number] of numbered) {
    if (seen.has(sequence)) expect([sequence, number]).toEqual([sequence, seen.get(sequence)]);
    else seen.set(sequence, number);
  }
}

/** Journaled: a timeline restored from the standby's journal numbers its last reload the same. */
function expectSameAfterRestart(journal: JournalEntry[], reloads: TimelineWindow[]): void {
  const restored = timeline('slate');
  restored.restore(journal);
  const w = reloads.at(-1)!;
  expect(restored.window(at(w.slots.at(-1)!.sequence + 1, 100))).toEqual(w);
}

// What hls.js ≥ 1.6 needs: each replica counts discontinuities from its own runs (its own feed,
// slate, loop wraps, takeovers), so the standby lists the holder's slots with the holder's flags
// and numbers only when the holder shared them (`listedSlots`, kept in Redis by origin/replicas/):
// then the segments both list keep their numbers, and the player keeps the standby's reloads.
test('the player’s view, the holder’s slots shared: each segment both replicas list keeps its discontinuity number, the standby’s first after the holder’s last gets the next one', () => {
  for (const base of [LOOP * 90 + 3, LOOP * 80 + 3, LOOP * 100 + 9, LOOP * 110 + 14])
    for (const fresh of [false, true])
      for (const [parts, holderPhaseMs] of [
        [false, 0],
        [true, 0],
        [false, 1800],
        [true, 1800],
      ] as const) {
        const { held, onAir, last, reloads, journal, record } = playerView(base, fresh, { parts, holderPhaseMs });
        expect(onAir === undefined).toBe(!parts);
        // The holder's feed is not on the standby: those slots are gaps there (EXT-X-GAP), not
        // its slate under the holder's flags; its own slots, and the holder's slate or loop, are media.
        const holderKind = new Map(record!.map((r) => [r.sequence, r.kind]));
        let gaps = 0;
        const before = numbers(held);
        if (onAir) before.set(onAir.sequence, before.get(onAir.sequence - 1)! + (onAir.discontinuity ? 1 : 0));
        const seen = new Map<number, number>();
        for (const w of reloads) {
          expect(w.discontinuitySequence).toBeGreaterThanOrEqual(held.discontinuitySequence);
          // Dated as the holder did (its feed's phase): never a window behind the holder's.
          expect(w.mediaSequence).toBeGreaterThanOrEqual(held.mediaSequence);
          const after = numbers(w);
          for (const [sequence, number] of after) {
            if (before.has(sequence)) expect([sequence, number]).toEqual([sequence, before.get(sequence)]);
          }
          expectAgreeing(seen, after);
          for (const slot of w.slots) {
            expect([slot.sequence, slot.gap === true]).toEqual([
              slot.sequence,
              holderKind.get(slot.sequence) === 'ingest',
            ]);
            if (slot.gap) gaps++;
          }
          const next = w.slots.find((s) => s.sequence === last + 1);
          if (!next) continue;
          expect([next.kind, next.discontinuity]).toEqual(['slate', true]);
          expect(after.get(last + 1)).toBe(before.get(last)! + 1);
        }
        expect(seen.has(last + 1)).toBe(true);
        expect(gaps).toBeGreaterThan(0);
        if (fresh) expectSameAfterRestart(journal, reloads);
      }
});

test('a gap stays a gap through a second takeover: the standby shares it as one, a third replica lists it as one', () => {
  const { last, record, standby, now } = playerView(LOOP * 90 + 3, true, { parts: true });
  const gapped = record!.filter((r) => r.kind === 'ingest').map((r) => r.sequence);
  expect(gapped.length).toBeGreaterThan(0);
  const later = now + 3 * D;
  windowsFrom(standby, now, later);
  // The standby's own view of those slots is its slate: without the flag, the third replica
  // would list its slate there as media.
  const shared = standby.listedSlots(SHARED);
  expect(shared.filter((r) => r.gap).map((r) => r.sequence)).toEqual(gapped.filter((s) => s >= shared[0]!.sequence));
  expect(shared.find((r) => r.sequence === gapped.at(-1))?.kind).toBe('slate');
  const third = timeline('slate');
  third.seal(later + 300);
  third.takeOver(later + 300, shared);
  const w = windowsFrom(third, later + 300, later + 2 * D).at(-1)!;
  for (const slot of w.slots)
    expect([slot.sequence, slot.gap === true]).toEqual([
      slot.sequence,
      slot.sequence <= last && gapped.includes(slot.sequence),
    ]);
  expect(w.slots.some((s) => s.gap)).toBe(true);
});

test('a shared record out of view (stale) or broken is not adopted: the takeover numbers as without one', () => {
  const base = LOOP * 120 + 3;
  const kill = base + 20;
  const { b, killAt } = standbyAndHolder(base, kill);
  b.window(killAt);
  const record = b.listedSlots(SHARED);
  const now = killAt + 300;
  const stale = record.map((s) => ({ ...s, sequence: s.sequence - 20 }));
  for (const shared of [stale, []]) {
    const [plain, given] = [timeline('slate'), timeline('slate')];
    plain.takeOver(now);
    given.takeOver(now, shared);
    expect(windowsFrom(given, now, now + 4 * D)).toEqual(windowsFrom(plain, now, now + 4 * D));
  }
  // A gap or a number that does not follow its flag: only the consistent slots ending at the newest are taken.
  const broken = record.map((s, i) => (i === 2 ? { ...s, number: s.number + 5 } : s));
  const t = timeline('slate');
  t.takeOver(now, broken);
  const w = windowsFrom(t, now, now + 4 * D).at(-1)!;
  const held = numbers(b.window(killAt));
  for (const [sequence, number] of numbers(w))
    if (sequence > record[2]!.sequence && held.has(sequence)) expect(number).toBe(held.get(sequence));
});
