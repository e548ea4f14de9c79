// Times as the staff type and read them: offsets as « m:ss » (or « h:mm:ss »), chapters as lines
// « m:ss Titre », instants as datetime-local fields in the browser's zone (Paris for the staff).
// Pure: no DOM, so jest can load it (tests/regie/time.test.ts).
import type { Chapter } from './api.ts';

/** Seconds as m:ss, or h:mm:ss from an hour on (tenths kept when there are some). */
export function clock(seconds: number): string {
  const total = Math.round(seconds * 10) / 10;
  const two = (n: number) => (n < 10 ? '0' : '') + String(n);
  const s = Number((total % 60).toFixed(1));
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** « m:ss », « h:mm:ss » (seconds may carry a decimal part, with . or ,) → seconds; null when it is not one. */
export function parseClock(text: string): number | null {
  const m = /^(?:(\d+):)?(\d+):(\d{2}(?:[.,]\d+)?)$/.exec(text.trim());
  if (!m) return null;
  const hours = m[1] === undefined ? 0 : Number(m[1]);
  const minutes = Number(m[2]);
  const seconds = Number((m[3] ?? '').replace(',', '.'));
  if (seconds >= 60 || (m[1] !== undefined && minutes >= 60)) return null;
  return hours * 3600 + minutes * 60 + seconds;
}

/** A line of the chapters field that is not « m:ss Titre »: its number (from 1) and text. */
export class ChapterLineError extends Error {
  constructor(
    readonly line: number,
    readonly text: string,
  ) {
    super(`line ${line}`);
  }
}

/** Lines « m:ss Titre » → chapters, in the order typed (the API sorts them); blank lines skipped. */
export function parseChapters(text: string): Chapter[] {
  const chapters: Chapter[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^(\S+)\s+(.+)$/.exec(line);
    const start = m ? parseClock(m[1] ?? '') : null;
    if (!m || start === null) throw new ChapterLineError(i + 1, line);
    chapters.push({ title: (m[2] ?? '').trim(), start });
  });
  return chapters;
}

export const chapterLines = (chapters: Chapter[]): string =>
  chapters.map((c) => `${clock(c.start)} ${c.title}`).join('\n');

/** An instant as a datetime-local value: the wall-clock time of the browser's zone at that instant. */
export function localInput(iso: string): string {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local value (read in the browser's zone, by the spec) as an ISO instant. */
export const isoFromLocal = (value: string): string => new Date(value).toISOString();

export const dateTime = (iso: string): string =>
  new Date(iso).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' });

/** « 17/01/2027 20:30 → 22:45 », the end's date only when it is another day. */
export function timeRange(startIso: string, endIso: string): string {
  const day = (iso: string) => new Date(iso).toLocaleDateString('fr-FR');
  const end =
    day(startIso) === day(endIso)
      ? new Date(endIso).toLocaleTimeString('fr-FR', { timeStyle: 'short' })
      : dateTime(endIso);
  return `${dateTime(startIso)} → ${end}`;
}
