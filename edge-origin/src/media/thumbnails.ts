// Seek-bar thumbnails: JPEG sprite sheets of small tiles, one tile per 2 s source segment, for
// every generated stream (each VOD asset and each live channel's loop). The origin turns them
// into WebVTT thumbnail tracks (`shared/hls/thumbnails.ts`) per replay or highlight, including
// those cut from a live: their tiles are the live source's, found by `sequence mod N`.
//
// Kept apart from the main media (`<media>/thumbs/<hash>/`, like the ads): the sheets are made
// FROM the encoded segments, so their recipe hash includes the media's version, but changing the
// thumbnail recipe costs one fast ffmpeg run per stream (only keyframes are decoded)
// instead of regenerating every channel and replay.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChannelId } from '../../../shared/catalog/types.ts';
import { findFfmpeg, runFfmpeg } from './ffmpeg.ts';
import { buildDirOnce } from './lock.ts';
import { MANIFEST_FILE } from './manifest.ts';
import type { MediaManifest, StreamMedia } from './manifest.ts';

/** Bump when the sheets change in a way the recipe below does not capture. */
const THUMBNAILS_GENERATOR_VERSION = 1;

/**
 * The sheet layout. 160x90 is what a seek-bar preview shows on a 1080p TV; 5x5 tiles = 50 s of
 * video per 800x450 sheet (a 40-56 s replay needs 1-2 sheets); JPEG quality 10 (ffmpeg's -q:v,
 * 2 best … 31 worst) keeps the clock legible in a light sheet (its size: origin README).
 */
export const THUMBNAIL_RECIPE: ThumbnailRecipe = {
  tileWidth: 160,
  tileHeight: 90,
  columns: 5,
  rows: 5,
  jpegQuality: 10,
  sourceRendition: 'v540',
};

export interface ThumbnailRecipe {
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  /** ffmpeg's -q:v for MJPEG. */
  jpegQuality: number;
  /** Rendition decoded: the largest, so the downscale (area average) stays sharp. */
  sourceRendition: string;
}

/** Where tile `index` of a stream is: sheet `<sheet>.jpg`, at (x, y), `THUMBNAIL_RECIPE`-sized. */
export interface TilePosition {
  sheet: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function tilePosition(index: number, recipe: ThumbnailRecipe = THUMBNAIL_RECIPE): TilePosition {
  const perSheet = recipe.columns * recipe.rows;
  const within = index % perSheet;
  return {
    sheet: Math.floor(index / perSheet),
    x: (within % recipe.columns) * recipe.tileWidth,
    y: Math.floor(within / recipe.columns) * recipe.tileHeight,
    w: recipe.tileWidth,
    h: recipe.tileHeight,
  };
}

/** One stream's sheets: tile `i` is the first frame (the keyframe) of source segment `i`. */
export interface StreamThumbnails {
  /** Directory of the sheets relative to the thumbnails root, e.g. `vod/replay-conte`. */
  dir: string;
  tiles: number;
  sheets: number;
  /** Bytes of each sheet, `<n>.jpg`. */
  sheetBytes: number[];
}

export interface ThumbnailManifest {
  /** Hash of the recipe and the media version: the name of the root directory. */
  version: string;
  mediaVersion: string;
  /** Absolute directory holding this manifest (filled in when read, not stored). */
  root: string;
  recipe: ThumbnailRecipe;
  /** Sheet width and height (every sheet has the full grid; missing tiles are black). */
  sheetWidth: number;
  sheetHeight: number;
  generationSeconds: number;
  live: Partial<Record<ChannelId, StreamThumbnails>>;
  vod: Record<string, StreamThumbnails>;
  totalBytes: number;
}

/** Hash of the recipe for a given media version: names the directory, so either change regenerates. */
export function thumbnailVersion(mediaVersion: string): string {
  const recipe = { THUMBNAILS_GENERATOR_VERSION, THUMBNAIL_RECIPE, mediaVersion };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** `mediaRoot` is the main media's root (`<cache>/<hash>`): the sheets live in `<cache>/thumbs/<hash'>`. */
export function thumbnailRoot(mediaRoot: string, mediaVersion: string): string {
  return join(resolve(mediaRoot), '..', 'thumbs', thumbnailVersion(mediaVersion));
}

/** The thumbnails of this media, or null when they were never generated. */
export function readThumbnails(media: Pick<MediaManifest, 'root' | 'version'>): ThumbnailManifest | null {
  const root = thumbnailRoot(media.root, media.version);
  const file = join(root, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  return { ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<ThumbnailManifest, 'root'>), root };
}

/** Makes the sprite sheets of every stream of `media` unless they already exist (under a lock). */
export async function ensureThumbnails(
  media: Pick<MediaManifest, 'root' | 'version' | 'vod'> & { live: Partial<MediaManifest['live']> },
  options: { ffmpegPath?: string; log?: (msg: string) => void } = {},
): Promise<ThumbnailManifest> {
  const existing = readThumbnails(media);
  if (existing) return existing;
  const log = options.log ?? (() => {});
  const version = thumbnailVersion(media.version);
  const root = thumbnailRoot(media.root, media.version);
  const parent = join(root, '..');
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${version}-${process.pid}`);
  await buildDirOnce(
    root,
    tmp,
    (owner) => log(`media: waiting for thumbnails generator pid ${owner}`),
    async () => {
      const started = Date.now();
      const ffmpeg = options.ffmpegPath ?? findFfmpeg();
      const sheetsOf = async (stream: StreamMedia) => makeSheets(ffmpeg, media.root, stream, tmp);
      const live: ThumbnailManifest['live'] = {};
      for (const [id, stream] of Object.entries(media.live)) if (stream) live[id as ChannelId] = await sheetsOf(stream);
      const vod: ThumbnailManifest['vod'] = {};
      for (const [id, stream] of Object.entries(media.vod)) vod[id] = await sheetsOf(stream);
      const all = [...Object.values(live), ...Object.values(vod)];
      const manifest: Omit<ThumbnailManifest, 'root'> = {
        version,
        mediaVersion: media.version,
        recipe: THUMBNAIL_RECIPE,
        sheetWidth: THUMBNAIL_RECIPE.tileWidth * THUMBNAIL_RECIPE.columns,
        sheetHeight: THUMBNAIL_RECIPE.tileHeight * THUMBNAIL_RECIPE.rows,
        generationSeconds: Math.round((Date.now() - started) / 100) / 10,
        live,
        vod,
        totalBytes: all.reduce((sum, s) => sum + s.sheetBytes.reduce((a, b) => a + b, 0), 0),
      };
      // The manifest is written last: its presence means "complete".
      await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
      const sheets = all.reduce((n, s) => n + s.sheets, 0);
      log(
        `media: ${sheets} thumbnail sheets (${(manifest.totalBytes / 1e3).toFixed(0)} KB) in ${manifest.generationSeconds} s in ${root}`,
      );
    },
  );
  return readThumbnails(media)!;
}

