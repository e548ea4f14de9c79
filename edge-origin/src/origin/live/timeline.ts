// A live channel's timeline: what each slot of the wall clock carries.
//
// The live clock (shared/hls/live-clock.ts) cuts time into 2 s slots; slot `s` is media sequence
// `s`, published once its interval has elapsed, and never changes after that (edges cache it for a
// year; recordings name it). Until a feed arrives every slot is the channel's ident loop, worked
// out arithmetically. Once an encoder pushes, each finished ingest segment (a "unit": the same
// 2 s in every rendition) is given the next slot whose publication is at least `lockMarginMs`
// away, and later units follow slot by slot. A slot whose publication time passes with no unit
// (+ `graceMs` of jitter) is sealed as the slate or the loop, as the owner decides.
//
// Consecutive slots of one kind form a run: a loop run plays on through the loop, a slate run
// repeats the slate with moving timestamps, an ingest run follows one session's units in order.
// Each new run starts with EXT-X-DISCONTINUITY, as does each wrap of the loop, and the
// discontinuity sequence is counted from the runs, so every playlist agrees on it.
//
// A feed's units do not begin on the clock's 2 s boundaries: each new ingest run gets a *phase*,
// the ms its slots start before the clock's boundaries (0 ≤ phase < 2 s), chosen so that its
// first slot starts as soon as its unit allows (its first frames written + a margin, or the unit
// complete + the lock margin). Without it a unit waited up to a whole slot for the grid: that was
// most of a feed's delay behind the picture. Slot `s` then covers [epoch + s·2 s − phase, +2 s);
// the media sequence still comes from the clock (never more than one slot apart), the run starts
// with a discontinuity anyway, and later runs (the slate, the loop) keep the phase until the next
// feed chooses its own. Its first slot may overlap the previous one's dates by up to the phase:
// the player catches up over it (PROGRAM-DATE-TIME steps back at the discontinuity).
//
// A replica taking a channel over from another (origin/replicas/) lists the other's last slots
// with the other's flags, discontinuity numbers and dates, as the other shared them
// (`listedSlots`, kept in Redis), and its own from the next slot on, counted on from there
// (`takeOver`): a player's numbers for a segment it holds never change (hls.js ≥ 1.6 drops a
// reload whose numbers do).
//
// Pure: no timers, no I/O. The owner (origin/ingest/) calls `addUnit` and `seal`, and keeps the
// journal it is handed so a restart rebuilds the same timeline (`restore`).
import { liveEdge, sourceSegmentIndex, startsLoop } from '../../../../shared/hls/live-clock.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { itemAt } from '../../../../shared/lang/item-at.ts';

export type SlotKind = 'loop' | 'slate' | 'ingest';

/** One finished ingest segment, present in every output rendition. */
export interface IngestUnit {
  /** The ingest session (one publisher's connection) it belongs to. */
  session: string;
  /** Its number within the session: `<index>.ts` in each rendition's directory. */
  index: number;
  /**
   * Seconds per output (`video`, `audio`): EXTINF of the slot in those renditions. Undefined
   * while the unit is still being encoded (`startedAtMs`): `finishUnit` gives them.
   */
  durations?: UnitDurations;
  /** When the last of its renditions was complete (ms since the epoch), or when it was placed. */
  completedAtMs: number;
  /**
   * A unit placed while it is being encoded: when its first frame was written (ms since the
   * epoch). It takes a slot that starts at least `partLockMarginMs` later, so each of its parts
   * exists before the clock reaches its end.
   */
  startedAtMs?: number;
}
export interface UnitDurations {
  video: number;
  audio: number;
}

export interface Slot {
  sequence: number;
  kind: SlotKind;
  /** EXT-X-DISCONTINUITY before it: a new run, or the loop starting over. */
  discontinuity: boolean;
  /** Loop slots: the source segment it replays. */
  sourceIndex?: number;
  /**
   * Ingest slots: the unit it carries. `growing`: the slot being made carries a unit still being
   * encoded, `durations` are then the nominal ones (its parts are read as they are written).
   */
  unit?: { session: string; index: number; durations: UnitDurations; growing?: boolean };
  /**
   * Listed with EXT-X-GAP: a slot adopted from another replica (`takeOver`) that carried that
   * one's feed, which this replica does not have: what it would serve there is its own slate or
   * loop, a picture from elsewhere with no discontinuity before it (the numbers are the other's).
   * Players skip a gap; those that fetched the slot from the other replica keep what they have.
   */
  gap?: boolean;
}

