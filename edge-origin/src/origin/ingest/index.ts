// The live ingest: encoders push SRT or RTMP to the origin, which transcodes the ladder and puts
// the segments on air in each channel's timeline. Started by the Node entry points beside the
// origin app, which it hands an IngestPort (the timelines and its staff API). See README.md here.
import { spawnSync } from 'node:child_process';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import { VIDEO_RENDITIONS } from '../../../../shared/hls/ladder.ts';
import { imagePaths } from '../../../../shared/hls/paths.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { ensureSlates, slateFile, SLATE_AUDIO } from '../../media/slate.ts';
import { log as logger } from '../log/logger.ts';
import type { SlateChannel } from '../../media/slate.ts';
import { MediaLibrary } from '../files/media-library.ts';
import { LiveChannels, outputKind } from '../live/live-channels.ts';
import type { LiveFiles } from '../live/live-channels.ts';
import type { JournalEntry } from '../live/timeline.ts';
import type { IngestPort } from '../options.ts';
import type { LivePackagers } from '../replicas/live-lease.ts';
import type { RecordStore } from '../store/record-store.ts';
import { ChannelIngest } from './channel-ingest.ts';
import type { ChannelIngestStatus, IngestLogEntry } from './channel-ingest.ts';
import { AUDIO_OUTPUT, h264Level } from './commands.ts';
import type { Protocol } from './commands.ts';
import { channelPorts } from './config.ts';
import type { IngestConfig } from './config.ts';
import { createIngestMetrics } from './metrics.ts';
import { ingestStaffRoutes } from './staff-routes.ts';
import { streamKey } from './stream-keys.ts';

export { loadIngestConfig, IngestConfigError } from './config.ts';
export type { IngestConfig } from './config.ts';
export type { ChannelIngestStatus, IngestLogEntry } from './channel-ingest.ts';

export interface IngestOptions {
  config: IngestConfig;
  /** The demo media's root (its loops and logos; the slates are made beside it). */
  mediaDir: string;
  store: RecordStore;
  clock: LiveClockConfig;
  staffAdminToken: string | undefined;
  now?: () => number;
  /** One structured entry per event; default: a JSON line on stdout (warn and error on stderr). */
  log?: (entry: IngestLogEntry) => void;
  /**
   * Origin replicas (origin/replicas/): a publisher is let in only once this replica holds its
   * channel's lease (taken if free, handed over by a holder with no feed within `claimWaitMs`).
   */
  replicas?: { packagers: LivePackagers; claimWaitMs: number };
}

export interface Ingest extends IngestPort {
  /** The protocols this ffmpeg can listen with (SRT needs libsrt). */
  readonly protocols: readonly Protocol[];
  status(channel: ChannelId): ChannelIngestStatus | undefined;
  /** This replica no longer packages the channel: its publisher, if any, is cut. */
  dropPublisher(channel: ChannelId, reason: string): void;
  close(): Promise<void>;
}

/** True when `ffmpeg` can listen on SRT (Debian's can; the npm static build cannot). */
export function ffmpegHasSrt(ffmpeg: string): boolean {
  const out = spawnSync(ffmpeg, ['-hide_banner', '-protocols'], { encoding: 'utf8' });
  return out.status === 0 && /^\s*srt\s*$/m.test(out.stdout.split('Output:')[0] ?? '');
}

