// Seek-bar thumbnails: a WebVTT "thumbnail track" whose cues point at tiles of sprite sheets
// (`sprite-0.jpg#xywh=0,0,160,90`). This is the de-facto format of JW Player, Video.js and
// Bitmovin, so any other player (or a staff tool) can read what the origin serves; the TV
// fetches one small text file per replay and one JPEG per sheet, instead of an I-frame
// playlist it would have to decode.
//
// Shared by the origin (which writes the track) and the TV app (which reads it): small and with
// no dependency, so it costs the TV bundle nothing worth a library.
import { itemAt } from '../lang/item-at.ts';

/** One cue: from `start` to `end` (seconds of the asset), show tile (x, y, w, h) of `url`. */
export interface ThumbnailCue {
  start: number;
  end: number;
  /** The sprite sheet, as written in the track (relative to the track's URL) or resolved. */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Writes a WebVTT thumbnail track. */
export function serializeThumbnailTrack(cues: readonly ThumbnailCue[]): string {
  const lines = ['WEBVTT', ''];
  for (const c of cues) {
    lines.push(`${timestamp(c.start)} --> ${timestamp(c.end)}`, `${c.url}#xywh=${c.x},${c.y},${c.w},${c.h}`, '');
  }
  return lines.join('\n');
}

function parseTimestamp(text: string): number {
  // hh:mm:ss.ttt or mm:ss.ttt (WebVTT allows the hours to be left out).
  const parts = text.trim().split(':').map(Number);
  let s = 0;
  for (const p of parts) s = s * 60 + p;
  return s;
}

const CUE_TIMING = /^\s*((?:\d+:)?\d{2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{2}:\d{2}\.\d{3})/;
const TILE = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)\s*$/;

/**
 * Reads a WebVTT thumbnail track. Cues that are not a tile reference are skipped, so a broken
 * or hostile track gives fewer thumbnails, never an exception. `resolve` turns the written URL
 * into one to load (e.g. `(u) => new URL(u, trackUrl).href`).
 */
export function parseThumbnailTrack(text: string, resolve: (url: string) => string = (u) => u): ThumbnailCue[] {
  if (!/^\uFEFF?WEBVTT/.test(text)) return [];
  const cues: ThumbnailCue[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const timing = CUE_TIMING.exec(itemAt(lines, i));
    if (!timing) continue;
    const tile = TILE.exec((lines[i + 1] ?? '').trim());
    if (!tile) continue;
    const start = parseTimestamp(itemAt(timing, 1));
    const end = parseTimestamp(itemAt(timing, 2));
    if (!(end > start)) continue;
    const number = (group: number) => Number(itemAt(tile, group));
    cues.push({ start, end, url: resolve(itemAt(tile, 1)), x: number(2), y: number(3), w: number(4), h: number(5) });
    i++;
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue showing at `time` (seconds), by binary search; the nearest one outside the track. */
export function thumbnailAt(cues: readonly ThumbnailCue[], time: number): ThumbnailCue | undefined {
  if (cues.length === 0) return undefined;
  let lo = 0;
  let hi = cues.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (itemAt(cues, mid).start <= time) lo = mid;
    else hi = mid - 1;
  }
  return cues[lo];
}
