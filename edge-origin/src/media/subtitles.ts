// French WebVTT subtitles, one file per segment, written as text (no ffmpeg needed).
// X-TIMESTAMP-MAP ties cue time 0 to the MPEG-TS timestamp of the stream's first frame, so
// players place cues on the video's timeline, in live (across loop restarts) as in VOD.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hms } from './text.ts';

function vttTime(seconds: number): string {
  return `${hms(seconds)}.${String(Math.round((seconds % 1) * 1000)).padStart(3, '0')}`;
}

/** The WebVTT segment `index` (covering [index·d, (index+1)·d)) of a stream. */
export function subtitleSegment(channelName: string, index: number, segmentDuration: number, startPts: number): string {
  const start = index * segmentDuration;
  const cues: string[] = [];
  // One cue per second, so the running time in the text matches the clock in the picture.
  for (let t = start; t < start + segmentDuration; t++) {
    cues.push(`${vttTime(t)} --> ${vttTime(t + 1)}\nSous-titre — ${channelName} — ${hms(t)}`);
  }
  return `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${startPts},LOCAL:00:00:00.000\n\n${cues.join('\n\n')}\n`;
}

export async function writeSubtitleSegments(
  dir: string,
  channelName: string,
  segmentCount: number,
  segmentDuration: number,
  startPts: number,
): Promise<void> {
  for (let i = 0; i < segmentCount; i++) {
    await writeFile(join(dir, `${i}.vtt`), subtitleSegment(channelName, i, segmentDuration, startPts));
  }
}
