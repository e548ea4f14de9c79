// One channel's ingest: its doors (an ffmpeg listening on SRT, one on RTMP), the publisher it
// lets in, the transcoder of that feed, and the channel's timeline those segments go to.
//
//   waiting ── publisher knocks: key checked (RTMP: by us, constant time; SRT: by libsrt),
//      │        input checked (codec, size, rate) ── refused: logged, the door reopens
//      ▼
//   receiving ── listener → (pipe) → transcoder → segments → timeline; the other door is shut
//      │          and its port answered by the busy guard (a second publisher is refused, logged)
//      ▼ publisher gone (encoder crash, fibre cut): alert logged, transcoder drained, doors reopen
//   waiting ── the timeline fills the empty slots with the slate (an event is on air, or the feed
//              left less than slateAfterDropMs ago), else the ident loop
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { LiveTimeline } from '../live/timeline.ts';
import type { AddResult, JournalEntry } from '../live/timeline.ts';
import { BusyGuard } from './busy-guard.ts';
import { SrtRelay } from './srt-relay.ts';
import { createSocket } from 'node:dgram';
import { OUTPUTS, canPassThrough, listenerArgs, transcoderArgs } from './commands.ts';
import type { Protocol } from './commands.ts';
import { channelPorts } from './config.ts';
import type { IngestConfig } from './config.ts';
import { redactLine } from './ffmpeg-log.ts';
import type { InputInfo, ListenerEvent, TranscodeProgress } from './ffmpeg-log.ts';
export type { ChannelIngestStatus, IngestState } from './status.ts';
import { refuseInput } from './input-check.ts';
import type { ChannelIngestStatus } from './status.ts';
import type { IngestMetrics } from './metrics.ts';
import { spawnListener, spawnTranscoder, stopProcess } from './processes.ts';
import type { Listener, Transcoder } from './processes.ts';
import { sameKey } from './stream-keys.ts';
import { keyframeScanner } from './ts-keyframes.ts';
import { UnitWatcher, unitDurationsOnDisk } from './unit-watcher.ts';
import type { ReadyUnit, StartedUnit } from './unit-watcher.ts';

export interface IngestLogEntry {
  level: 'info' | 'warn' | 'error';
  channel: ChannelId;
  /** Stable name for alerting: `feed-start`, `feed-lost` (alert), `refused`, `ffmpeg-exit`, … */
  event: string;
  message: string;
  [field: string]: unknown;
}

export interface ChannelIngestDeps {
  channel: ChannelId;
  config: IngestConfig;
  /** SRT, RTMP or both (SRT is left out where ffmpeg has no libsrt). */
  protocols: readonly Protocol[];
  clock: LiveClockConfig;
  loopSegments: number;
  /** H.264 level per video rendition, from the loop (the master playlist names them). */
  levels: Record<string, string>;
  /** The channel's current stream key. */
  key: () => Promise<string>;
  /** An event of this channel is on air (status `live`): an empty slot is the slate, not the loop. */
  onAir: () => boolean;
  metrics: IngestMetrics;
  log: (entry: IngestLogEntry) => void;
  journal: (entry: JournalEntry) => void;
  restored: readonly JournalEntry[];
  now: () => number;
  /**
   * Origin replicas (origin/replicas/): takes the channel's lease for a publisher about to be let
   * in; a refusal's reason when another replica packages the channel (it has a feed on air).
   */
  mayPublish?: () => Promise<string | undefined>;
}

interface Door {
  protocol: Protocol;
  listener: Listener;
  keyCheck?: Promise<boolean>;
  input?: InputInfo;
  inputDone: boolean;
  /** Bytes received before the publisher was let in: fed to the transcoder if it is. */
  early: Buffer[];
  earlyBytes: number;
  /** We ended it (refused, or shut while another door is on air): reopen without counting a restart. */
  closedByUs: boolean;
  recentLines: string[];
}

