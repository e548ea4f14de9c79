// Encodes one stream (a live channel's loop or a VOD asset) with ONE ffmpeg run: the picture is
// drawn once, split into the three video renditions, and both audio languages are encoded
// alongside, each output cut into 2 s MPEG-TS segments by ffmpeg's hls muxer.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'hls-parser';
import type { MediaPlaylist as ParsedMediaPlaylist } from 'hls-parser/types';
import {
  AUDIO_RENDITIONS,
  FRAME_RATE,
  LOWEST_VIDEO_RENDITION,
  SEGMENT_DURATION,
  SUBTITLE_RENDITIONS,
  VIDEO_RENDITIONS,
} from '../../../shared/hls/ladder.ts';
import { fontFiles, runFfmpeg } from './ffmpeg.ts';
import type { RenditionMedia, StreamMedia } from './manifest.ts';
import { h264CodecString, startPts90k } from './probe.ts';
import type { StreamSpec } from './spec.ts';
import { writeSubtitleSegments } from './subtitles.ts';
import { wrapText } from './text.ts';

/** Where an encode runs: `root` is the output root and ffmpeg's cwd; `fonts` are relative to it. */
export interface EncodeContext {
  ffmpeg: string;
  root: string;
  fonts: { regular: string; bold: string };
  /** Scratch directory relative to `root` (text files for drawtext). */
  scratch: string;
}

/**
 * The context for encodes into `root`, with the fonts copied to `<root>/.work/fonts` so drawtext
 * gets short relative paths (no escaping). The caller removes `<root>/.work` when done.
 */
export async function prepareEncodeContext(root: string, ffmpeg: string): Promise<EncodeContext> {
  await mkdir(join(root, '.work', 'fonts'), { recursive: true });
  const fonts = fontFiles();
  await cp(fonts.regular, join(root, '.work/fonts/regular.ttf'));
  await cp(fonts.bold, join(root, '.work/fonts/bold.ttf'));
  return {
    ffmpeg,
    root,
    fonts: { regular: '.work/fonts/regular.ttf', bold: '.work/fonts/bold.ttf' },
    scratch: '.work/text',
  };
}

/** Tones of the two audio languages, so a listener (or a test) can tell them apart. */
const TONE_HZ: Record<string, number> = { 'audio-fr': 440, 'audio-en': 880 };
const CANVAS = { width: 960, height: 540 };

