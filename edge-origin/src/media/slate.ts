// The slate: what a channel shows while its live feed is down — the channel's logo on black and
// « Le direct reprend dans un instant », over silence. One 2 s segment per rendition, made
// once per channel with ffmpeg (same ladder, profile and level as everything else, so players
// switch to it and back without a hiccup); the origin repeats it slot after slot with moving
// timestamps. Kept beside the demo media under its own recipe hash (`<media>/slate/<hash>/`).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types';
import type { ChannelId } from '../../../shared/catalog/types.ts';
import { FRAME_RATE, SEGMENT_DURATION, VIDEO_RENDITIONS } from '../../../shared/hls/ladder.ts';
import { findFfmpeg, runFfmpeg } from './ffmpeg.ts';
import { buildDirOnce } from './lock.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { prepareEncodeContext } from './encode.ts';

/** Bump when the look changes in a way the recipe does not capture. */
const SLATE_GENERATOR_VERSION = 1;
export const SLATE_MESSAGE = 'Le direct reprend dans un instant';
/** The slate's audio output (both audio renditions play it). */
export const SLATE_AUDIO = 'audio';

export interface SlateChannel {
  id: ChannelId;
  /** The channel's logo (PNG), drawn in the middle. */
  logoFile: string;
  /** H.264 level per video rendition, as the channel's loop has it (e.g. "3.1"). */
  levels: Record<string, string>;
}

export interface SlateManifest {
  version: string;
  root: string;
  /** Seconds of the one segment, per channel and output (video rendition ids, `audio`). */
  durations: Record<string, Record<string, number>>;
}

export function slateVersion(channels: readonly SlateChannel[]): string {
  const recipe = {
    SLATE_GENERATOR_VERSION,
    SLATE_MESSAGE,
    SEGMENT_DURATION,
    FRAME_RATE,
    VIDEO_RENDITIONS,
    channels: channels.map(({ logoFile: _l, ...c }) => c),
  };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** `<root>/<channel>/<output>/0.ts`. */
export function slateFile(manifest: SlateManifest, channel: ChannelId, output: string): string {
  return join(manifest.root, channel, output, '0.ts');
}

export async function ensureSlates(options: {
  dir: string;
  channels: readonly SlateChannel[];
  ffmpegPath?: string;
  log?: (msg: string) => void;
}): Promise<SlateManifest> {
  const version = slateVersion(options.channels);
  const base = join(resolve(options.dir), 'slate');
  const root = join(base, version);
  const read = (): SlateManifest => ({
    ...(JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8')) as Omit<SlateManifest, 'root'>),
    root,
  });
  if (existsSync(join(root, MANIFEST_FILE))) return read();
  await mkdir(base, { recursive: true });
  const tmp = join(base, `.tmp-${version}-${process.pid}`);
  await buildDirOnce(
    root,
    tmp,
    (owner) => options.log?.(`media: waiting for slate generator pid ${owner}`),
    async () => {
      const ctx = await prepareEncodeContext(tmp, options.ffmpegPath ?? findFfmpeg());
      const durations: SlateManifest['durations'] = {};
      await writeFile(join(tmp, '.work', 'message.txt'), SLATE_MESSAGE);
      for (const channel of options.channels) {
        durations[channel.id] = await encodeSlate(channel, ctx.ffmpeg, tmp, ctx.fonts.bold);
        options.log?.(`media: slate of ${channel.id} encoded`);
      }
      await rm(join(tmp, '.work'), { recursive: true, force: true });
      await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify({ version, durations }, null, 1));
    },
  );
  return read();
}

async function encodeSlate(
  channel: SlateChannel,
  ffmpeg: string,
  root: string,
  font: string,
): Promise<Record<string, number>> {
  const outputs = [...VIDEO_RENDITIONS.map((r) => r.id), SLATE_AUDIO];
  for (const o of outputs) await mkdir(join(root, channel.id, o), { recursive: true });
  const gop = SEGMENT_DURATION * FRAME_RATE;
  const d = SEGMENT_DURATION;
  const picture = [
    `[0:v][1:v]overlay=x=(W-w)/2:y=(H-h)/2-50`,
    `drawtext=fontfile=${font}:textfile=.work/message.txt:fontcolor=white:fontsize=40:x=(w-tw)/2:y=h-140`,
    `split=${VIDEO_RENDITIONS.length}${VIDEO_RENDITIONS.map((_, i) => `[s${i}]`).join('')}`,
  ].join(',');
  const scales = VIDEO_RENDITIONS.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`);
  const hls = (o: string) => [
    '-f',
    'hls',
    '-hls_time',
    String(d),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    `${channel.id}/${o}/%d.ts`,
    `${channel.id}/${o}/source.m3u8`,
  ];
  await runFfmpeg(
    ffmpeg,
    [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `color=c=black:s=960x540:r=${FRAME_RATE}:d=${d}`,
      '-i',
      channel.logoFile,
      '-f',
      'lavfi',
      '-i',
      `anullsrc=channel_layout=mono:sample_rate=48000`,
      '-filter_complex',
      [picture, ...scales].join(';'),
      ...VIDEO_RENDITIONS.flatMap((r, i) => [
        '-map',
        `[v${i}]`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-profile:v',
        'baseline',
        '-level:v',
        channel.levels[r.id] ?? '3.1',
        '-pix_fmt',
        'yuv420p',
        '-b:v',
        String(r.targetBitrate),
        '-g',
        String(gop),
        '-keyint_min',
        String(gop),
        '-sc_threshold',
        '0',
        ...hls(r.id),
      ]),
      '-map',
      '2:a',
      '-t',
      String(d),
      '-c:a',
      'aac',
      '-b:a',
      '64000',
      '-ac',
      '1',
      '-ar',
      '48000',
      ...hls(SLATE_AUDIO),
    ],
    root,
  );
  const durations: Record<string, number> = {};
  for (const o of outputs) {
    const playlist = parse(await readFile(join(root, channel.id, o, 'source.m3u8'), 'utf8')) as MediaPlaylist;
    const [first] = playlist.segments;
    if (!first) throw new Error(`slate ${channel.id}/${o}: ffmpeg wrote no segment`);
    durations[o] = Math.round(first.duration * 1000) / 1000;
    await rm(join(root, channel.id, o, 'source.m3u8'));
    // The AAC encoder's priming may add a short last segment: one segment is the slate.
    for (let i = 1; i < playlist.segments.length; i++) await rm(join(root, channel.id, o, `${i}.ts`));
  }
  return durations;
}
