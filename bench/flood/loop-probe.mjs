// Preloaded into the bench's servers (NODE_OPTIONS=--import): once a second, appends this
// process's event-loop delay over that second (p50, p99, max in ms) to LOOP_PROBE_FILE, one JSON
// line tagged with the pid and the time, so the bench can tell what a flood does to each event
// loop. tsx's launcher gets it too (an idle loop): the bench reads the server's lines by pid.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.LOOP_PROBE_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const timer = setInterval(() => {
    const line = {
      pid: process.pid,
      t: Date.now(),
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    };
    histogram.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // The bench removed the file: nothing to report to.
    }
  }, 1000);
  timer.unref();
}
