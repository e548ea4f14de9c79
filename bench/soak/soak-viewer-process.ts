// One load-generator process of the soak (started by run.ts over an IPC channel): says "ready",
// runs the slice it is sent, reports its counters as it goes, sends the raw result back, exits.
import { runSoakSlice, type SoakSliceOptions } from './soak-slice.ts';

process.on('message', (m: { type: 'start'; slice: SoakSliceOptions }) => {
  if (m.type !== 'start') return;
  void runSoakSlice(m.slice, (counters) => process.send!({ type: 'progress', counters })).then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (e: unknown) => process.send!({ type: 'error', message: String((e as Error)?.stack ?? e) }, () => process.exit(1)),
  );
});
process.send!({ type: 'ready' });
