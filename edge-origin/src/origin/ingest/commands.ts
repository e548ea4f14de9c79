// The two ffmpeg command lines of a live feed:
// - the listener waits on the channel's SRT or RTMP port, takes one publisher and copies what it
//   sends, unchanged, as MPEG-TS to its stdout (nothing is decoded before the key is checked);
// - the transcoder reads that from its stdin and writes the ladder: the demo channels' three
//   renditions (same sizes, profile and level, so the master playlist stays true) and one audio,
//   each cut into 2 s MPEG-TS segments by ffmpeg's segment muxer, keyframes on every boundary.
import { FRAME_RATE, SEGMENT_DURATION, TOP_VIDEO_RENDITION, VIDEO_RENDITIONS } from '../../../../shared/hls/ladder.ts';

export type Protocol = 'srt' | 'rtmp';

/** The transcoder's outputs: one directory each in the session's directory. */
export const AUDIO_OUTPUT = 'audio';
export const OUTPUTS: readonly string[] = [...VIDEO_RENDITIONS.map((r) => r.id), AUDIO_OUTPUT];
/** Each output's list of finished segments (see transcoderArgs). */
export const SEGMENT_LIST = 'segments.csv';

/**
 * The stream name the RTMP listener is told to expect. No publisher is meant to use it: ffmpeg
 * then logs every publisher's own name ("Unexpected stream …"), which the ingest compares with
 * the channel's key itself, in constant time. A publisher that does send it is refused.
 */
export const RTMP_PLACEHOLDER = 'key';

export interface ListenerOptions {
  protocol: Protocol;
  /** RTMP: the application a publisher must name (`rtmp://host:port/<channel>`); ffmpeg logs any other. */
  channel: string;
  host: string;
  port: number;
  /** SRT passphrase (the channel's key); ignored for RTMP. */
  key: string;
  srtLatencyMs: number;
}

export function listenerArgs(o: ListenerOptions): string[] {
  const input =
    o.protocol === 'rtmp'
      ? ['-listen', '1', '-i', `rtmp://${o.host}:${o.port}/${o.channel}/${RTMP_PLACEHOLDER}`]
      : // pbkeylen 16 = AES-128, what OBS and most encoders use by default; latency is in µs.
        [
          '-i',
          `srt://${o.host}:${o.port}?mode=listener&passphrase=${o.key}&pbkeylen=16&latency=${o.srtLatencyMs * 1000}`,
        ];
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'level+info',
    // Enough to read the codecs, sizes and rates the ingest checks, without holding the feed back.
    '-probesize',
    '1000000',
    '-analyzeduration',
    '1000000',
    ...input,
    // No mux delay: each packet goes to the transcoder as soon as it arrives.
    '-map',
    '0:v:0?',
    '-map',
    '0:a:0?',
    '-c',
    'copy',
    '-muxdelay',
    '0',
    '-muxpreload',
    '0',
    // Each packet written to the pipe at once, not when 32 KiB have gathered.
    '-flush_packets',
    '1',
    '-f',
    'mpegts',
    'pipe:1',
  ];
}

export interface TranscoderOptions {
  /** False: the feed has no audio, silence is encoded instead. */
  hasAudio: boolean;
  x264Preset: string;
  /** H.264 level per video rendition (e.g. "3.1"), as the loop's codec strings say. */
  levels: Record<string, string>;
  /**
   * The feed already is the top rendition (H.264 at its size and frame rate): copy it instead of
   * encoding it, and put the other renditions' keyframes where the feed has its own, so every
   * rendition is cut at the same instants (the encoder must send a keyframe every 1 or 2 s).
   */
  passthrough?: boolean;
}

/** Whether a feed can stand in for the top rendition as it is (see TranscoderOptions.passthrough). */
export function canPassThrough(video: { codec: string; width: number; height: number; fps: number }): boolean {
  const top = TOP_VIDEO_RENDITION;
  return (
    video.codec === 'h264' &&
    video.width === top.width &&
    video.height === top.height &&
    Math.abs(video.fps - FRAME_RATE) < 0.01
  );
}