export async function encodeStream(spec: StreamSpec, ctx: EncodeContext): Promise<StreamMedia> {
  const dir = `${spec.kind}/${spec.id}`;
  const text = `${ctx.scratch}/${spec.kind}-${spec.id}`;
  await mkdir(join(ctx.root, text), { recursive: true });
  await writeFile(join(ctx.root, text, 'name.txt'), spec.channelName);
  await writeFile(join(ctx.root, text, 'badge.txt'), spec.badge);
  await writeFile(join(ctx.root, text, 'title.txt'), wrapText(spec.title, 40));
  // drawtext expansions: the stream's running time, and which 2 s segment this frame is in.
  await writeFile(join(ctx.root, text, 'clock.txt'), '%{pts:hms}');
  await writeFile(join(ctx.root, text, 'segment.txt'), `segment %{eif:floor(t/${SEGMENT_DURATION}):d}`);
  for (const r of [...VIDEO_RENDITIONS, ...AUDIO_RENDITIONS, ...SUBTITLE_RENDITIONS]) {
    await mkdir(join(ctx.root, dir, r.id), { recursive: true });
  }

  const d = spec.seconds;
  const { bold, regular } = ctx.fonts;
  const draw = (font: string, file: string, opts: string) =>
    `drawtext=fontfile=${font}:textfile=${text}/${file}:fontcolor=white:${opts}`;
  const picture = [
    // A small moving test pattern: motion, so the picture visibly plays.
    `[0:v][1:v]overlay=x=W-w-40:y=H-h-40`,
    draw(bold, 'name.txt', 'fontsize=84:x=40:y=28'),
    draw(bold, 'badge.txt', 'fontsize=30:box=1:boxcolor=black@0.35:boxborderw=8:x=48:y=140'),
    draw(regular, 'title.txt', 'fontsize=36:line_spacing=10:x=40:y=205'),
    draw(bold, 'clock.txt', 'fontsize=64:box=1:boxcolor=black@0.55:boxborderw=12:x=52:y=H-th-92'),
    draw(regular, 'segment.txt', 'fontsize=26:x=52:y=H-th-30'),
    `split=${VIDEO_RENDITIONS.length}${VIDEO_RENDITIONS.map((_, i) => `[s${i}]`).join('')}`,
  ].join(',');
  const scales = VIDEO_RENDITIONS.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`);

  const hlsOutput = (rendition: string) => [
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_DURATION),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    `${dir}/${rendition}/%d.ts`,
    `${dir}/${rendition}/source.m3u8`,
  ];
  const gop = SEGMENT_DURATION * FRAME_RATE;
  const args = [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=0x${spec.color.slice(1)}:s=${CANVAS.width}x${CANVAS.height}:r=${FRAME_RATE}:d=${d}`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=240x135:r=${FRAME_RATE}:d=${d}`,
    ...AUDIO_RENDITIONS.flatMap((a) => [
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${TONE_HZ[a.id] ?? 440}:beep_factor=2:sample_rate=48000:d=${d}`,
    ]),
    '-filter_complex',
    [picture, ...scales].join(';'),
    ...VIDEO_RENDITIONS.flatMap((r, i) => [
      '-map',
      `[v${i}]`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-b:v',
      String(r.targetBitrate),
      '-maxrate',
      String(r.maxBitrate),
      '-bufsize',
      String(r.maxBitrate * 2),
      // One closed GOP per segment: every segment starts with a keyframe, at the same instant in every rendition.
      '-g',
      String(gop),
      '-keyint_min',
      String(gop),
      '-sc_threshold',
      '0',
      ...hlsOutput(r.id),
    ]),
    ...AUDIO_RENDITIONS.flatMap((a, i) => [
      '-map',
      `${2 + i}:a`,
      '-c:a',
      'aac',
      '-b:a',
      String(a.bitrate),
      '-ac',
      String(a.channels),
      '-ar',
      '48000',
      ...hlsOutput(a.id),
    ]),
  ];
  await runFfmpeg(ctx.ffmpeg, args, ctx.root);

  const renditions: Record<string, RenditionMedia> = {};
  let segmentCount = 0;
  for (const r of VIDEO_RENDITIONS) {
    const durations = await sourceDurations(ctx.root, dir, r.id);
    segmentCount ||= durations.length;
    if (durations.length !== segmentCount)
      throw new Error(`${dir}/${r.id}: ${durations.length} segments, expected ${segmentCount}`);
    renditions[r.id] = await measure(
      ctx.root,
      dir,
      r.id,
      durations,
      await h264CodecString(join(ctx.root, dir, r.id, '0.ts')),
    );
  }
  for (const a of AUDIO_RENDITIONS) {
    // The AAC encoder's priming adds a last ~20 ms segment: drop what goes past the video.
    const durations = await sourceDurations(ctx.root, dir, a.id);
    if (durations.length < segmentCount)
      throw new Error(`${dir}/${a.id}: ${durations.length} segments, expected ${segmentCount}`);
    for (let i = segmentCount; i < durations.length; i++) await rm(join(ctx.root, dir, a.id, `${i}.ts`));
    renditions[a.id] = await measure(ctx.root, dir, a.id, durations.slice(0, segmentCount), a.codecs);
  }

  const startPts = await startPts90k(ctx.ffmpeg, join(ctx.root, dir, LOWEST_VIDEO_RENDITION.id, '0.ts'));
  const lowest = renditions[LOWEST_VIDEO_RENDITION.id];
  if (!lowest) throw new Error(`${dir}: no ${LOWEST_VIDEO_RENDITION.id} rendition`);
  const videoDurations = lowest.segmentDurations;
  for (const s of SUBTITLE_RENDITIONS) {
    await writeSubtitleSegments(join(ctx.root, dir, s.id), spec.channelName, segmentCount, SEGMENT_DURATION, startPts);
    renditions[s.id] = { segmentDurations: videoDurations, peakBitrate: 0, averageBitrate: 0, codecs: '' };
  }

  return {
    kind: spec.kind,
    id: spec.id,
    dir,
    title: spec.title,
    segmentCount,
    duration: round3(videoDurations.reduce((a, b) => a + b, 0)),
    startPts,
    renditions,
  };
}

/** Segment durations from the playlist ffmpeg wrote, which is then removed: the origin writes its own. */
async function sourceDurations(root: string, dir: string, rendition: string): Promise<number[]> {
  const file = join(root, dir, rendition, 'source.m3u8');
  const playlist = parse(await readFile(file, 'utf8')) as ParsedMediaPlaylist;
  await rm(file);
  return playlist.segments.map((s) => round3(s.duration));
}

async function measure(
  root: string,
  dir: string,
  rendition: string,
  durations: number[],
  codecs: string,
): Promise<RenditionMedia> {
  let peak = 0;
  let bits = 0;
  for (const [i, duration] of durations.entries()) {
    const size = (await stat(join(root, dir, rendition, `${i}.ts`))).size * 8;
    bits += size;
    peak = Math.max(peak, size / duration);
  }
  const total = durations.reduce((a, b) => a + b, 0);
  return { segmentDurations: durations, peakBitrate: Math.ceil(peak), averageBitrate: Math.ceil(bits / total), codecs };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