/**
 * A slot as a viewer holds it from a playlist: its EXT-X-DISCONTINUITY and its discontinuity
 * number (EXT-X-DISCONTINUITY-SEQUENCE plus the tags up to it). What the replica packaging a
 * channel shares with the others (origin/replicas/), so that one taking over lists the slots both
 * list with the same flags and numbers: hls.js 1.6 and later drop a reload whose numbers differ.
 */
export interface SharedSlot {
  sequence: number;
  discontinuity: boolean;
  number: number;
  kind?: SlotKind;
  /** When it starts by the sharer's dates (ms since the epoch): its feed's phase. */
  startMs?: number;
  /** The sharer lists it with EXT-X-GAP (adopted in its turn). */
  gap?: boolean;
}

/** A slot adopted from another replica: its flag and number as that one listed it, and whether it is a gap here. */
export interface AdoptedSlot {
  sequence: number;
  discontinuity: boolean;
  number: number;
  gap?: boolean;
}

export interface TimelineWindow {
  mediaSequence: number;
  discontinuitySequence: number;
  slots: Slot[];
}

interface Run {
  from: number;
  kind: SlotKind;
  session?: string;
  firstUnit?: number;
}

/** What the owner stores to rebuild the timeline after a restart, in order. */
export type JournalEntry =
  | { type: 'run'; from: number; kind: SlotKind; session?: string; firstUnit?: number }
  | { type: 'phase'; from: number; phaseMs: number }
  | { type: 'unit'; session: string; index: number; durations: UnitDurations }
  | { type: 'sealed'; through: number }
  | { type: 'renumber'; from: number; at: number }
  | { type: 'adopt'; from: number; slots: AdoptedSlot[] };

/**
 * How a takeover numbers slots from `from` on (the first this replica had not listed): a jump
 * (slot `at` numbered `at`, never back), or the other replica's slots adopted (theirs, with their
 * flags and numbers, the slots after them counted on from their last).
 */
type Numbering = { type: 'renumber'; from: number; at: number } | { type: 'adopt'; from: number; slots: AdoptedSlot[] };

export interface TimelineOptions {
  clock: LiveClockConfig;
  /** Segments in the channel's ident loop. */
  loopSegments: number;
  /** How long past its publication time a slot waits for a late unit before it is sealed. */
  graceMs: number;
  /** A unit is first placed in a slot published at least this long after it is complete. */
  lockMarginMs: number;
  /** A unit placed while it is encoded (`startedAtMs`): its slot starts at least this long after its first frame. */
  partLockMarginMs?: number;
  /** Slots a unit may wait ahead of the clock before the feed is taken to run fast (unit dropped). */
  maxQueuedSlots: number;
  /**
   * A slot whose unit is on air as parts (placed while encoded) waits this long past its
   * publication for the unit's end (the owner's `finishUnit`) before it is sealed as the fallback
   * against its parts: longer than `graceMs`, as a lagging transcoder still finishes it.
   */
  growingGraceMs?: number;
  /** What an empty slot becomes once its grace is over. */
  fallback: (sequence: number) => 'slate' | 'loop';
  /**
   * What the slot being made will be when no unit can reach it any more (no feed is coming in),
   * or undefined while one may: a settled slot's parts go on air by the clock (LL-HLS) instead
   * of all at once when it is sealed, and no unit is placed in it.
   */
  settled?: (sequence: number) => 'slate' | 'loop' | undefined;
  journal?: (entry: JournalEntry) => void;
}

/** Where the unit went (`gaveWay`: an older unit, not on air yet, was dropped for it), or why it was dropped. */
export type AddResult = { slot: number; gaveWay?: number } | { dropped: string };

export class LiveTimeline {
  /** Empty while no feed ever came: every slot is the loop (pure arithmetic). */
  readonly #runs: Run[] = [];
  #sealedThrough = -1;
  readonly #pending = new Map<number, IngestUnit>();
  readonly #units = new Map<string, UnitDurations>();
  #last: { slot: number; session: string; index: number } | undefined;
  /** Slots whose pending unit is on air already, as parts (LL-HLS): it may no longer give way. */
  #frozenThrough = -1;
  /** Empty slots already on air as parts, with what they were announced as (see `settled`). */
  readonly #decided = new Map<number, 'slate' | 'loop'>();
  #decidedThrough = -1;
  readonly #listeners = new Set<() => void>();
  /** Where the phase changes (a new ingest run), oldest first; none: every slot on the clock's boundaries. */
  readonly #phases: { from: number; phaseMs: number }[] = [];
  /** Slots published after this replica took the channel over from another: each a new run. */
  readonly #breaks = new Set<number>();
  /** Newest slot a playlist of this timeline listed or put on air as parts: what viewers may hold. */
  #listedThrough = -1;
  /** Takeovers' numberings, oldest first (their `from` never goes back: it follows `#listedThrough`). */
  readonly #numberings: Numbering[] = [];
  /** The slot being made, as `provisional` last put it on air (its flag: `listedSlots`). */
  #onAir: Slot | undefined;
  readonly #listedListeners = new Set<() => void>();