interface Session {
  id: string;
  door: Door;
  dir: string;
  startedAt: number;
  transcoder: Transcoder;
  watcher: UnitWatcher;
  guard?: BusyGuard;
  progress?: TranscodeProgress;
  /** Bytes received per second, newest last: [second, bytes]. */
  rate: [number, number][];
  /** When the publisher's last bytes came (a feed silent for `feedStallMs` is taken as gone). */
  lastByteAt: number;
  /** The last tick found the feed silent. */
  silentSeen: boolean;
  /** Why we cut the publisher, when we did (else it went by itself): told to the staff. */
  cutBecause?: string;
  lastKeyframeAt: number | null;
  segments: number;
  /** The feed is copied as the top rendition (config.passthrough). */
  passthrough: boolean;
  /** When the last unit came out of the transcoder, and whether the feed's units go on air yet. */
  lastUnitAt: number | null;
  onAir: boolean;
  /** Units placed as they began to be written (LL-HLS): at their end, they are only finished. */
  placedAtStart: Set<number>;
}

/** Units coming out faster than one per this are a transcoder catching up, not the live pace (2 s). */
const CAUGHT_UP_MS = 1200;

/** Most early bytes kept while a publisher is being checked (a few seconds of 1080p). */
const EARLY_LIMIT = 32 * 1024 * 1024;

export class ChannelIngest {
  readonly timeline: LiveTimeline;
  readonly #doors = new Map<Protocol, Door>();
  readonly #reopen = new Map<Protocol, ReturnType<typeof setTimeout>>();
  readonly #backoff = new Map<Protocol, number>();
  #session: Session | undefined;
  #lastUnitAt = 0;
  #packagerLagMs: number | null = null;
  #restarts = 0;
  #lastRefusal: ChannelIngestStatus['lastRefusal'] = null;
  #lastDrop: ChannelIngestStatus['lastDrop'] = null;
  #stopped = false;
  /** Sessions whose transcoder is still writing its last units (the feed has gone). */
  #draining = 0;
  #srtRelay: SrtRelay | undefined;
  /** The end of the last session, while its transcoder drains. */
  #ending: Promise<void> = Promise.resolve();
  /** The loopback port the SRT listener binds, behind the relay on the public port. */
  #srtPrivatePort = 0;

  constructor(readonly deps: ChannelIngestDeps) {
    this.timeline = new LiveTimeline({
      clock: deps.clock,
      loopSegments: deps.loopSegments,
      graceMs: deps.config.slotGraceMs,
      lockMarginMs: deps.config.lockMarginMs,
      partLockMarginMs: deps.config.partLockMarginMs,
      growingGraceMs: deps.config.growingGraceMs,
      // A unit may wait one slot more than the margin; beyond, the feed is running ahead of the
      // clock (a burst after a stall): the unit is dropped rather than the delay kept for good.
      maxQueuedSlots: 1,
      fallback: () => this.#emptySlot(),
      // No unit can reach the slot being made when no feed comes in, nor while a feed has none on
      // air yet when units go on air as encoded (its first takes a slot that starts after its first
      // frames are written, seconds later): it is the slate or the loop already, its parts out by
      // the clock. Left undecided, a low-latency TV's blocking reload waited for the slot's end and
      // grace, past its time-out. (A unit placed once complete may still take the slot being made.)
      settled: () => {
        const session = this.#session;
        const mayCome = session !== undefined && (session.segments > 0 || !deps.config.partsAsEncoded);
        return this.#draining > 0 || mayCome ? undefined : this.#emptySlot();
      },
      journal: deps.journal,
    });
    this.timeline.restore(deps.restored);
  }

  get channel(): ChannelId {
    return this.deps.channel;
  }

