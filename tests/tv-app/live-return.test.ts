// A live on the error screen comes back by itself (tv-app/src/player/live-return.ts): probed on a
// drawn schedule until its stream answers, then restarted once; stopping (Réessayer, leaving the
// player, another programme) ends the watch, even with a probe in flight.
import { LiveReturnWatch, type LiveReturnTimers } from '../../tv-app/src/player/live-return.ts';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: LiveReturnTimers = {
    setTimeout: (fn, ms) => {
      pending.set(++next, { fn, ms });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    delays: () => [...pending.values()].map((t) => t.ms),
    /** Fires every pending timer, then lets the probes' promises settle. */
    async fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const t of due) t.fn();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

test('probes every half to the whole period (drawn) while the live is down, restarts it once it is back', async () => {
  const clock = manualTimers();
  const answers = [false, false, true];
  let probes = 0;
  let restarts = 0;
  const draws = [0, 0.5, 0.999];
  const watch = new LiveReturnWatch(
    async () => answers[probes++] ?? true,
    () => restarts++,
    10_000,
    () => draws.shift() ?? 0,
    clock.timers,
  );
  watch.start();
  expect(clock.delays()).toEqual([5000]);
  await clock.fire();
  expect(clock.delays()).toEqual([7500]);
  await clock.fire();
  expect(clock.delays()).toEqual([9995]);
  expect(restarts).toBe(0);
  await clock.fire(); // the third probe finds it back
  expect([probes, restarts, watch.watching, clock.delays()]).toEqual([3, 1, false, []]);
});

test('a probe that throws (network down) counts as not back', async () => {
  const clock = manualTimers();
  let restarts = 0;
  const watch = new LiveReturnWatch(
    () => Promise.reject(new TypeError('Failed to fetch')),
    () => restarts++,
    10_000,
    () => 0,
    clock.timers,
  );
  watch.start();
  await clock.fire();
  await clock.fire();
  expect([restarts, watch.watching]).toEqual([0, true]);
  watch.stop();
  expect(clock.delays()).toEqual([]);
});

test('stopped while a probe is in flight: its answer restarts nothing', async () => {
  const clock = manualTimers();
  let release!: (back: boolean) => void;
  let restarts = 0;
  const watch = new LiveReturnWatch(
    () => new Promise<boolean>((r) => (release = r)),
    () => restarts++,
    10_000,
    () => 0,
    clock.timers,
  );
  watch.start();
  await clock.fire(); // probe in flight
  watch.stop(); // the viewer pressed Réessayer, or left
  release(true);
  for (let i = 0; i < 5; i++) await Promise.resolve();
  expect([restarts, watch.watching, clock.delays()]).toEqual([0, false, []]);
});
