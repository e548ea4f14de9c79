// What the hidden debug overlay says (pages/player/DebugOverlay.ts draws it): one line per
// figure, in the app's language, from the player's debugFigures(). Pure, so jest checks it.
import { getLanguage, t } from '../i18n/index.ts';

export interface DebugFigures {
  live: boolean;
  /** hls.js's lowLatencyMode for this playback. */
  lowLatencyMode: boolean;
  /** The media playlist has parts (EXT-X-PART-INF). */
  parts: boolean;
  /** Seconds between the wall clock and the PROGRAM-DATE-TIME of the picture shown; null without dates. */
  clockLatencyS: number | null;
  /** hls.js's latency to its estimate of the live edge, and its target (s); null off a live. */
  latencyS: number | null;
  targetLatencyS: number | null;
  playbackRate: number;
  /** Seconds buffered ahead of the playhead. */
  bufferS: number;
  /** The rendition playing: its BANDWIDTH (bit/s), height, index from 1 among `levels`. */
  bitrate: number | null;
  height: number | null;
  level: number | null;
  levels: number;
  droppedFrames: number | null;
  totalFrames: number | null;
}

/** `1,5` (French) or `1.5` (English). */
function decimal(value: number, digits = 1): string {
  const text = value.toFixed(digits);
  return getLanguage() === 'fr' ? text.replace('.', ',') : text;
}

const seconds = (value: number | null) =>
  value === null || !Number.isFinite(value) ? '—' : t('debug.seconds', { s: decimal(value) });

export function debugLines(f: DebugFigures): string[] {
  const lines = [t('debug.title')];
  if (f.live) {
    lines.push(t('debug.clockLatency', { value: seconds(f.clockLatencyS) }));
    lines.push(t('debug.latency', { value: seconds(f.latencyS), target: seconds(f.targetLatencyS) }));
  }
  lines.push(t('debug.buffer', { value: seconds(f.bufferS) }));
  lines.push(
    f.bitrate === null
      ? t('debug.bitrate', { kbps: '—', height: '—', level: '—', levels: f.levels })
      : t('debug.bitrate', {
          kbps: Math.round(f.bitrate / 1000),
          height: f.height ?? '—',
          level: f.level ?? '—',
          levels: f.levels,
        }),
  );
  lines.push(t('debug.dropped', { dropped: f.droppedFrames ?? '—', total: f.totalFrames ?? '—' }));
  lines.push(
    t(f.lowLatencyMode ? (f.parts ? 'debug.modeParts' : 'debug.modeLowNoParts') : 'debug.modePlain', {
      rate: decimal(f.playbackRate, 2),
    }),
  );
  return lines;
}