/** Run with the session's directory as cwd: each output goes to `<output>/<n>.ts`. */
export function transcoderArgs(o: TranscoderOptions): string[] {
  const gop = SEGMENT_DURATION * FRAME_RATE;
  const top = TOP_VIDEO_RENDITION;
  const encoded = o.passthrough ? VIDEO_RENDITIONS.filter((r) => r !== top) : VIDEO_RENDITIONS;
  const split = `[0:v:0]fps=${FRAME_RATE},split=${encoded.length}${encoded.map((_, i) => `[s${i}]`).join('')}`;
  const scales = encoded.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`);
  // The segment muxer, not the HLS one: ffmpeg's HLS muxer keeps a segment in memory until it is
  // complete, the segment muxer writes it as it is encoded (each packet flushed to the file), so
  // its first parts can be read before its end. Each finished segment is appended to a CSV list
  // (`<n>.ts,<start>,<end>`), one whole line at a time. No mux delay or preload: a frame is written
  // as soon as it is encoded.
  const hls = (output: string) => [
    '-muxdelay',
    '0',
    '-muxpreload',
    '0',
    '-f',
    'segment',
    '-segment_time',
    String(SEGMENT_DURATION),
    '-segment_format',
    'mpegts',
    '-segment_format_options',
    'flush_packets=1',
    '-segment_list',
    `${output}/${SEGMENT_LIST}`,
    '-segment_list_type',
    'csv',
    '-segment_list_flags',
    'live',
    `${output}/%d.ts`,
  ];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'level+error',
    '-progress',
    'pipe:1',
    // The listener has already probed the feed: start at once instead of buffering seconds of it
    // (they would arrive in a burst and sit in the timeline as extra delay).
    '-probesize',
    '500000',
    '-analyzeduration',
    '500000',
    // Packets handed to the decoder as they come, not buffered to smooth the input's timing.
    '-fflags',
    'nobuffer',
    '-f',
    'mpegts',
    '-i',
    'pipe:0',
    // No audio in the feed: silence, timed like the picture (ffmpeg starts every input at 0) and
    // made at the pace of real time (-re: not as fast as the CPU allows). Options stay within what
    // the npm static ffmpeg (2018) knows too: npm start runs with it where Debian's is missing.
    ...(o.hasAudio ? [] : ['-re', '-f', 'lavfi', '-i', 'anullsrc=channel_layout=mono:sample_rate=48000']),
    '-filter_complex',
    [split, ...scales].join(';'),
    ...encoded.flatMap((r, i) => [
      '-map',
      `[v${i}]`,
      '-c:v',
      'libx264',
      '-preset',
      o.x264Preset,
      '-tune',
      'zerolatency',
      '-profile:v',
      'baseline',
      '-level:v',
      o.levels[r.id] ?? '3.1',
      '-pix_fmt',
      'yuv420p',
      '-b:v',
      String(r.targetBitrate),
      '-maxrate',
      String(r.maxBitrate),
      '-bufsize',
      String(r.maxBitrate * 2),
      // One closed GOP per segment, at the same frame in every rendition (or where the feed has its
      // keyframes, when it is passed through as the top rendition).
      '-g',
      String(gop),
      '-keyint_min',
      String(gop),
      '-sc_threshold',
      '0',
      ...(o.passthrough ? ['-force_key_frames', 'source'] : []),
      ...hls(r.id),
    ]),
    ...(o.passthrough ? ['-map', '0:v:0', '-c:v', 'copy', ...hls(top.id)] : []),
    '-map',
    o.hasAudio ? '0:a:0' : '1:a',
    '-c:a',
    'aac',
    '-b:a',
    '64000',
    '-ac',
    '1',
    '-ar',
    '48000',
    ...hls(AUDIO_OUTPUT),
  ];
}

/** "avc1.42c01f" → "3.1": the level an RFC 6381 H.264 codec string names. */
export function h264Level(codecs: string): string | undefined {
  const levelHex = /^avc1\.[0-9a-f]{4}([0-9a-f]{2})$/i.exec(codecs)?.[1];
  if (levelHex === undefined) return undefined;
  const level = Number.parseInt(levelHex, 16);
  return `${Math.floor(level / 10)}.${level % 10}`;
}
