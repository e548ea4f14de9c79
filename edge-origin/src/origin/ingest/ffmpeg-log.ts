// What the ingest learns from ffmpeg's own words: the listener's stderr (who knocked, with which
// stream name or passphrase, what they send) and the transcoder's `-progress` blocks. ffmpeg
// prints these in a stable, documented shape; reading them spares us a demuxer of our own.
import { itemAt } from '../../../../shared/lang/item-at.ts';

export interface VideoInput {
  codec: string;
  width: number;
  height: number;
  /** Frames per second (r_frame_rate as ffmpeg prints it: `fps`, else `tbr`). */
  fps: number;
}
export interface AudioInput {
  codec: string;
  sampleRate: number;
  channels: string;
}
export interface InputInfo {
  /** Container ffmpeg found (`flv` for RTMP, `mpegts` for SRT). */
  format: string;
  video?: VideoInput;
  audio?: AudioInput;
}

/** One thing a listener's stderr line says. */
export type ListenerEvent =
  | { type: 'publish-name'; name: string }
  | { type: 'rtmp-app'; app: string }
  | { type: 'srt-rejected'; reason: string }
  | { type: 'input-start'; format: string }
  | { type: 'video'; video: VideoInput }
  | { type: 'audio'; audio: AudioInput }
  | { type: 'input-end' };

const PUBLISH_NAME = /Unexpected stream (.*), expecting /;
const RTMP_APP = /App field don't match up: (.*) <-> /;
const SRT_REJECT = /rsp\(REJECT\): \d+ - (.*)$/;
const INPUT = /Input #0, ([\w,]+), from /;
const VIDEO = /Stream #0:\d+[^:]*: Video: (\w+).*?, (\d{2,5})x(\d{2,5})\b.*?(?:([\d.]+) fps|([\d.]+) tbr)/;
const AUDIO = /Stream #0:\d+[^:]*: Audio: (\w+)[^,]*, (\d+) Hz, ([^,]+)/;
// The input summary is over when ffmpeg moves on to its outputs.
const INPUT_END = /^(?:\[\w+\] )?(?:Output #0|Stream mapping:)/;

/** Reads one stderr line of a listening ffmpeg (`-loglevel level+info`). */
export function parseListenerLine(line: string): ListenerEvent | null {
  let m = PUBLISH_NAME.exec(line);
  if (m) return { type: 'publish-name', name: itemAt(m, 1) };
  m = RTMP_APP.exec(line);
  if (m) return { type: 'rtmp-app', app: itemAt(m, 1) };
  m = SRT_REJECT.exec(line);
  if (m) return { type: 'srt-rejected', reason: itemAt(m, 1).trim() };
  m = INPUT.exec(line);
  if (m) return { type: 'input-start', format: itemAt(m, 1) };
  m = VIDEO.exec(line);
  if (m)
    return {
      type: 'video',
      video: { codec: itemAt(m, 1), width: Number(m[2]), height: Number(m[3]), fps: Number(m[4] ?? m[5]) },
    };
  m = AUDIO.exec(line);
  if (m)
    return { type: 'audio', audio: { codec: itemAt(m, 1), sampleRate: Number(m[2]), channels: itemAt(m, 3).trim() } };
  if (INPUT_END.test(line)) return { type: 'input-end' };
  return null;
}

/** ffmpeg's stderr lines with anything that may hold a secret taken out (they go to our logs). */
export function redactLine(line: string): string {
  return line
    .replace(PUBLISH_NAME, 'Unexpected stream [stream name], expecting ')
    .replace(/passphrase=[^&\s'"]*/g, 'passphrase=***')
    .replace(/(rtmp:\/\/[^/\s]+\/[^/\s]+\/)[^\s'"]+/g, '$1***');
}

export interface TranscodeProgress {
  frame: number;
  fps: number;
  dropFrames: number;
  dupFrames: number;
  /** Encoding speed against real time (1 = keeping up). */
  speed: number;
  /** Output time reached, seconds. */
  outTime: number;
}

/**
 * Collects `-progress` key=value lines; returns a report at each block's end (`progress=…`).
 * One instance per transcoder.
 */
export function progressReader(): (line: string) => TranscodeProgress | null {
  let block: Record<string, string> = {};
  return (line) => {
    const eq = line.indexOf('=');
    if (eq < 0) return null;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      block[key] = value;
      return null;
    }
    const b = block;
    block = {};
    const num = (v: string | undefined) => (v === undefined || v === 'N/A' ? 0 : Number.parseFloat(v) || 0);
    return {
      frame: num(b.frame),
      fps: num(b.fps),
      dropFrames: num(b.drop_frames),
      dupFrames: num(b.dup_frames),
      speed: num(b.speed?.replace(/x$/, '')),
      outTime: num(b.out_time_us ?? b.out_time_ms) / 1e6,
    };
  };
}
