// Preloaded into the servers the soak runs (`node --import tsx --import bench/soak/loop-delay-probe.ts …`):
// the process measures its own event-loop delay and writes it every SOAK_LOOP_DELAY_EVERY_MS to
// SOAK_LOOP_DELAY_DIR/<pid>.json, for the soak to read (neither server exposes it yet). The
// window's figures are reset each time; `runP99Ms` covers the process's whole life.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.SOAK_LOOP_DELAY_DIR;
const every = Number(process.env.SOAK_LOOP_DELAY_EVERY_MS ?? 5000);
const RESOLUTION_MS = 10;

if (dir) {
  const window = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const run = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  window.enable();
  run.enable();
  // The histogram holds whole sampling intervals: the delay is what exceeds the resolution.
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const timer = setInterval(() => {
    const figures = {
      atMs: Date.now(),
      p50Ms: ms(window.percentile(50)),
      p99Ms: ms(window.percentile(99)),
      maxMs: ms(window.max),
      runP99Ms: ms(run.percentile(99)),
    };
    window.reset();
    try {
      writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(figures));
    } catch {
      /* the soak's directory is gone: it ended */
    }
  }, every);
  timer.unref();
}