  constructor(readonly options: TimelineOptions) {}

  /** True once a feed has reached this channel: slots are then sealed one by one. */
  get active(): boolean {
    return this.#runs.length > 0;
  }

  /** Newest sealed slot (-1 while inactive: the clock's edge rules). */
  get sealedThrough(): number {
    return this.#sealedThrough;
  }

  /** Places a finished unit in a slot, or says why it was dropped. */
  addUnit(unit: IngestUnit): AddResult {
    const { clock } = this.options;
    const step = clock.segmentDuration * 1000;
    // When the unit's slot should start at the earliest: each part exists before the clock
    // reaches its end (placed while encoded), or the whole segment is out `lockMarginMs` after
    // the unit is complete.
    const target =
      unit.startedAtMs !== undefined
        ? unit.startedAtMs + (this.options.partLockMarginMs ?? 0)
        : unit.completedAtMs + this.options.lockMarginMs - step;
    if (!this.active) {
      // The loop so far becomes the first run; everything before the unit's slot stays loop.
      this.#startRun({ from: 0, kind: 'loop' });
      this.#sealedThrough = Math.max(
        Math.ceil((target - clock.epochMs) / step) - 1,
        liveEdge(unit.completedAtMs, clock),
      );
      this.options.journal?.({ type: 'sealed', through: this.#sealedThrough });
    }
    const last = this.#last;
    // The first slot a unit may take: not sealed, not already on air as the slate or the loop.
    const free = Math.max(this.#sealedThrough, this.#decidedThrough) + 1;
    const follows =
      last !== undefined && last.session === unit.session && unit.index === last.index + 1 && last.slot + 1 >= free;
    if (!follows) {
      // A new run: its phase makes its first slot start at the target, or as close after it as
      // the slots already taken allow.
      const slot = Math.max(free, (last?.slot ?? -1) + 1, Math.ceil((target - clock.epochMs) / step));
      const phaseMs = Math.min(step - 1, Math.max(0, Math.round(clock.epochMs + slot * step - target)));
      this.#setPhase(slot, phaseMs);
      this.#pending.set(slot, unit);
      this.#last = { slot, session: unit.session, index: unit.index };
      this.#changed();
      return { slot };
    }
    // The slot the unit would start its own run in: later ones mean the feed runs ahead.
    const lock = Math.ceil((target + this.#phaseAt(last.slot) - clock.epochMs) / step);
    const slot = last.slot + 1;
    if (slot > Math.max(lock, free) + this.options.maxQueuedSlots) {
      // The feed runs ahead of the clock (a burst: the transcoder catching up). Units still
      // waiting for their slot are on nobody's screen yet: the oldest gives way and the others
      // move one slot earlier, so the newest picture is not held back and, at the start of a
      // run, no discontinuity is added. With nothing waiting, the new unit is the one dropped.
      const waiting = [...this.#pending.keys()].filter((s) => s > this.#frozenThrough).sort((a, b) => a - b);
      if (!this.#pending.has(slot - 1) || waiting.length === 0)
        return { dropped: `the feed runs ${slot - lock} segments ahead of the clock` };
      const dropped = this.#pending.get(itemAt(waiting, 0))!;
      for (let i = 0; i < waiting.length; i++) {
        const next = waiting[i + 1];
        if (next === undefined) this.#pending.delete(itemAt(waiting, i));
        else this.#pending.set(itemAt(waiting, i), this.#pending.get(next)!);
      }
      this.#pending.set(slot - 1, unit);
      this.#last = { slot: slot - 1, session: unit.session, index: unit.index };
      this.#changed();
      return { slot: slot - 1, gaveWay: dropped.index };
    }
    this.#pending.set(slot, unit);
    this.#last = { slot, session: unit.session, index: unit.index };
    this.#changed();
    return { slot };
  }

  /** ms since the epoch at which slot `sequence` starts: the clock's boundary less its phase. */
  startMs(sequence: number): number {
    const { clock } = this.options;
    return clock.epochMs + sequence * clock.segmentDuration * 1000 - this.#phaseAt(sequence);
  }

  #phaseAt(sequence: number): number {
    for (let i = this.#phases.length - 1; i >= 0; i--) {
      const change = itemAt(this.#phases, i);
      if (change.from <= sequence) return change.phaseMs;
    }
    return 0;
  }

  #setPhase(from: number, phaseMs: number): void {
    while (this.#phases.length > 0 && itemAt(this.#phases, this.#phases.length - 1).from >= from) this.#phases.pop();
    if (this.#phaseAt(from) === phaseMs) return;
    this.#phases.push({ from, phaseMs });
    this.options.journal?.({ type: 'phase', from, phaseMs });
  }

  /**
   * Gives a unit placed while it was encoded its durations, now that it is complete in every
   * output (false: it is not waiting for a slot, having given way or been dropped).
   */
  finishUnit(session: string, index: number, durations: UnitDurations): boolean {
    for (const unit of this.#pending.values())
      if (unit.session === session && unit.index === index) {
        unit.durations = durations;
        this.#changed();
        return true;
      }
    return false;
  }

  /**
   * Another origin replica published this channel until now (origin/replicas/): what it put in
   * the slots so far may differ from what this timeline holds (its feed, its slate), so the next
   * slots this one publishes start new runs, with EXT-X-DISCONTINUITY; the media sequence goes
   * on from the clock. An inactive timeline becomes active, the loop so far sealed as it is but
   * for the slot whose time just ended. `shared`: the slots the other listed last, with its flags
   * and numbers (`listedSlots`), when it could be read. Returns the first slot of this replica's.
   */
  takeOver(nowMs: number, shared?: readonly SharedSlot[]): number {
    const edge = liveEdge(nowMs, this.options.clock);
    const wasActive = this.active;
    const windowStart = edge - this.options.clock.windowSize;
    // Only when no slot this replica listed can be listed again: its own numbers and the other's
    // cannot both hold in one window (a playlist's numbers follow from its tags).
    const adopted =
      shared && this.#listedThrough < windowStart
        ? adoptable(shared, this.#listedThrough, windowStart, edge)
        : undefined;
    if (!wasActive) {
      // The slot whose time just ended is re-decided too: the other replica may have died before
      // publishing it (below).
      this.#startRun({ from: 0, kind: 'loop' });
      this.#sealedThrough = edge - 1;
      this.options.journal?.({ type: 'sealed', through: this.#sealedThrough });
    }
    if (adopted) {
      // The other's slots as it listed them, and its last known: the first of ours after it starts
      // a run, numbered one above its last (its count carried on), later ones from there.
      const from = this.#listedThrough + 1;
      const last = itemAt(adopted, adopted.length - 1);
      // Its dates too (its feed's phase): ours would end each slot up to one later, and a player
      // that had the other's newest would get a window one slot short (media sequence back).
      const step = this.options.clock.segmentDuration * 1000;
      for (const slot of adopted) {
        const phaseMs =
          slot.startMs === undefined ? -1 : this.options.clock.epochMs + slot.sequence * step - slot.startMs;
        if (phaseMs >= 0 && phaseMs < step) this.#setPhase(slot.sequence, phaseMs);
      }
      // Its feed is not here: those slots are gaps (Slot.gap), not this replica's slate under its flags.
      const slots: AdoptedSlot[] = adopted.map(({ sequence, discontinuity, number, kind, gap }) => ({
        sequence,
        discontinuity,
        number,
        ...(gap || kind === 'ingest' ? { gap: true } : {}),
      }));
      const numbering = { type: 'adopt' as const, from, slots };
      this.#numberings.push(numbering);
      this.options.journal?.(numbering);
      this.#breakAt(last.sequence + 1);
      return last.sequence + 1;
    }
    // Which slot the other replica published last is not known here (it may have died just
    // before or just after the clock's edge), and a viewer's player needs the discontinuity on
    // the first slot of ours after it: each slot from the one whose time just ended through the
    // one after the one whose time runs now starts a run (a spare one on content that goes on is
    // harmless), but none this replica listed itself (a published slot never changes). The one
    // after: a feed's phase (up to a slot) starts the other's slots before the clock's, so it
    // may already have published the slot whose time runs by the clock (edge + 1).
    const first = wasActive ? Math.max(edge, this.#listedThrough + 1) : edge;
    for (let s = first; s <= Math.max(first, edge + 2); s++) {
      // Sealed here all the same: an active timeline is sealed by the ingest's ticks on every
      // replica, the other's slots too (as this one's slate or loop, ahead of the other when the
      // phase kept from a feed of its own is larger). Never listed, no viewer got it from here:
      // the same content starts a new run. Left as it was, the discontinuity came after it, late.
      this.#breakAt(s);
    }
    // Discontinuity numbers: each replica counts its own runs, so the other's may be ahead of
    // this one's, and a player that has the other's segments must not see the numbers go back
    // (EXT-X-DISCONTINUITY-SEQUENCE only grows, RFC 8216 §6.2.2) nor the first of ours get a
    // number it gave the other's feed. A count never exceeds its slot's number (one discontinuity
    // per slot at most), nor does a number from a takeover's `first` on: numbered from here so
    // that `first` is `first`, every slot this replica lists from now on is at least its own
    // number, hence at least the other's, and ours after the other's last (each starting a run)
    // above all of the other's. Only when no slot this replica listed can be listed again (the
    // numbers would have to jump inside a window). Equal numbers need the other's (`shared`).
    if (this.#listedThrough < windowStart) {
      const jump = { type: 'renumber' as const, from: this.#listedThrough + 1, at: first };
      this.#numberings.push(jump);
      this.options.journal?.(jump);
    }
    return first;
  }

  /** Slot `s` starts a run of this replica's (takeOver): split when sealed, else when it is. */
  #breakAt(s: number): void {
    if (s <= this.#sealedThrough) this.#breakSealed(s);
    else this.#breaks.add(s);
  }

  /** Starts a new run at sealed slot `s`, carrying what it did (takeOver). */
  #breakSealed(s: number): void {
    let i = this.#runs.length - 1;
    while (itemAt(this.#runs, i).from > s) i--;
    const run = itemAt(this.#runs, i);
    if (run.from === s) return;
    const next: Run =
      run.kind === 'ingest'
        ? { from: s, kind: 'ingest', session: run.session!, firstUnit: run.firstUnit! + (s - run.from) }
        : { from: s, kind: run.kind };
    this.#runs.splice(i + 1, 0, next);
    this.options.journal?.({ type: 'run', ...next });
  }

  /** Seals every slot that is due at `nowMs`; returns the newly sealed ones. */
  seal(nowMs: number): Slot[] {
    if (!this.active) return [];
    const sealed: Slot[] = [];
    const step = this.options.clock.segmentDuration * 1000;
    for (;;) {
      const s = this.#sealedThrough + 1;
      const publishAt = this.startMs(s) + step;
      if (publishAt > nowMs) break;
      const unit = this.#pending.get(s);
      const decided = this.#decided.get(s);
      if (unit?.durations) {
        this.#pending.delete(s);
        this.#sealIngest(s, unit, unit.durations);
      } else if (unit) {
        // Still being encoded: once its parts are on air the segment is what they add up to, so
        // it waits for its end (the transcoder closes a unit it stops in, shorter; the owner
        // reads the end from the disk when it does not) for the longer grace; the fallback after.
        const frozen = s <= this.#frozenThrough;
        const grace = frozen ? Math.max(this.options.graceMs, this.options.growingGraceMs ?? 0) : this.options.graceMs;
        if (nowMs < publishAt + grace) break;
        this.#pending.delete(s);
        this.#sealAs(s, this.options.fallback(s));
      } else if (decided) {
        this.#decided.delete(s);
        this.#sealAs(s, decided);
      } else if (nowMs >= publishAt + this.options.graceMs) {
        this.#sealAs(s, this.options.fallback(s));
      } else {
        break;
      }
      this.#sealedThrough = s;
      this.options.journal?.({ type: 'sealed', through: s });
      sealed.push(this.slot(s)!);
    }
    if (sealed.length > 0) this.#changed();
    return sealed;
  }

  /**
   * The slot after the newest sealed one, while its time runs, once what it carries is known: a
   * unit waits for it, or no feed can reach it any more (`settled`), or no feed ever came (the
   * loop). Its parts go on air as the clock passes them (LL-HLS), so that is final: its unit will
   * not give way to a later one, no unit will be placed in a settled slot.
   */
  provisional(sequence: number): Slot | undefined {
    if (!this.active || sequence <= this.#sealedThrough) return this.#listed(this.slot(sequence));
    if (sequence !== this.#sealedThrough + 1) return undefined;
    const unit = this.#pending.get(sequence);
    // A unit already placed in a later slot: none can come to this one any more (a run's next unit
    // takes the slot after its last, a new run's first one no earlier), so it is the fallback now.
    if (!unit)
      return this.#listed(
        this.#settle(sequence, this.#last && this.#last.slot > sequence ? this.options.fallback : undefined),
      );
    const { clock } = this.options;
    this.#frozenThrough = Math.max(this.#frozenThrough, sequence);
    const run = itemAt(this.#runs, this.#runs.length - 1);
    const continues =
      run.kind === 'ingest' && run.session === unit.session && run.firstUnit! + (sequence - run.from) === unit.index;
    return this.#listed(
      this.#asAdopted({
        sequence,
        kind: 'ingest',
        discontinuity: !continues || this.#breaks.has(sequence),
        unit: {
          session: unit.session,
          index: unit.index,
          durations: unit.durations ?? { video: clock.segmentDuration, audio: clock.segmentDuration },
          ...(unit.durations ? {} : { growing: true }),
        },
      }),
    );
  }

  /** Notes a slot a viewer may now hold: a takeover leaves it as it is. */
  #listed<T extends Slot | undefined>(slot: T): T {
    if (!slot) return slot;
    if (slot.sequence > this.#sealedThrough) this.#onAir = slot;
    this.#listedUpTo(slot.sequence);
    return slot;
  }

  #listedUpTo(sequence: number): void {
    if (sequence <= this.#listedThrough) return;
    this.#listedThrough = sequence;
    for (const listener of [...this.#listedListeners]) listener();
  }

  /** Calls `listener` whenever a newer slot is listed (what `listedSlots` gives grows); returns how to stop. */
  onListed(listener: () => void): () => void {
    this.#listedListeners.add(listener);
    return () => this.#listedListeners.delete(listener);
  }

  /**
   * The newest `count` slots a viewer may hold from this timeline (through the newest listed or
   * on air as parts), with their flags and numbers as its playlists give them: what a replica
   * taking the channel over adopts (`takeOver`).
   */
  listedSlots(count: number): SharedSlot[] {
    const out: SharedSlot[] = [];
    for (let s = Math.max(0, this.#listedThrough - count + 1); s <= this.#listedThrough; s++) {
      const sealed = this.slot(s);
      // The slot being made: its number is the one before's, plus its own flag.
      const slot = sealed ?? (this.#onAir?.sequence === s ? this.#onAir : undefined);
      if (!slot) break;
      const number = sealed ? this.#numberOf(s) : this.#numberOf(s - 1) + (slot.discontinuity ? 1 : 0);
      out.push({
        sequence: s,
        discontinuity: slot.discontinuity,
        number,
        kind: slot.kind,
        startMs: this.startMs(s),
        ...(slot.gap ? { gap: true } : {}),
      });
    }
    return out;
  }

  /** The slot being made as the slate or the loop, when nothing can fill it any more. */
  #settle(sequence: number, fallback?: (sequence: number) => 'slate' | 'loop'): Slot | undefined {
    const kind = this.#decided.get(sequence) ?? (fallback ?? this.options.settled)?.(sequence);
    if (!kind) return undefined;
    this.#decided.set(sequence, kind);
    this.#decidedThrough = Math.max(this.#decidedThrough, sequence);
    const n = this.options.loopSegments;
    const run = itemAt(this.#runs, this.#runs.length - 1);
    const discontinuity =
      run.kind !== kind || this.#breaks.has(sequence) || (kind === 'loop' && startsLoop(sequence, n));
    return this.#asAdopted(
      kind === 'loop'
        ? { sequence, kind, discontinuity, sourceIndex: sourceSegmentIndex(sequence, n) }
        : { sequence, kind, discontinuity },
    );
  }

  /** Calls `listener` whenever a unit is placed or a slot sealed; returns how to stop. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * The slot whose time holds `nowMs`, by this timeline's dates: a feed's phase starts its slots
   * before the clock's boundaries, so the clock's slot may already be over.
   */
  producing(nowMs: number): number {
    let slot = liveEdge(nowMs, this.options.clock) + 1;
    while (this.startMs(slot + 1) <= nowMs) slot++;
    while (slot > 0 && this.startMs(slot) > nowMs) slot--;
    return slot;
  }

  /** The newest slot a playlist may list at `nowMs`: sealed, and its time over. */
  edge(nowMs: number): number {
    if (!this.active) return liveEdge(nowMs, this.options.clock);
    const step = this.options.clock.segmentDuration * 1000;
    let edge = this.#sealedThrough;
    while (edge >= 0 && this.startMs(edge) + step > nowMs) edge--;
    return edge;
  }

  /** Units placed while encoded, on air as parts, still waiting for their end (the owner finishes them). */
  unfinished(): { slot: number; session: string; index: number }[] {
    return [...this.#pending.entries()]
      .filter(([slot, unit]) => slot <= this.#frozenThrough && !unit.durations)
      .map(([slot, unit]) => ({ slot, session: unit.session, index: unit.index }));
  }

  /** A published slot, or undefined for one not sealed yet (or negative). */
  slot(sequence: number): Slot | undefined {
    if (sequence < 0 || (this.active && sequence > this.#sealedThrough)) return undefined;
    const run = this.#runAt(sequence);
    const discontinuity =
      (sequence > 0 && run.from === sequence) ||
      (run.kind === 'loop' && startsLoop(sequence, this.options.loopSegments));
    if (run.kind === 'loop')
      return this.#asAdopted({
        sequence,
        kind: 'loop',
        discontinuity,
        sourceIndex: sourceSegmentIndex(sequence, this.options.loopSegments),
      });
    if (run.kind === 'slate') return this.#asAdopted({ sequence, kind: 'slate', discontinuity });
    const index = run.firstUnit! + (sequence - run.from);
    const durations = this.#units.get(unitKey(run.session!, index))!;
    return this.#asAdopted({
      sequence,
      kind: 'ingest',
      discontinuity,
      unit: { session: run.session!, index, durations },
    });
  }

  /**
   * The slots a live playlist lists at `nowMs` (the newest `windowSize`), oldest first; through
   * `edge` when given: the edge a state read earlier saw (an LL-HLS playlist lists the slot being
   * made after it, and another request may have sealed that one since).
   */
  window(nowMs: number, edge = this.edge(nowMs)): TimelineWindow {
    const first = Math.max(0, edge - this.options.clock.windowSize + 1);
    const slots: Slot[] = [];
    for (let s = first; s <= edge; s++) slots.push(this.slot(s)!);
    this.#listedUpTo(edge);
    const discontinuitySequence =
      slots.length > 0 ? this.#numberOf(first) - (itemAt(slots, 0).discontinuity ? 1 : 0) : 0;
    return { mediaSequence: first, discontinuitySequence, slots };
  }

  /** Replays a journal written by an earlier instance (a restart keeps what was on air). */
  restore(entries: Iterable<JournalEntry>): void {
    for (const e of entries) {
      if (e.type === 'run') {
        // In order of `from`: a takeover starts runs in slots sealed before (#breakSealed).
        let i = this.#runs.length;
        while (i > 0 && itemAt(this.#runs, i - 1).from > e.from) i--;
        this.#runs.splice(i, 0, runOf(e));
      } else if (e.type === 'phase') {
        while (this.#phases.length > 0 && itemAt(this.#phases, this.#phases.length - 1).from >= e.from)
          this.#phases.pop();
        this.#phases.push({ from: e.from, phaseMs: e.phaseMs });
      } else if (e.type === 'unit') this.#units.set(unitKey(e.session, e.index), e.durations);
      else if (e.type === 'renumber' || e.type === 'adopt') this.#numberings.push(e);
      else this.#sealedThrough = Math.max(this.#sealedThrough, e.through);
    }
    // What was sealed before the restart may have been listed.
    this.#listedThrough = Math.max(this.#listedThrough, this.#sealedThrough);
  }

  #sealIngest(s: number, unit: IngestUnit, durations: UnitDurations): void {
    this.#units.set(unitKey(unit.session, unit.index), durations);
    this.options.journal?.({ type: 'unit', session: unit.session, index: unit.index, durations });
    const run = itemAt(this.#runs, this.#runs.length - 1);
    const continues =
      run.kind === 'ingest' && run.session === unit.session && run.firstUnit! + (s - run.from) === unit.index;
    if (!continues || this.#breaks.has(s))
      this.#startRun({ from: s, kind: 'ingest', session: unit.session, firstUnit: unit.index });
  }

  #sealAs(s: number, kind: 'slate' | 'loop'): void {
    if (itemAt(this.#runs, this.#runs.length - 1).kind !== kind || this.#breaks.has(s))
      this.#startRun({ from: s, kind });
  }

  #startRun(run: Run): void {
    this.#runs.push(run);
    this.options.journal?.({ type: 'run', ...run });
  }

  #runAt(sequence: number): Run {
    for (let i = this.#runs.length - 1; i >= 0; i--)
      if (itemAt(this.#runs, i).from <= sequence) return itemAt(this.#runs, i);
    return { from: 0, kind: 'loop' };
  }

  /**
   * Slot `sequence`'s discontinuity number: its discontinuities counted, then each takeover's
   * numbering from its `from` on, in order: a jump adds its offset (`at`, which starts a run,
   * numbered `at`; never a jump back), an adoption gives the other's numbers (`#adoptedNumber`).
   */
  #numberOf(sequence: number): number {
    const offsets: number[] = [];
    const numberWith = (s: number, upTo: number) => {
      let n = this.#discontinuitiesThrough(s);
      for (let i = 0; i < upTo; i++) {
        const e = itemAt(this.#numberings, i);
        if (e.from <= s) n = e.type === 'adopt' ? this.#adoptedNumber(e.slots, s) : n + itemAt(offsets, i);
      }
      return n;
    };
    for (const [i, e] of this.#numberings.entries())
      offsets.push(e.type === 'renumber' ? Math.max(0, e.at - (numberWith(e.at - 1, i) + 1)) : 0);
    return numberWith(sequence, this.#numberings.length);
  }

  /**
   * Slot `s`'s number by adopted slots: theirs within them; counted on from the last by this
   * replica's own discontinuities after it (the first after it starts a run: one above); before
   * them, counted back from the first, so a window reaching over both agrees with its tags.
   */
  #adoptedNumber(slots: readonly AdoptedSlot[], s: number): number {
    const first = itemAt(slots, 0);
    const last = itemAt(slots, slots.length - 1);
    if (s > last.sequence)
      return last.number + this.#discontinuitiesThrough(s) - this.#discontinuitiesThrough(last.sequence);
    if (s >= first.sequence) return itemAt(slots, s - first.sequence).number;
    const before = this.#discontinuitiesThrough(first.sequence - 1) - this.#discontinuitiesThrough(s);
    return first.number - (first.discontinuity ? 1 : 0) - before;
  }

  /** Slot `s` as the other replica listed it, when the latest adoption reaching it has it. */
  #adopted(s: number): AdoptedSlot | undefined {
    for (let i = this.#numberings.length - 1; i >= 0; i--) {
      const e = itemAt(this.#numberings, i);
      if (e.type !== 'adopt' || e.from > s) continue;
      const first = itemAt(e.slots, 0).sequence;
      return e.slots[s - first];
    }
    return undefined;
  }

  /** `slot` with the flag the other replica gave it, and as a gap where its feed was (adopted slots). */
  #asAdopted(slot: Slot): Slot {
    const adopted = this.#adopted(slot.sequence);
    if (!adopted) return slot;
    return { ...slot, discontinuity: adopted.discontinuity, ...(adopted.gap ? { gap: true } : {}) };
  }

  /** Discontinuities at slots 1..sequence (the count EXT-X-DISCONTINUITY-SEQUENCE is made of). */
  #discontinuitiesThrough(sequence: number): number {
    const n = this.options.loopSegments;
    const runs = this.#runs.length > 0 ? this.#runs : [{ from: 0, kind: 'loop' as const }];
    let count = 0;
    for (let i = 0; i < runs.length && itemAt(runs, i).from <= sequence; i++) {
      const run = itemAt(runs, i);
      const end = Math.min(sequence, (runs[i + 1]?.from ?? Infinity) - 1);
      if (run.from > 0) count++;
      if (run.kind === 'loop') count += Math.floor(end / n) - Math.floor(run.from / n);
    }
    return count;
  }
}

function unitKey(session: string, index: number): string {
  return `${session}/${index}`;
}

function runOf(e: Extract<JournalEntry, { type: 'run' }>): Run {
  return {
    from: e.from,
    kind: e.kind,
    ...(e.session !== undefined ? { session: e.session, firstUnit: e.firstUnit! } : {}),
  };
}

/**
 * The part of another replica's shared slots a takeover adopts: those this replica did not list
 * (after `listedThrough`), consecutive, each number its predecessor's plus its flag (as a
 * playlist gives them), ending at the other's newest; none when that one is out of view or ahead
 * of anything the other could have listed (a stale or foreign record).
 */
function adoptable(
  shared: readonly SharedSlot[],
  listedThrough: number,
  windowStart: number,
  edge: number,
): SharedSlot[] | undefined {
  const slots = shared.filter((s) => s.sequence > listedThrough).sort((a, b) => a.sequence - b.sequence);
  let i = slots.length - 1;
  if (i < 0) return undefined;
  const last = itemAt(slots, i);
  if (last.sequence < windowStart || last.sequence > edge + 2) return undefined;
  for (; i > 0; i--) {
    const [before, slot] = [itemAt(slots, i - 1), itemAt(slots, i)];
    if (before.sequence !== slot.sequence - 1 || slot.number !== before.number + (slot.discontinuity ? 1 : 0)) break;
  }
  return slots.slice(i);
}
