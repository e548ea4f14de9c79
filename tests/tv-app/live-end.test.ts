// The end of a live as the player sees it: polled event status → phase.
import type { EventStatus } from '../../shared/catalog/types.ts';
import { LiveEndWatcher, liveEndPhase, type LiveEndPhase } from '../../tv-app/src/player/live-end.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

test('status → phase', () => {
  expect(liveEndPhase({ status: 'live' })).toEqual({ phase: 'live' });
  expect(liveEndPhase({ status: 'ended' })).toEqual({ phase: 'ended' });
  expect(liveEndPhase({ status: 'published', replayId: 'r1' })).toEqual({ phase: 'published', replayId: 'r1' });
  expect(liveEndPhase({ status: 'cancelled' })).toEqual({ phase: 'ended' });
});

test('the watcher reports ended, then published, then stops polling; errors are skipped', async () => {
  const answers: ({ status: EventStatus; replayId?: string } | Error)[] = [
    { status: 'live' },
    new Error('network'),
    { status: 'ended' },
    { status: 'ended' },
    { status: 'published', replayId: 'r9' },
  ];
  const timers: (() => void)[] = [];
  const seen: LiveEndPhase[] = [];
  let polls = 0;
  const watcher = new LiveEndWatcher({
    eventId: 'e1',
    fetchEvent: async (id) => {
      expect(id).toBe('e1');
      const answer = itemAt(answers, polls++);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    onChange: (p) => seen.push(p),
    intervalMs: 20_000,
    setTimer: (run, ms) => {
      expect(ms).toBe(20_000);
      timers.push(run);
      return timers.length;
    },
    clearTimer: () => undefined,
  });
  watcher.start();
  for (let i = 0; i < 10 && timers.length > 0; i++) {
    timers.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  }
  expect(polls).toBe(5);
  expect(seen).toEqual([{ phase: 'ended' }, { phase: 'published', replayId: 'r9' }]);
  expect(timers).toEqual([]); // published: no more polls
});

test('stop() ends the polling', async () => {
  const timers: (() => void)[] = [];
  const watcher = new LiveEndWatcher({
    eventId: 'e1',
    fetchEvent: async () => ({ status: 'live' }),
    onChange: () => undefined,
    intervalMs: 1,
    setTimer: (run) => {
      timers.push(run);
      return 1;
    },
    clearTimer: () => timers.splice(0),
  });
  watcher.start();
  watcher.stop();
  expect(timers).toEqual([]);
});
