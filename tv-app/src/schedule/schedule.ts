// Time maths of the guide: countdowns, "on air", days of the 7-day programme.
// All functions take `now` explicitly so they are deterministic and testable.
import type { LiveEvent } from '../../../shared/catalog/types.ts';

export type Countdown =
  | { kind: 'now' }
  | { kind: 'minutes'; minutes: number }
  | { kind: 'hours'; hours: number; minutes: number }
  | { kind: 'days'; days: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long until `startsAt`, rounded up to the minute (never says "in 0 min" before it starts). */
export function countdown(startsAt: Date, now: Date): Countdown {
  const ms = startsAt.getTime() - now.getTime();
  if (ms <= 0) return { kind: 'now' };
  if (ms >= DAY) return { kind: 'days', days: Math.floor(ms / DAY) };
  const totalMinutes = Math.ceil(ms / MINUTE);
  if (totalMinutes < 60) return { kind: 'minutes', minutes: totalMinutes };
  return { kind: 'hours', hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}

export function isOnAir(event: Pick<LiveEvent, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  if (event.status === 'live') return true;
  if (event.status !== 'scheduled') return false;
  const t = now.getTime();
  return Date.parse(event.startsAt) <= t && t < Date.parse(event.endsAt);
}

/** Local midnight of the day containing `date`. */
export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** The `count` local days from today's midnight (DST-safe: built from calendar fields). */
export function nextDays(now: Date, count: number): Date[] {
  const days: Date[] = [];
  for (let i = 0; i < count; i++) days.push(new Date(now.getFullYear(), now.getMonth(), now.getDate() + i));
  return days;
}

export interface ProgrammeDay<T> {
  day: Date;
  items: T[];
}

/**
 * Events grouped by the local day they start in, one entry per day of the window (empty days
 * kept so the guide always shows 7 tabs), each day sorted by start time. Events already ended
 * stay in today's list: the guide shows what happened today too.
 */
export function groupByDay<T extends Pick<LiveEvent, 'startsAt'>>(
  events: T[],
  now: Date,
  count = 7,
): ProgrammeDay<T>[] {
  const days = nextDays(now, count).map((day) => ({ day, items: [] as T[] }));
  const sorted = [...events].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  for (const event of sorted) {
    const start = startOfDay(new Date(event.startsAt)).getTime();
    const slot = days.find((d) => d.day.getTime() === start);
    slot?.items.push(event);
  }
  return days;
}

/** Progress (0..1) of an event on air, for the live progress bar. */
export function progress(startsAt: Date, endsAt: Date, now: Date): number {
  const total = endsAt.getTime() - startsAt.getTime();
  if (total <= 0) return 0;
  return Math.max(0, Math.min(1, (now.getTime() - startsAt.getTime()) / total));
}

export function durationParts(seconds: number): { hours: number; minutes: number } {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