  start(): void {
    if (this.deps.protocols.includes('srt')) {
      const { config } = this.deps;
      this.#srtRelay = new SrtRelay({
        host: config.bindHost,
        port: channelPorts(config, this.channel).srt,
        target: () => this.#srtPrivatePort,
        onCaller: (remote) => {
          const on = this.#session?.door.protocol;
          if (!on) return 'forward';
          this.#noteRefusal('srt', 'busy', `Chaîne occupée : un direct arrive déjà en ${on.toUpperCase()} (${remote})`);
          // Behind the relay libsrt answers a caller on a busy SRT port with a rejection at once.
          return on === 'srt' ? 'forward' : 'drop';
        },
        onError: (error) =>
          this.#log(
            'error',
            'port-unavailable',
            `Port SRT ${channelPorts(config, this.channel).srt} indisponible : ${error.message}`,
            { protocol: 'srt' },
          ),
      });
    }
    for (const protocol of this.deps.protocols) void this.#open(protocol);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#srtRelay?.close();
    for (const timer of this.#reopen.values()) clearTimeout(timer);
    const doors = [...this.#doors.values()];
    for (const door of doors) door.closedByUs = true;
    await Promise.all(doors.map((d) => stopProcess(d.listener, 1000, 'SIGKILL')));
    await this.#endSession('stopped');
    await this.#ending; // a session the listener's exit had already begun to end
  }

  /** Seals the slots that are due (called a few times a second) and counts the slate on air. */
  tick(): void {
    const now = this.deps.now();
    const session = this.#session;
    if (session) this.deps.metrics.bitrate.set({ channel: this.channel }, bitrate(session.rate, now));
    const stall = this.deps.config.feedStallMs;
    const silent = session !== undefined && stall > 0 && now - session.lastByteAt > stall;
    // Seen silent on two ticks in a row: a busy event loop may run a tick before the bytes that
    // came meanwhile (read in the poll phase after timers), never two.
    if (session && silent && session.silentSeen && session.door.listener.process.exitCode === null) {
      // Silent publisher: end the session now (the transcoder then closes the unit on air).
      this.#cut(session, 'feed-stalled', `Plus rien n’arrive depuis ${seconds(stall)}`, 'warn');
    }
    if (session) session.silentSeen = silent;
    for (const slot of this.timeline.seal(now)) {
      if (slot.kind === 'slate')
        this.deps.metrics.slateSeconds.inc({ channel: this.channel }, this.deps.clock.segmentDuration);
    }
  }

  /**
   * Another origin replica packages the channel now (this one's lease ran out): the publisher is
   * cut, as a fenced holder must stop; a venue encoder then reconnects, to its backup URL.
   */
  dropPublisher(reason: string): void {
    const session = this.#session;
    if (!session) return;
    this.#cut(session, 'lease-lost', reason, 'warn');
  }

  /** We end the publisher's connection, saying why (the cause of the drop the staff then see). */
  #cut(session: Session, event: string, because: string, level: IngestLogEntry['level']): void {
    this.#log(level, event, `${this.channel} : ${because} — flux coupé`, { session: session.id });
    session.cutBecause = because;
    session.door.listener.process.kill('SIGKILL');
  }

  /** The stream key changed: a waiting SRT door reopens with the new passphrase (RTMP reads it per connection). */
  keyChanged(): void {
    const door = this.#doors.get('srt');
    if (door && !this.#session) {
      door.closedByUs = true;
      door.listener.process.kill('SIGKILL');
    }
  }

  status(): ChannelIngestStatus {
    const now = this.deps.now();
    const s = this.#session;
    const ports = channelPorts(this.deps.config, this.channel);
    const edge = this.timeline.slot(this.timeline.edge(now));
    return {
      channel: this.channel,
      state: s ? 'receiving' : edge?.kind === 'slate' ? 'slate' : 'waiting',
      ports: Object.fromEntries(this.deps.protocols.map((p) => [p, ports[p]])),
      ...(s && {
        feed: {
          protocol: s.door.protocol,
          since: new Date(s.startedAt).toISOString(),
          input: s.door.input!,
          bitrateKbps: Math.round(bitrate(s.rate, now) / 1000),
          droppedFrames: s.progress?.dropFrames ?? 0,
          speed: s.progress?.speed ?? 0,
          secondsSinceKeyframe: s.lastKeyframeAt === null ? null : Math.round((now - s.lastKeyframeAt) / 100) / 10,
          segments: s.segments,
          passthrough: s.passthrough,
        },
      }),
      packagerLagMs: this.#packagerLagMs,
      lastSegmentAt: this.#lastUnitAt ? new Date(this.#lastUnitAt).toISOString() : null,
      restarts: this.#restarts,
      lastRefusal: this.#lastRefusal,
      lastDrop: this.#lastDrop,
    };
  }

  /** What an empty slot shows: the slate while the channel is meant to be live, else its ident loop. */
  #emptySlot(): 'slate' | 'loop' {
    const recentlyFed = this.#lastUnitAt > 0 && this.deps.now() - this.#lastUnitAt < this.deps.config.slateAfterDropMs;
    return this.#session || this.deps.onAir() || recentlyFed ? 'slate' : 'loop';
  }

  // ---- doors ----------------------------------------------------------------------------

  async #open(protocol: Protocol): Promise<void> {
    if (this.#stopped || this.#doors.has(protocol) || this.#session) return;
    const { config } = this.deps;
    let key: string;
    try {
      key = await this.deps.key();
    } catch (error) {
      this.#log('warn', 'key-unavailable', `Clé de flux illisible (${(error as Error).message}) : nouvel essai`, {
        protocol,
      });
      this.#scheduleOpen(protocol, true);
      return;
    }
    if (this.#stopped || this.#doors.has(protocol) || this.#session) return;
    // SRT: ffmpeg listens on a private loopback port, the relay (srt-relay.ts) on the public one.
    if (protocol === 'srt') this.#srtPrivatePort = await freeUdpPort();
    const host = protocol === 'srt' ? '127.0.0.1' : config.bindHost;
    const port = protocol === 'srt' ? this.#srtPrivatePort : channelPorts(config, this.channel).rtmp;
    const args = listenerArgs({ protocol, channel: this.channel, host, port, key, srtLatencyMs: config.srtLatencyMs });
    const door: Door = {
      protocol,
      inputDone: false,
      early: [],
      earlyBytes: 0,
      closedByUs: false,
      recentLines: [],
      listener: undefined!,
    };
    door.listener = spawnListener(
      config.ffmpegPath,
      args,
      (event) => this.#onDoorEvent(door, event),
      (line) => {
        door.recentLines.push(redactLine(line));
        if (door.recentLines.length > 8) door.recentLines.shift();
      },
    );
    door.listener.process.stdout!.on('data', (chunk: Buffer) => {
      if (this.#session?.door === door) return; // piped to the transcoder
      door.earlyBytes += chunk.length;
      if (door.earlyBytes > EARLY_LIMIT) this.#refuse(door, 'probe', 'Flux illisible : aucune image reconnue');
      else door.early.push(chunk);
    });
    this.#doors.set(protocol, door);
    const openedAt = this.deps.now();
    void door.listener.exited.then((exit) => this.#onDoorExit(door, exit, openedAt));
  }

  #onDoorEvent(door: Door, event: ListenerEvent): void {
    switch (event.type) {
      case 'publish-name':
        door.keyCheck = this.deps.key().then((key) => sameKey(event.name, key));
        void door.keyCheck.then((ok) => ok || this.#refuse(door, 'wrong_key', 'Clé de flux incorrecte'));
        break;
      case 'rtmp-app':
        this.#refuse(
          door,
          'unknown_channel',
          `Chaîne « ${event.app} » inconnue sur ce port : l'adresse RTMP de ${this.channel} est rtmp://…/${this.channel}`,
        );
        break;
      case 'srt-rejected':
        // libsrt refused the handshake itself (wrong or missing passphrase); the door stays open.
        this.#noteRefusal('srt', 'wrong_key', `Phrase de passe SRT refusée (${event.reason})`);
        break;
      case 'input-start':
        if (!door.inputDone) door.input = { format: event.format };
        break;
      case 'video':
        if (door.input && !door.inputDone) door.input.video ??= event.video;
        break;
      case 'audio':
        if (door.input && !door.inputDone) door.input.audio ??= event.audio;
        break;
      case 'input-end':
        if (door.input && !door.inputDone) {
          door.inputDone = true;
          void this.#admit(door);
        }
        break;
    }
  }

  async #admit(door: Door): Promise<void> {
    if (door.protocol === 'rtmp' && !(await (door.keyCheck ?? Promise.resolve(false)))) {
      if (!door.keyCheck) this.#refuse(door, 'wrong_key', 'Clé de flux absente');
      return;
    }
    if (door.closedByUs) return;
    if (this.#session) {
      this.#refuse(
        door,
        'busy',
        `Chaîne occupée : un direct arrive déjà en ${this.#session.door.protocol.toUpperCase()}`,
      );
      return;
    }
    const reason = refuseInput(door.input!, {
      maxWidth: this.deps.config.maxInputWidth,
      maxHeight: this.deps.config.maxInputHeight,
      maxFps: this.deps.config.maxInputFps,
    });
    if (reason) {
      this.#refuse(door, 'input', reason);
      return;
    }
    const standby = await this.deps.mayPublish?.();
    if (door.closedByUs || this.#stopped) return;
    if (standby) {
      this.#refuse(door, 'standby', standby);
      return;
    }
    await this.#startSession(door);
  }

  #refuse(door: Door, code: string, reason: string): void {
    if (door.closedByUs) return;
    door.closedByUs = true;
    door.listener.process.kill('SIGKILL');
    this.#noteRefusal(door.protocol, code, reason);
  }

  #noteRefusal(protocol: Protocol, code: string, reason: string): void {
    this.#lastRefusal = { at: new Date(this.deps.now()).toISOString(), protocol, reason };
    this.deps.metrics.refusals.inc({ channel: this.channel, protocol, reason: code });
    this.#log('warn', 'refused', `${protocol.toUpperCase()} : publication refusée sur ${this.channel} — ${reason}`, {
      protocol,
      reason: code,
    });
  }

  #onDoorExit(door: Door, exit: { code: number | null; signal: NodeJS.Signals | null }, openedAt: number): void {
    if (this.#doors.get(door.protocol) === door) this.#doors.delete(door.protocol);
    if (this.#session?.door === door) {
      this.#ending = this.#endSession(
        this.#stopped ? 'stopped' : 'dropped',
        this.#session.cutBecause ?? goneBy(door, exit),
      );
      return;
    }
    if (this.#stopped || this.#session) return; // reopened when the session ends
    if (door.closedByUs) {
      this.#scheduleOpen(door.protocol, false);
      return;
    }
    // It ended by itself: a port already taken, a crash. Say why, count it, wait a little.
    this.#restarts++;
    this.deps.metrics.restarts.inc({ channel: this.channel, role: `${door.protocol}-listener` });
    this.#log(
      'error',
      'ffmpeg-exit',
      `Le récepteur ${door.protocol.toUpperCase()} s'est arrêté (code ${exit.code ?? exit.signal}) : ${door.recentLines.slice(-2).join(' | ')}`,
      {
        protocol: door.protocol,
      },
    );
    this.#scheduleOpen(door.protocol, this.deps.now() - openedAt < 5000);
  }

  #scheduleOpen(protocol: Protocol, failedQuickly: boolean): void {
    if (this.#stopped || this.#reopen.has(protocol)) return;
    const base = this.deps.config.restartDelayMs;
    const delay = failedQuickly ? Math.min(10_000, (this.#backoff.get(protocol) ?? base / 2) * 2) : 0;
    this.#backoff.set(protocol, failedQuickly ? delay : base / 2);
    this.#reopen.set(
      protocol,
      setTimeout(() => {
        this.#reopen.delete(protocol);
        void this.#open(protocol);
      }, delay),
    );
  }

  // ---- the feed on air ------------------------------------------------------------------

  async #startSession(door: Door): Promise<void> {
    const { config } = this.deps;
    const now = this.deps.now();
    const id = `${now.toString(36)}-${door.protocol}`;
    const dir = join(config.dir, this.channel, id);
    await Promise.all(OUTPUTS.map((o) => mkdir(join(dir, o), { recursive: true })));
    if (door.closedByUs || this.#stopped || door.listener.process.exitCode !== null) return;
    const passthrough = config.passthrough && canPassThrough(door.input!.video!);
    const transcoder = spawnTranscoder(
      config.ffmpegPath,
      transcoderArgs({
        hasAudio: door.input!.audio !== undefined,
        x264Preset: config.x264Preset,
        levels: this.deps.levels,
        passthrough,
      }),
      dir,
      (progress) => {
        if (this.#session?.transcoder === transcoder) this.#session.progress = progress;
      },
      (line) => this.#log('warn', 'transcoder', redactLine(line), {}),
    );
    const session: Session = {
      id,
      door,
      dir,
      startedAt: now,
      transcoder,
      watcher: new UnitWatcher(
        dir,
        (unit) => this.#onUnit(session, unit),
        undefined,
        this.deps.config.partsAsEncoded ? (unit) => this.#onStart(session, unit) : undefined,
        this.deps.now,
      ),
      placedAtStart: new Set(),
      rate: [],
      lastByteAt: now,
      silentSeen: false,
      lastKeyframeAt: null,
      segments: 0,
      passthrough,
      lastUnitAt: null,
      onAir: false,
    };
    this.#session = session;
    const scan = keyframeScanner(() => (session.lastKeyframeAt = this.deps.now()));
    const tap = (chunk: Buffer) => {
      scan(chunk);
      session.lastByteAt = this.deps.now();
      countBytes(session.rate, session.lastByteAt, chunk.length);
    };
    for (const chunk of door.early) {
      tap(chunk);
      transcoder.process.stdin!.write(chunk);
    }
    door.early = [];
    const stdout = door.listener.process.stdout!;
    stdout.on('data', tap);
    stdout.pipe(transcoder.process.stdin!);
    session.watcher.start();
    this.deps.metrics.receiving.set({ channel: this.channel }, 1);
    const v = door.input!.video!;
    this.#log(
      'info',
      'feed-start',
      `${door.protocol.toUpperCase()} : direct reçu sur ${this.channel} (${v.codec} ${v.width}×${v.height} ${v.fps} i/s, audio ${door.input!.audio?.codec ?? 'absent : silence ajoutée'})${passthrough ? ', image de l’encodeur en qualité haute sans réencodage' : ''}`,
      {
        protocol: door.protocol,
        session: id,
      },
    );
    // One publisher at a time: the other doors close, and the guard answers their ports.
    for (const other of this.#doors.values()) {
      if (other === door) continue;
      other.closedByUs = true;
      other.listener.process.kill('SIGKILL');
    }
    // SRT callers are seen by the relay; the RTMP port is answered by the guard meanwhile.
    if (this.deps.protocols.includes('rtmp'))
      session.guard = new BusyGuard(config.bindHost, { rtmp: channelPorts(config, this.channel).rtmp }, (knock) =>
        this.#noteRefusal(
          knock.protocol,
          'busy',
          `Chaîne occupée : un direct arrive déjà en ${door.protocol.toUpperCase()} (${knock.remote})`,
        ),
      );
    void transcoder.exited.then((exit) => {
      if (this.#session !== session) return;
      // The transcoder died under a live feed: drop the publisher (encoders reconnect) and start over.
      this.#restarts++;
      this.deps.metrics.restarts.inc({ channel: this.channel, role: 'transcoder' });
      this.#cut(session, 'ffmpeg-exit', `Le transcodeur s’est arrêté (code ${exit.code ?? exit.signal})`, 'error');
    });
  }

  /** A unit begins to be written: once the feed is on air, it takes its slot now (LL-HLS parts as encoded). */
  #onStart(session: Session, unit: StartedUnit): void {
    if (!session.onAir) return;
    session.placedAtStart.add(unit.index);
    this.#place(
      session,
      unit.index,
      this.timeline.addUnit({
        session: session.id,
        index: unit.index,
        completedAtMs: this.deps.now(),
        startedAtMs: unit.startedAtMs,
      }),
    );
  }

  #onUnit(session: Session, unit: ReadyUnit): void {
    const now = this.deps.now();
    if (session.placedAtStart.delete(unit.index)) {
      this.timeline.finishUnit(session.id, unit.index, unit.durations);
      session.lastUnitAt = now;
      return;
    }
    // A new feed goes on air once its segments come at the pace of real time: those that pour
    // out while the transcoder catches up on what it buffered are already old, and placing one
    // would either keep that delay or cost a discontinuity when the queue is trimmed.
    const previous = session.lastUnitAt;
    session.lastUnitAt = now;
    if (!session.onAir) {
      if (previous === null || now - previous < CAUGHT_UP_MS) return;
      session.onAir = true;
      // Parts as encoded: the feed goes on air with the next unit, placed as it begins, so the
      // whole run keeps that unit's short delay (later units follow it slot by slot).
      if (this.deps.config.partsAsEncoded) return;
    }
    // Parts as encoded, but the unit was complete before it was seen begin (the watcher looked
    // late on a busy machine): placed as if seen at its start, dated back by its length, so the
    // run keeps the short delay instead of taking a whole unit's.
    const startedAtMs = this.deps.config.partsAsEncoded ? now - unit.durations.video * 1000 : undefined;
    this.#place(
      session,
      unit.index,
      this.timeline.addUnit({
        session: session.id,
        index: unit.index,
        durations: unit.durations,
        completedAtMs: now,
        ...(startedAtMs !== undefined ? { startedAtMs } : {}),
      }),
    );
  }

  #place(session: Session, index: number, placed: AddResult): void {
    const now = this.deps.now();
    if ('dropped' in placed) {
      this.#log('warn', 'segment-dropped', `Segment ${index} de ${this.channel} écarté : ${placed.dropped}`, {
        session: session.id,
      });
      return;
    }
    if (placed.gaveWay !== undefined)
      this.#log(
        'info',
        'segment-dropped',
        `Segment ${placed.gaveWay} de ${this.channel} écarté (le flux rattrape son retard)`,
        { session: session.id },
      );
    session.segments++;
    this.#lastUnitAt = now;
    this.#packagerLagMs = Math.max(0, this.timeline.startMs(placed.slot + 1) - now);
    this.deps.metrics.segments.inc({ channel: this.channel });
    this.deps.metrics.packagerLag.set({ channel: this.channel }, this.#packagerLagMs / 1000);
  }

  async #endSession(why: 'dropped' | 'stopped', cause = ''): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    this.#draining++;
    session.guard?.close();
    this.deps.metrics.receiving.set({ channel: this.channel }, 0);
    this.deps.metrics.bitrate.set({ channel: this.channel }, 0);
    if (why === 'dropped') {
      const protocol = session.door.protocol;
      this.#lastDrop = { at: new Date(this.deps.now()).toISOString(), protocol, cause };
      this.deps.metrics.drops.inc({ channel: this.channel });
      this.#log(
        'warn',
        'feed-lost',
        `ALERTE : le direct de ${this.channel} (${protocol.toUpperCase()}) est coupé après ${Math.round((this.deps.now() - session.startedAt) / 1000)} s (${cause}) ; ardoise à l'antenne`,
        { protocol, session: session.id, cause, alert: true },
      );
    }
    try {
      // The feed has ended: the transcoder writes its last segments, then goes (silence never ends by itself).
      session.transcoder.process.stdin!.end();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = await Promise.race([
        session.transcoder.exited.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.deps.config.drainMs))),
      ]);
      clearTimeout(timer);
      if (!drained) await stopProcess(session.transcoder, 2000);
      await session.watcher.poll();
      session.watcher.stop();
      // A unit on air as parts that the transcoder never closed (killed, or past the drain): its
      // end is read from the bytes it wrote, so its slot is the segment its parts add up to.
      await this.#finishFromDisk(session.id, session.dir);
    } finally {
      this.#draining--;
    }
    for (const protocol of this.deps.protocols) this.#scheduleOpen(protocol, false);
  }

  async #finishFromDisk(sessionId: string, dir: string): Promise<void> {
    for (const unit of this.timeline.unfinished()) {
      if (unit.session !== sessionId) continue;
      const durations = await unitDurationsOnDisk(dir, unit.index);
      if (durations) this.timeline.finishUnit(unit.session, unit.index, durations);
    }
  }

  #log(level: IngestLogEntry['level'], event: string, message: string, fields: Record<string, unknown>): void {
    this.deps.log({ level, channel: this.channel, event, message, ...fields });
  }
}

/** `1500` → « 1,5 s ». */
function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('fr-FR')} s`;
}

/** Why a publisher's connection ended by itself, for the staff: its listener's exit and last words. */
function goneBy(door: Door, exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  if (exit.code === 0) return 'L’encodeur a fermé la liaison';
  const last = door.recentLines.at(-1);
  return `Liaison perdue avec l’encodeur (ffmpeg : ${last ?? `code ${exit.code ?? exit.signal}`})`;
}

/** A UDP port nobody uses right now on loopback. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function countBytes(rate: [number, number][], nowMs: number, bytes: number): void {
  const second = Math.floor(nowMs / 1000);
  const last = rate[rate.length - 1];
  if (last && last[0] === second) last[1] += bytes;
  else rate.push([second, bytes]);
  while (rate.length > 6) rate.shift();
}

/** Bits per second over the last five whole seconds. */
function bitrate(rate: [number, number][], nowMs: number): number {
  const second = Math.floor(nowMs / 1000);
  const full = rate.filter(([s]) => s < second && s >= second - 5);
  if (full.length === 0) return 0;
  return (full.reduce((sum, [, b]) => sum + b, 0) * 8) / full.length;
}