/**
 * One ffmpeg run per stream: the source segments read back to back (concat protocol: MPEG-TS
 * files join byte-wise), only keyframes decoded (`-skip_frame nokey`; every segment is exactly
 * one GOP, so keyframe i IS segment i's first frame), scaled, tiled 5x5, written as `<n>.jpg`.
 * `-vsync passthrough` writes each tiled frame once (the image muxer would otherwise pad to a
 * constant frame rate). Filters and options all exist in the 2018 static build and in 5.1.
 */
async function makeSheets(
  ffmpeg: string,
  mediaRoot: string,
  stream: StreamMedia,
  outRoot: string,
): Promise<StreamThumbnails> {
  const r = THUMBNAIL_RECIPE;
  const outDir = join(outRoot, stream.dir);
  await mkdir(outDir, { recursive: true });
  const segments = Array.from({ length: stream.segmentCount }, (_, i) =>
    join(stream.dir, r.sourceRendition, `${i}.ts`),
  );
  await runFfmpeg(
    ffmpeg,
    [
      '-loglevel',
      'error',
      '-y',
      '-skip_frame',
      'nokey',
      '-i',
      `concat:${segments.join('|')}`,
      '-vf',
      `scale=${r.tileWidth}:${r.tileHeight}:flags=area,tile=${r.columns}x${r.rows}`,
      '-vsync',
      'passthrough',
      '-q:v',
      String(r.jpegQuality),
      '-start_number',
      '0',
      join(outDir, '%d.jpg'),
    ],
    mediaRoot,
  );
  const expected = Math.ceil(stream.segmentCount / (r.columns * r.rows));
  const written = (await readdir(outDir)).filter((f) => f.endsWith('.jpg')).length;
  if (written !== expected) throw new Error(`thumbnails of ${stream.dir}: ${written} sheets, expected ${expected}`);
  const sheetBytes: number[] = [];
  for (let n = 0; n < expected; n++) sheetBytes.push((await stat(join(outDir, `${n}.jpg`))).size);
  return { dir: stream.dir, tiles: stream.segmentCount, sheets: expected, sheetBytes };
}
