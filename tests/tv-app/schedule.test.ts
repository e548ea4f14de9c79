import { countdown, groupByDay, isOnAir, nextDays, progress } from '../../tv-app/src/schedule/schedule.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const at = (h: number, m = 0, day = 28) => new Date(2026, 10, day, h, m);

test('countdown rounds up to the minute and switches to hours and days', () => {
  const now = at(20, 0);
  expect(countdown(at(19, 0), now)).toEqual({ kind: 'now' });
  expect(countdown(new Date(now.getTime() + 30_000), now)).toEqual({ kind: 'minutes', minutes: 1 });
  expect(countdown(at(20, 45), now)).toEqual({ kind: 'minutes', minutes: 45 });
  expect(countdown(at(22, 5), now)).toEqual({ kind: 'hours', hours: 2, minutes: 5 });
  expect(countdown(at(21, 0, 30), now)).toEqual({ kind: 'days', days: 2 });
});

test('an event is on air when live, or scheduled with now inside its slot', () => {
  const now = at(20, 0);
  const ev = (status: 'live' | 'scheduled' | 'ended', s: Date, e: Date) => ({
    status,
    startsAt: s.toISOString(),
    endsAt: e.toISOString(),
  });
  expect(isOnAir(ev('live', at(21), at(22)), now)).toBe(true);
  expect(isOnAir(ev('scheduled', at(19), at(21)), now)).toBe(true);
  expect(isOnAir(ev('scheduled', at(21), at(22)), now)).toBe(false);
  expect(isOnAir(ev('ended', at(19), at(21)), now)).toBe(false);
});

test('the programme has 7 days from today, events sorted in their start day, empty days kept', () => {
  const now = at(20, 0);
  const e = (id: string, d: Date) => ({
    id,
    startsAt: d.toISOString(),
    endsAt: new Date(d.getTime() + 3_600_000).toISOString(),
  });
  const days = groupByDay(
    [e('late', at(23, 0, 29)), e('early', at(9, 0, 29)), e('today', at(21)), e('far', at(10, 0, 10 + 28))],
    now,
  );
  expect(days).toHaveLength(7);
  expect(itemAt(days, 0).items.map((x) => x.id)).toEqual(['today']);
  expect(itemAt(days, 1).items.map((x) => x.id)).toEqual(['early', 'late']);
  expect(days.slice(2).every((d) => d.items.length === 0)).toBe(true);
  expect(nextDays(now, 3).map((d) => d.getDate())).toEqual([28, 29, 30]);
});

test('an event begun yesterday and still on air after midnight is listed today; one over before midnight is not', () => {
  const now = at(0, 30, 29);
  const e = (id: string, from: Date, to: Date) => ({ id, startsAt: from.toISOString(), endsAt: to.toISOString() });
  const days = groupByDay(
    [
      e('concert', at(22, 0, 28), at(1, 0, 29)),
      e('match', at(19, 0, 28), at(21, 0, 28)),
      e('morning', at(9, 0, 29), at(10, 0, 29)),
    ],
    now,
  );
  expect(itemAt(days, 0).items.map((x) => x.id)).toEqual(['concert', 'morning']);
  expect(days.flatMap((d) => d.items).map((x) => x.id)).not.toContain('match');
});

test('progress is clamped between 0 and 1', () => {
  expect(progress(at(19), at(21), at(20))).toBeCloseTo(0.5);
  expect(progress(at(19), at(21), at(18))).toBe(0);
  expect(progress(at(19), at(21), at(23))).toBe(1);
});
