// Entry point of one load-generator process (started by simulate.ts over an IPC channel):
// says "ready" once loaded, runs the slice it is sent, sends the raw result back, exits.
import { runSlice, type SliceOptions } from './slice.ts';

process.on('message', (m: { type: 'start'; slice: SliceOptions }) => {
  if (m.type !== 'start') return;
  void runSlice(m.slice).then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (e: unknown) => process.send!({ type: 'error', message: String((e as Error)?.stack ?? e) }, () => process.exit(1)),
  );
});
process.send!({ type: 'ready' });
