// A test encoder: ffmpeg pushing a test pattern with the wall clock burned in (UTC, to the
// millisecond) and a 1 kHz tone to a channel's ingest, over SRT (as the channel's fibre
// contribution would) or RTMP (as OBS does by default). `npm run encoder` and the tests use it;
// the burned clock is what the latency measurements read back from the TV's picture.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fontFiles } from './ffmpeg.ts';

export interface TestEncoderOptions {
  protocol: 'srt' | 'rtmp';
  host: string;
  port: number;
  /** The channel's stream key (SRT passphrase / RTMP stream name). */
  key: string;
  /** RTMP application: the channel's id (`rtmp://host:port/<channel>/<key>`). */
  channel: string;
  width?: number;
  height?: number;
  fps?: number;
  /** `h264` by default; `hevc` to try the other accepted codec, anything else to be refused. */
  videoCodec?: 'h264' | 'hevc' | 'mpeg2video';
  /** false: video only (the ingest adds silence). */
  audio?: boolean;
  /** Stop after this long (default: until killed). */
  seconds?: number;
  /** A word drawn under the clock (tells two encoders apart). */
  label?: string;
}

/** The ffmpeg arguments (without the program). */
export function testEncoderArgs(o: TestEncoderOptions): string[] {
  const width = o.width ?? 1280;
  const height = o.height ?? 720;
  const fps = o.fps ?? 30;
  const font = fontFiles().bold;
  // The wall clock as each frame is made (-re paces them in real time), UTC time of day to the
  // millisecond: setpts stamps the frame with RTCTIME, drawtext shows that less the day's start,
  // then the timestamps start from 0 again for the encoder. (A clock counted from the frames'
  // own timestamps lagged by ffmpeg's start-up, a few hundred ms added to every reading.) Drawn
  // below testsrc2's own small counter in the corner, which would confuse a reader.
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400;
  const size = Math.round(height / 10);
  const draw = [
    'setpts=RTCTIME/(TB*1000000)',
    `drawtext=fontfile=${font}:text='%{pts\\:hms\\:-${dayStart}}':fontsize=${size}:fontcolor=white:box=1:boxcolor=black:boxborderw=${Math.round(size / 4)}:x=${Math.round(width / 32)}:y=${Math.round(height / 6)}`,
    ...(o.label
      ? [
          `drawtext=fontfile=${font}:text='${o.label.replace(/[^\w -]/g, '')}':fontsize=${Math.round(size / 2)}:fontcolor=white:box=1:boxcolor=black:x=${Math.round(width / 32)}:y=${Math.round(height / 6) + size * 2}`,
        ]
      : []),
    'setpts=PTS-STARTPTS',
  ].join(',');
  const codec = o.videoCodec ?? 'h264';
  const video =
    codec === 'h264'
      ? [
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-pix_fmt',
          'yuv420p',
          '-g',
          String(fps),
          '-b:v',
          '2500k',
        ]
      : codec === 'hevc'
        ? [
            '-c:v',
            'libx265',
            '-preset',
            'ultrafast',
            '-tune',
            'zerolatency',
            '-pix_fmt',
            'yuv420p',
            '-g',
            String(fps),
            '-x265-params',
            'log-level=error',
          ]
        : ['-c:v', 'mpeg2video', '-b:v', '2500k'];
  const audio = o.audio === false ? ['-an'] : ['-map', '1:a', '-c:a', 'aac', '-b:a', '128k', '-ar', '48000'];
  const target =
    o.protocol === 'srt'
      ? ['-f', 'mpegts', `srt://${o.host}:${o.port}?passphrase=${o.key}&pbkeylen=16`]
      : ['-f', 'flv', `rtmp://${o.host}:${o.port}/${o.channel}/${o.key}`];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:r=${fps}`,
    ...(o.audio === false ? [] : ['-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000']),
    ...(o.seconds ? ['-t', String(o.seconds)] : []),
    '-map',
    '0:v',
    '-vf',
    draw,
    ...video,
    ...audio,
    ...target,
  ];
}

export function spawnTestEncoder(ffmpeg: string, o: TestEncoderOptions): ChildProcess {
  return spawn(ffmpeg, testEncoderArgs(o), { stdio: ['ignore', 'inherit', 'pipe'] });
}
