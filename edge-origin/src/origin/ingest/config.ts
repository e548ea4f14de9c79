// The ingest's one configuration: every knob, its type, default and environment name, in one
// zod schema (the edge's config.ts is the model). Defaults < environment < values in code; a bad
// value stops the origin at start with a message naming the key.
import { z } from 'zod';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { ChannelId } from '../../../../shared/catalog/types.ts';

const bool = z.preprocess(
  (v) => (typeof v === 'string' ? !['0', 'false', 'no', 'off', ''].includes(v.toLowerCase()) : v),
  z.boolean(),
);
const port = z.coerce.number().int().min(1).max(65535);
const ms = z.coerce.number().int().nonnegative();

export const ingestConfigSchema = z.object({
  /** Listen for encoders at all (`npm start` does; tests start their own). */
  enabled: bool.default(true),
  /** ffmpeg to listen, decode and encode with. SRT needs Debian's (libsrt); see `srtAvailable`. */
  ffmpegPath: z.string().min(1).default('ffmpeg'),
  /** Where sessions write their segments (`<dir>/<channel>/<session>/<rendition>/<n>.ts`) and the
   * timelines their journals; kept across restarts (replays point at it). */
  dir: z.string().min(1),
  /** Address the listeners bind to (`0.0.0.0` to take encoders from the network). */
  bindHost: z.string().min(1).default('127.0.0.1'),
  /** Host name the staff console shows in ingest URLs (default: bindHost). */
  publicHost: z.string().default(''),
  /** SRT: channel i (in CHANNEL_IDS order: sport, culture, business, agglo) listens on srtBasePort + i. */
  srt: bool.default(true),
  srtBasePort: port.default(9000),
  /** SRT receive latency (ms): the jitter buffer; 120 is libsrt's default, fibre needs little more. */
  srtLatencyMs: ms.default(120),
  /** RTMP: channel i listens on rtmpBasePort + i, application = the channel id, stream name = the key. */
  rtmp: bool.default(true),
  rtmpBasePort: port.default(1935),
  /** Largest input accepted (pixels, frames per second). */
  maxInputWidth: z.coerce.number().int().positive().default(1920),
  maxInputHeight: z.coerce.number().int().positive().default(1080),
  maxInputFps: z.coerce.number().positive().default(60),
  /** x264 preset of the ladder: the CPU a channel costs (README: "Live ingest"). */
  x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
  /**
   * A feed that already is the top rendition (H.264, 960×540, 25 fps, a keyframe every 1 or 2 s) is
   * copied as it is instead of encoded again: the biggest encode of the ladder is spared.
   */
  passthrough: bool.default(false),
  /** A slot waits this long past its publication time for a late segment before it is sealed. */
  slotGraceMs: ms.default(1000),
  /** A feed's first segment goes to a slot published at least this long after it is complete. */
  lockMarginMs: ms.default(1000),
  /**
   * LL-HLS: a unit goes on air as it is encoded (its slot is taken once its first frames are
   * written, each part published once written and its time come); false: once it is complete
   * (2 s and the lock margin more behind the picture).
   */
  partsAsEncoded: bool.default(true),
  /** A unit placed as it is encoded takes a slot that starts at least this long after its first frame is written. */
  partLockMarginMs: ms.default(100),
  /**
   * A slot whose unit is on air as parts waits this long past its time for the unit's end (a
   * transcoder lagging on a busy machine) before it is sealed as the slate against its parts.
   */
  growingGraceMs: ms.default(3000),
  /** After a feed drops with no event on air, the slate stays this long, then the ident loop. */
  slateAfterDropMs: ms.default(60_000),
  /** Restart delay of a listener that exited (doubles on each quick failure, up to 10 s). */
  restartDelayMs: ms.default(500),
  /**
   * A publisher that sends nothing for this long is taken as gone (an encoder killed, a fibre cut):
   * SRT's own idle time-out is 5 s, and until the session ends the unit on air as parts cannot be
   * closed, so its slot would reach its grace and the slate. 0: wait for the protocol's time-out.
   */
  feedStallMs: ms.default(1500),
  /** After the publisher leaves, the transcoder gets this long to write its last segments. */
  drainMs: ms.default(3000),
});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export const ingestEnvNames: Record<keyof IngestConfig, string> = {
  enabled: 'INGEST_ENABLED',
  ffmpegPath: 'INGEST_FFMPEG',
  dir: 'INGEST_DIR',
  bindHost: 'INGEST_BIND_HOST',
  publicHost: 'INGEST_PUBLIC_HOST',
  srt: 'INGEST_SRT',
  srtBasePort: 'INGEST_SRT_BASE_PORT',
  srtLatencyMs: 'INGEST_SRT_LATENCY_MS',
  rtmp: 'INGEST_RTMP',
  rtmpBasePort: 'INGEST_RTMP_BASE_PORT',
  maxInputWidth: 'INGEST_MAX_INPUT_WIDTH',
  maxInputHeight: 'INGEST_MAX_INPUT_HEIGHT',
  maxInputFps: 'INGEST_MAX_INPUT_FPS',
  x264Preset: 'INGEST_X264_PRESET',
  passthrough: 'INGEST_PASSTHROUGH',
  slotGraceMs: 'INGEST_SLOT_GRACE_MS',
  lockMarginMs: 'INGEST_LOCK_MARGIN_MS',
  partsAsEncoded: 'INGEST_PARTS_AS_ENCODED',
  partLockMarginMs: 'INGEST_PART_LOCK_MARGIN_MS',
  growingGraceMs: 'INGEST_GROWING_GRACE_MS',
  slateAfterDropMs: 'INGEST_SLATE_AFTER_DROP_MS',
  restartDelayMs: 'INGEST_RESTART_DELAY_MS',
  feedStallMs: 'INGEST_FEED_STALL_MS',
  drainMs: 'INGEST_DRAIN_MS',
};

export class IngestConfigError extends Error {
  override name = 'IngestConfigError';
}

/** Environment < overrides; throws IngestConfigError naming every bad key. */
export function loadIngestConfig(sources: {
  env?: Record<string, string | undefined>;
  overrides?: Partial<IngestConfig>;
}): IngestConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ingestEnvNames)) {
    const value = sources.env?.[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = ingestConfigSchema.safeParse({ ...fromEnv, ...sources.overrides });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?') as keyof IngestConfig;
    return `${issue.path.join('.') || '?'}${ingestEnvNames[key] ? ` (env ${ingestEnvNames[key]})` : ''}: ${issue.message}`;
  });
  throw new IngestConfigError(`invalid ingest config: ${problems.join('; ')}`);
}

/** The ports a channel listens on. */
export function channelPorts(config: IngestConfig, channel: ChannelId): { srt: number; rtmp: number } {
  const i = CHANNEL_IDS.indexOf(channel);
  return { srt: config.srtBasePort + i, rtmp: config.rtmpBasePort + i };
}
