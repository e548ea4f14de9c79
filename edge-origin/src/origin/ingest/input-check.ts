// Which feeds the ingest takes: the policy, kept apart from the processes that apply it. The
// reasons are the staff's words (French): they show in the console and the log.
import type { InputInfo } from './ffmpeg-log.ts';

export const ACCEPTED_VIDEO = ['h264', 'hevc'] as const;
export const ACCEPTED_AUDIO = ['aac', 'opus', 'mp3'] as const;

export interface InputLimits {
  maxWidth: number;
  maxHeight: number;
  maxFps: number;
}

/** Null when the feed can go on air, else why not. A feed without audio is fine (silence is added). */
export function refuseInput(input: InputInfo, limits: InputLimits): string | null {
  const { video, audio } = input;
  if (!video) return 'Aucune vidéo dans le flux reçu : H.264 ou HEVC attendu';
  if (!(ACCEPTED_VIDEO as readonly string[]).includes(video.codec))
    return `Codec vidéo « ${video.codec} » refusé : H.264 ou HEVC attendu`;
  if (video.width > limits.maxWidth || video.height > limits.maxHeight) {
    return `Image ${video.width}×${video.height} refusée : ${limits.maxWidth}×${limits.maxHeight} au plus`;
  }
  if (video.fps > limits.maxFps + 0.01) return `${video.fps} images/s refusées : ${limits.maxFps} au plus`;
  if (audio && !(ACCEPTED_AUDIO as readonly string[]).includes(audio.codec))
    return `Codec audio « ${audio.codec} » refusé : AAC, Opus ou MP3 attendu`;
  return null;
}
