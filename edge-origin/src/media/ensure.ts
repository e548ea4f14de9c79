// ensureDemoMedia: generate the demo media once, reuse it afterwards.
//
// Output goes to `<dir>/<spec hash>/`: a new seed, ladder or look gets a new directory, an
// unchanged spec is reused. Generation writes into a temporary sibling directory renamed into
// place when complete (a reader never sees half a library), under a lock so concurrent callers
// wait for one generator instead of all running ffmpeg.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEGMENT_DURATION } from '../../../shared/hls/ladder.ts';
import { ensureAdMedia } from './ads.ts';
import { encodeStream, prepareEncodeContext } from './encode.ts';
import { findFfmpeg } from './ffmpeg.ts';
import { renderImage } from './images.ts';
import { buildDirOnce } from './lock.ts';
import { MANIFEST_FILE, readManifest } from './manifest.ts';
import type { MediaManifest, StreamMedia } from './manifest.ts';
import { mediaSpecFromSeedFile } from './spec.ts';
import { ensureThumbnails } from './thumbnails.ts';
import { itemAt } from '../../../shared/lang/item-at.ts';

const EDGE_ORIGIN_DIR = fileURLToPath(new URL('../../', import.meta.url));

export const DEFAULT_MEDIA_DIR = resolve(EDGE_ORIGIN_DIR, 'media');
export const DEFAULT_SEED_FILE = resolve(EDGE_ORIGIN_DIR, 'data/seed.json');

export interface EnsureDemoMediaOptions {
  /** Cache directory; the media itself lands in `<dir>/<version>/`. Default `edge-origin/media`. */
  dir?: string;
  ffmpegPath?: string;
  seedFile?: string;
  log?: (msg: string) => void;
  /** Parallel ffmpeg runs. Default 2 (this box has 2 cores; each x264 also threads). */
  concurrency?: number;
}

/** Returns the manifest of the demo media, generating it first if this spec has none yet. */
export async function ensureDemoMedia(options: EnsureDemoMediaOptions = {}): Promise<MediaManifest> {
  const dir = resolve(options.dir ?? DEFAULT_MEDIA_DIR);
  const log = options.log ?? (() => {});
  const spec = mediaSpecFromSeedFile(options.seedFile ?? DEFAULT_SEED_FILE);
  const root = join(dir, spec.version);
  // The ad spots (ads.ts) sit beside the main media, with their own recipe hash; so do the
  // seek-bar sprite sheets (thumbnails.ts), made from this media's segments.
  const ffmpegOption = options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {};
  const extras = async () => {
    await ensureAdMedia({ dir, ...ffmpegOption, log });
    await ensureThumbnails(readManifest(root), { ...ffmpegOption, log });
  };
  if (existsSync(join(root, MANIFEST_FILE))) {
    await extras();
    return readManifest(root);
  }

  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${spec.version}-${process.pid}`);
  await buildDirOnce(
    root,
    tmp,
    (owner) => log(`media: waiting for generator pid ${owner}`),
    async () => {
      const started = Date.now();
      const ffmpeg = options.ffmpegPath ?? findFfmpeg();
      const ctx = await prepareEncodeContext(tmp, ffmpeg);
      log(
        `media: generating ${spec.streams.length} streams and ${spec.images.length} images with ${ffmpeg} into ${root}`,
      );

      const streams: StreamMedia[] = [];
      await runPool(spec.streams, options.concurrency ?? 2, async (stream, i) => {
        const t0 = Date.now();
        streams.push(await encodeStream(stream, ctx));
        log(
          `media: [${i + 1}/${spec.streams.length}] ${stream.kind} ${stream.id} (${stream.seconds} s) in ${seconds(Date.now() - t0)} s`,
        );
      });
      const t0 = Date.now();
      await runPool(spec.images, 4, (image, i) => renderImage(image, i, ctx));
      log(`media: ${spec.images.length} images in ${seconds(Date.now() - t0)} s`);

      await rm(join(tmp, '.work'), { recursive: true, force: true });
      const byId = (kind: 'live' | 'vod') =>
        Object.fromEntries(
          spec.streams
            .filter((s) => s.kind === kind)
            .map((s) => [s.id, streams.find((m) => m.kind === kind && m.id === s.id)!]),
        );
      const manifest: Omit<MediaManifest, 'root'> = {
        version: spec.version,
        generatedAt: new Date().toISOString(),
        generationSeconds: seconds(Date.now() - started),
        ffmpeg,
        segmentDuration: SEGMENT_DURATION,
        live: byId('live') as MediaManifest['live'],
        vod: byId('vod'),
        images: spec.images.map((i) => i.path),
        totalBytes: await directorySize(tmp),
      };
      // The manifest is written last: its presence means "complete".
      await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
      log(`media: done in ${manifest.generationSeconds} s, ${(manifest.totalBytes / 1e6).toFixed(1)} MB in ${root}`);
      await pruneOtherVersions(dir, spec.version, log);
    },
  );
  await extras();
  return readManifest(root);
}

/**
 * Removes what older specs and interrupted runs left in the cache directory (each version is the
 * whole demo media: README, "What npm start does"): other `<hash>/` directories, and `.tmp-*` directories of
 * processes that are gone.
 */
async function pruneOtherVersions(dir: string, keep: string, log: (msg: string) => void): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const tmp = /^\.tmp-[0-9a-f]+-(\d+)$/.exec(entry.name);
    const stale = /^[0-9a-f]{12}$/.test(entry.name) || (tmp !== null && !isAlive(Number(tmp[1])));
    if (!stale) continue;
    await rm(join(dir, entry.name), { recursive: true, force: true });
    log(`media: removed ${join(dir, entry.name)} (older media)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(itemAt(items, index), index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
