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
 * stay in today's list: the guide shows what happened today too. An event begun before today
 * and not over at midnight (a concert from 22:00 to 01:00) is listed today, where a viewer
 * looking for what is on now will look, not in yesterday's tab that the guide no longer has.
 */
export function groupByDay<T extends Pick<LiveEvent, 'startsAt' | 'endsAt'>>(
  events: T[],
  now: Date,
  count = 7,
): ProgrammeDay<T>[] {
  const days = nextDays(now, count).map((day) => ({ day, items: [] as T[] }));
  const today = days[0]?.day.getTime() ?? startOfDay(now).getTime();
  const sorted = [...events].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  for (const event of sorted) {
    let start = startOfDay(new Date(event.startsAt)).getTime();
    if (start < today && Date.parse(event.endsAt) > today) start = today;
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
