// The ingest as the Node entry points start it: config from the environment (INGEST_*), Debian's
// ffmpeg when installed, segments under edge-origin/ingest/ unless INGEST_DIR says otherwise.
import { fileURLToPath } from 'node:url';
import { findFfmpeg } from '../../media/ffmpeg.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { readManifest } from '../../media/manifest.ts';
import type { RecordStore } from '../store/record-store.ts';
import { log } from '../log/logger.ts';
import { ORIGIN_DEFAULTS } from '../options.ts';
import type { LiveOptions } from '../options.ts';
import { IngestConfigError, loadIngestConfig, startIngest } from './index.ts';
import type { Ingest, IngestOptions } from './index.ts';

export const DEFAULT_INGEST_DIR = fileURLToPath(new URL('../../../ingest', import.meta.url));

/** Null when INGEST_ENABLED=false. A bad INGEST_* value throws IngestConfigError (the entry point stops). */
export async function ingestFromEnv(
  env: Record<string, string | undefined>,
  deps: {
    mediaDir: string;
    store: RecordStore;
    staffAdminToken: string | undefined;
    live?: Partial<LiveOptions>;
    replicas?: IngestOptions['replicas'];
  },
): Promise<Ingest | null> {
  const config = loadIngestConfig({
    env,
    overrides: {
      ...(env.INGEST_DIR ? {} : { dir: DEFAULT_INGEST_DIR }),
      ...(env.INGEST_FFMPEG ? {} : { ffmpegPath: findFfmpeg() }),
    },
  });
  if (!config.enabled) return null;
  const live = { ...ORIGIN_DEFAULTS.live, ...deps.live };
  const clock: LiveClockConfig = {
    epochMs: live.epochMs,
    windowSize: live.windowSize,
    segmentDuration: readManifest(deps.mediaDir).segmentDuration,
  };
  return startIngest({
    config,
    mediaDir: deps.mediaDir,
    store: deps.store,
    clock,
    staffAdminToken: deps.staffAdminToken,
    ...(deps.replicas ? { replicas: deps.replicas } : {}),
  });
}

/** For the entry points: the ingest, or the process stops with a message naming the bad setting. */
export async function ingestFromEnvOrExit(
  env: Record<string, string | undefined>,
  deps: Parameters<typeof ingestFromEnv>[1],
): Promise<Ingest | null> {
  try {
    return await ingestFromEnv(env, deps);
  } catch (error) {
    if (error instanceof IngestConfigError) log.fatal(error.message);
    else log.fatal({ err: error }, 'ingest: cannot start');
    process.exit(2);
  }
}