export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const { config, store, clock } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? defaultLog;
  const library = new MediaLibrary(options.mediaDir);
  const metrics = createIngestMetrics();

  const srt = config.srt && ffmpegHasSrt(config.ffmpegPath);
  if (config.srt && !srt) {
    logger.warn(
      `ingest: SRT indisponible : ${config.ffmpegPath} n'a pas libsrt (installez le ffmpeg de Debian : apt-get install ffmpeg). Les encodeurs peuvent envoyer en RTMP.`,
    );
  }
  const protocols: Protocol[] = [...(srt ? (['srt'] as const) : []), ...(config.rtmp ? (['rtmp'] as const) : [])];

  const channels = (Object.keys(library.manifest.live) as ChannelId[]).filter((c) => library.live(c));
  const slateChannels: SlateChannel[] = channels.map((id) => {
    return { id, logoFile: library.imageFile(imagePaths.logo(id)) ?? '', levels: levelsOf(library, id) };
  });
  const slates = await ensureSlates({
    dir: dirname(library.manifest.root),
    channels: slateChannels,
    ffmpegPath: config.ffmpegPath,
  });

  // Which channels have an event on air, read from the store every 2 s (the last answer stands while it is down).
  let onAir = new Set<ChannelId>();
  const readOnAir = async () => {
    try {
      onAir = new Set((await store.list('events')).filter((e) => e.status === 'live').map((e) => e.channelId));
    } catch {
      /* store unreachable: keep the last known */
    }
  };
  await readOnAir();

  const ingests = new Map<ChannelId, ChannelIngest>();
  const journals: JournalWriter[] = [];
  for (const channel of channels) {
    const journal = new JournalWriter(join(config.dir, channel, 'timeline.jsonl'));
    journals.push(journal);
    ingests.set(
      channel,
      new ChannelIngest({
        channel,
        config,
        protocols,
        clock,
        loopSegments: library.live(channel)!.segmentCount,
        levels: levelsOf(library, channel),
        key: () => streamKey(store, channel),
        onAir: () => onAir.has(channel),
        metrics,
        log,
        journal: (entry) => journal.write(entry),
        restored: await journal.read(),
        now,
        ...(options.replicas ? { mayPublish: () => mayPublish(options.replicas!, channel) } : {}),
      }),
    );
  }

  const files: LiveFiles = {
    slate(channel, rendition) {
      const output = outputKind(rendition) === 'audio' ? SLATE_AUDIO : rendition;
      const duration = slates.durations[channel]?.[output];
      return duration === undefined ? undefined : { path: slateFile(slates, channel, output), duration };
    },
    unit(channel, session, rendition, index) {
      return join(
        config.dir,
        channel,
        session,
        outputKind(rendition) === 'audio' ? AUDIO_OUTPUT : rendition,
        `${index}.ts`,
      );
    },
  };
  const live = new LiveChannels(clock, new Map([...ingests].map(([c, i]) => [c, i.timeline])), files);

  // Keys are re-read now and then, so a rotation made through another origin reaches this one too.
  const keys = new Map<ChannelId, string>();
  const watchKeys = async () => {
    for (const channel of channels) {
      try {
        const key = await streamKey(store, channel);
        if (keys.has(channel) && keys.get(channel) !== key) ingests.get(channel)!.keyChanged();
        keys.set(channel, key);
      } catch {
        /* store unreachable */
      }
    }
  };
  await watchKeys();

  const timers = [
    setInterval(() => {
      for (const ingest of ingests.values()) ingest.tick();
    }, 200),
    setInterval(() => void readOnAir(), 2000),
    setInterval(() => void watchKeys(), 5000),
    setInterval(() => void Promise.all(journals.map((j) => j.flush())), 1000),
  ];
  for (const ingest of ingests.values()) ingest.start();
  logger.info(
    `ingest: ${channels.map((c) => `${c} ${protocols.map((p) => `${p}:${channelPorts(config, c)[p]}`).join(' ')}`).join(', ')} (stream keys: GET /api/v1/staff/ingest/<channel>, admin)`,
  );

  const statuses = () => [...ingests.values()].map((i) => i.status());
  return {
    protocols,
    channels: live,
    staffRoutes: ingestStaffRoutes({
      store,
      adminToken: options.staffAdminToken,
      publicHost: config.publicHost || config.bindHost,
      status: (c) => ingests.get(c)?.status(),
      statuses,
      keyRotated: (c) => {
        keys.delete(c);
        ingests.get(c)?.keyChanged();
      },
      metrics,
      now,
    }),
    status: (c) => ingests.get(c)?.status(),
    dropPublisher: (c, reason) => ingests.get(c)?.dropPublisher(reason),
    async close() {
      for (const t of timers) clearInterval(t);
      await Promise.all([...ingests.values()].map((i) => i.stop()));
      for (const j of journals) j.flushSync();
    },
  };
}

/** Undefined once this replica holds the channel's lease; else why the publisher is refused. */
async function mayPublish(
  replicas: NonNullable<IngestOptions['replicas']>,
  channel: ChannelId,
): Promise<string | undefined> {
  const claim = await replicas.packagers.claim(channel, replicas.claimWaitMs);
  if (claim.ok) return undefined;
  return `${channel} est diffusée par l’autre origine (${claim.holder?.url ?? 'inconnue'}), qui reçoit déjà un direct : envoyez-y le flux`;
}

/** The H.264 level of each rendition of the channel's loop (the master playlist names them). */
function levelsOf(library: MediaLibrary, channel: ChannelId): Record<string, string> {
  const stream = library.live(channel)!;
  return Object.fromEntries(
    VIDEO_RENDITIONS.map((r) => [r.id, h264Level(stream.renditions[r.id]?.codecs ?? '') ?? '3.1']),
  );
}

const ingestLog = logger.child({ component: 'ingest' });
function defaultLog({ level, message, ...fields }: IngestLogEntry): void {
  ingestLog[level](fields, message);
}

/** The timeline's journal, appended once a second; `sealed` marks collapse to the latest. */
class JournalWriter {
  #pending: JournalEntry[] = [];
  constructor(readonly file: string) {}

  async read(): Promise<JournalEntry[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const entries: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        /* a torn last line after a crash */
      }
    }
    return entries;
  }

  write(entry: JournalEntry): void {
    const last = this.#pending[this.#pending.length - 1];
    if (entry.type === 'sealed' && last?.type === 'sealed') this.#pending[this.#pending.length - 1] = entry;
    else this.#pending.push(entry);
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const lines = this.#text();
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, lines);
  }

  flushSync(): void {
    if (this.#pending.length === 0) return;
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, this.#text());
  }

  #text(): string {
    const text = `${this.#pending.map((e) => JSON.stringify(e)).join('\n')}\n`;
    this.#pending = [];
    return text;
  }
}
