// The origin's options and their defaults, in one place.
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AdsOptions } from './ads/index.ts';
import type { ContributionsOptions } from './contributions/index.ts';
import type { StaffEnv } from './http/auth.ts';
import type { LiveChannels } from './live/live-channels.ts';
import type { LowLatencyConfig } from './live/low-latency-config.ts';
import type { RecordCatalog } from './catalog/record-catalog.ts';
import type { EdgePurgeConfig } from './purge/edge-purge-client.ts';
import type { RecordStore } from './store/record-store.ts';
import type { LivePackagers } from './replicas/live-lease.ts';
import { log, type Logger } from './log/logger.ts';
import { accessConfigFromEnv, type AccessConfig } from '../../../shared/signing/access-config.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LiveOptions {
  /** ms since the Unix epoch of media sequence 0; every channel shares it. */
  epochMs: number;
  /** Segments in a live media playlist. */
  windowSize: number;
  /**
   * How many segments behind the live edge stay fetchable. Longer than the window, so a
   * player that read the playlist just before it slid still gets its segments, and so a
   * replay can later be cut from the recording (the live segments' URLs).
   */
  retentionSegments: number;
}

export interface OriginOptions {
  /** Root of the generated demo media (the directory holding manifest.json): `ensureDemoMedia().root`. */
  mediaDir: string;
  /** The built TV app, served at `/`. */
  appDir?: string;
  /** ms clock; tests inject one to move live time. */
  now?: () => number;
  /** Demo catalog seed, read when no `catalog` is given. */
  seedFile?: string;
  /** Catalog over a given store (e.g. pre-filled); default: see `store`. */
  catalog?: RecordCatalog;
  /**
   * Where the catalog and the back office live (store/open-store.ts: Redis when REDIS_URL is
   * set). Seeded from `seedFile` if it never was. Default: memory, seeded at start. The caller
   * owns it (closes it).
   */
  store?: RecordStore;
  /** Bootstrap admin token of the staff API (STAFF_ADMIN_TOKEN); unset: only stored tokens. */
  staffAdminToken?: string;
  /** Edges to purge after each back-office write (EDGE_PURGE_URLS, EDGE_ADMIN_TOKEN). */
  edgePurge?: EdgePurgeConfig;
  live?: Partial<LiveOptions>;
  /** Ads and audience (origin/ads/, origin/audience/): their Redis, demo campaigns. */
  ads?: AdsOptions;
  /**
   * Live ingest (origin/ingest/, started by the Node entry points): the channels' timelines that
   * encoders feed, and its staff API (`/api/v1/staff/ingest`). Without it every channel plays
   * its ident loop.
   */
  ingest?: IngestPort;
  /** LL-HLS of the live playlists (live/low-latency-config.ts; environment `LL_HLS_*` below these). */
  lowLatency?: Partial<LowLatencyConfig>;
  /** The participative screen (origin/contributions/): its knobs; its Redis is the ads' (REDIS_URL). */
  contributions?: ContributionsOptions;
  /**
   * Access control (access/): the keys that sign, the restricted prefixes, the tokens' lifetime.
   * Default: the `URL_SIGNING_*` environment the edge reads too (shared/signing/access-config.ts); none: all open.
   */
  access?: AccessConfig;
  /**
   * Origin replicas (replicas/, started by the Node entry points when ORIGIN_REPLICA_URL and
   * REDIS_URL are set): which replica packages each channel's live; the others ask it. Without
   * it this origin packages every channel.
   */
  replicas?: { packagers: LivePackagers; proxyTimeoutMs: number };
  /** Where the origin's JSON lines go (log/logger.ts, level LOG_LEVEL); default: stdout. */
  logger?: Logger;
}

export interface IngestPort {
  channels: LiveChannels;
  staffRoutes: OpenAPIHono<StaffEnv>;
}

export type ResolvedOriginOptions = Required<
  Omit<
    OriginOptions,
    | 'catalog'
    | 'live'
    | 'store'
    | 'staffAdminToken'
    | 'edgePurge'
    | 'ads'
    | 'ingest'
    | 'lowLatency'
    | 'contributions'
    | 'replicas'
  >
> & {
  catalog?: RecordCatalog;
  store?: RecordStore;
  staffAdminToken?: string;
  edgePurge: EdgePurgeConfig;
  live: LiveOptions;
};

export const ORIGIN_DEFAULTS = {
  appDir: `${REPO_ROOT}tv-app/dist`,
  seedFile: `${REPO_ROOT}edge-origin/data/seed.json`,
  now: () => Date.now(),
  live: {
    epochMs: Date.UTC(2026, 0, 1),
    windowSize: 6,
    // 3 hours of 2 s segments: a whole event can be turned into a replay.
    retentionSegments: 5400,
  } satisfies LiveOptions,
};

export function resolveOriginOptions(options: OriginOptions): ResolvedOriginOptions {
  return {
    mediaDir: options.mediaDir,
    appDir: options.appDir ?? ORIGIN_DEFAULTS.appDir,
    seedFile: options.seedFile ?? ORIGIN_DEFAULTS.seedFile,
    now: options.now ?? ORIGIN_DEFAULTS.now,
    ...(options.catalog ? { catalog: options.catalog } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.staffAdminToken ? { staffAdminToken: options.staffAdminToken } : {}),
    edgePurge: options.edgePurge ?? { urls: [] },
    live: { ...ORIGIN_DEFAULTS.live, ...options.live },
    access: options.access ?? accessConfigFromEnv(globalThis.process?.env ?? {}),
    logger: options.logger ?? log,
  };
}
