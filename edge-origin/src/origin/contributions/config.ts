// The participative screen's one configuration: every knob, its type, default and environment
// name, in one zod schema (ingest/config.ts is the model). Defaults < environment < values in
// code; a bad value stops the origin at start with a message naming the key.
import { z } from 'zod';

const count = z.coerce.number().int().positive();
const bytes = z.coerce.number().int().positive();

export const contributionsConfigSchema = z.object({
  /** Where the re-encoded photos are kept (`<dir>/<eventId>/<id>.jpg`). */
  mediaDir: z.string().min(1),
  /** Every photo together never exceeds this (the folder is bounded): 507 beyond. */
  mediaMaxBytes: bytes.default(2 * 1024 ** 3),
  /** Largest upload accepted (the file as sent). */
  maxUploadBytes: bytes.default(10 * 1024 * 1024),
  /** Largest picture accepted, in pixels, read from the file's header before anything is decoded. */
  maxPixels: count.default(50_000_000),
  /** The stored photo fits in this box (the venue's 16:9 screen), never enlarged. */
  screenWidth: count.default(1920),
  screenHeight: count.default(1080),
  jpegQuality: z.coerce.number().int().min(40).max(95).default(82),
  /** Photos re-encoded at once: 1 on a 2-core box that also serves the live and the edge. */
  photoConcurrency: count.default(1),
  /** Photos waiting for a slot; past them a sending is refused at once (503, Retry-After). */
  photoQueueLength: z.coerce.number().int().nonnegative().default(4),
  /**
   * A sending whose photo is not through the line and re-encoded this long after its body was read
   * is answered 503 (and its photo dropped): always before the edge's first-byte timeout (10 s), else
   * the phone sees a 504 for a photo stored anyway. A box short of CPU then refuses, it does not pile up.
   */
  photoDeadlineSeconds: z.coerce.number().positive().default(7),
  /** libvips threads one re-encode may use (sharp.concurrency): 1 keeps a core for the live. */
  photoThreads: count.default(1),
  /**
   * Where the photos' decode and re-encode run: `process`, a child process at a lower CPU
   * priority (photo-process.ts), so the live and the TV API get the CPU first;
   * `inline`, this process's event loop and libvips threads (what Deno does).
   */
  photoWorker: z
    .enum(['process', 'inline'])
    .default(globalThis.process?.versions?.node && !('Deno' in globalThis) ? 'process' : 'inline'),
  /**
   * The photo process's nice value: 10 gives it about a tenth of a core's share against each busy
   * thread of the live (0: as the origin; 19: only what nobody else wants, none on a saturated box).
   */
  photoNice: z.coerce.number().int().min(0).max(19).default(10),
  /** Retry-After of that 503, in seconds (the phone page says to try again). */
  busyRetryAfterSeconds: count.default(5),
  /** Per device: at most this many sendings per window. */
  perDeviceLimit: count.default(5),
  /** Per address (a venue's Wi-Fi or a carrier's NAT holds many phones): more. */
  perAddressLimit: count.default(60),
  rateWindowSeconds: count.default(600),
  /** Per event: at most this many contributions and bytes of photos. */
  perEventLimit: count.default(3000),
  perEventMaxBytes: bytes.default(1024 ** 3),
  /** Photos and records are deleted this long after the event's window closed. */
  retentionHours: z.coerce.number().nonnegative().default(72),
  /** How often the retention sweep runs. */
  sweepIntervalSeconds: count.default(3600),
  /** Feed events kept per event for `Last-Event-ID` resumption. */
  feedBacklog: count.default(500),
  /** Take the client address from X-Forwarded-For (behind a proxy the origin trusts). */
  trustForwardedFor: z
    .preprocess(
      (v) => (typeof v === 'string' ? !['0', 'false', 'no', 'off', ''].includes(v.toLowerCase()) : v),
      z.boolean(),
    )
    .default(false),
});

export type ContributionsConfig = z.infer<typeof contributionsConfigSchema>;

export const contributionsEnvNames: Record<keyof ContributionsConfig, string> = {
  mediaDir: 'CONTRIB_DIR',
  mediaMaxBytes: 'CONTRIB_MEDIA_MAX_BYTES',
  maxUploadBytes: 'CONTRIB_MAX_UPLOAD_BYTES',
  maxPixels: 'CONTRIB_MAX_PIXELS',
  screenWidth: 'CONTRIB_SCREEN_WIDTH',
  screenHeight: 'CONTRIB_SCREEN_HEIGHT',
  jpegQuality: 'CONTRIB_JPEG_QUALITY',
  photoConcurrency: 'CONTRIB_PHOTO_CONCURRENCY',
  photoQueueLength: 'CONTRIB_PHOTO_QUEUE_LENGTH',
  photoThreads: 'CONTRIB_PHOTO_THREADS',
  photoDeadlineSeconds: 'CONTRIB_PHOTO_DEADLINE_SECONDS',
  photoWorker: 'CONTRIB_PHOTO_WORKER',
  photoNice: 'CONTRIB_PHOTO_NICE',
  busyRetryAfterSeconds: 'CONTRIB_BUSY_RETRY_AFTER_SECONDS',
  perDeviceLimit: 'CONTRIB_PER_DEVICE_LIMIT',
  perAddressLimit: 'CONTRIB_PER_ADDRESS_LIMIT',
  rateWindowSeconds: 'CONTRIB_RATE_WINDOW_SECONDS',
  perEventLimit: 'CONTRIB_PER_EVENT_LIMIT',
  perEventMaxBytes: 'CONTRIB_PER_EVENT_MAX_BYTES',
  retentionHours: 'CONTRIB_RETENTION_HOURS',
  sweepIntervalSeconds: 'CONTRIB_SWEEP_INTERVAL_SECONDS',
  feedBacklog: 'CONTRIB_FEED_BACKLOG',
  trustForwardedFor: 'CONTRIB_TRUST_FORWARDED_FOR',
};

export class ContributionsConfigError extends Error {
  override name = 'ContributionsConfigError';
}

/** Environment < overrides; throws ContributionsConfigError naming every bad key. */
export function loadContributionsConfig(sources: {
  env?: Record<string, string | undefined>;
  overrides?: Partial<ContributionsConfig>;
}): ContributionsConfig {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(contributionsEnvNames)) {
    const value = sources.env?.[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = contributionsConfigSchema.safeParse({ ...fromEnv, ...sources.overrides });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?') as keyof ContributionsConfig;
    return `${issue.path.join('.') || '?'}${contributionsEnvNames[key] ? ` (env ${contributionsEnvNames[key]})` : ''}: ${issue.message}`;
  });
  throw new ContributionsConfigError(`invalid contributions config: ${problems.join('; ')}`);
}
