// Test-only preload for a server run as its own process (`node --expose-gc --import tsx --import
// tests/support/gc-on-signal.ts …`): SIGUSR2 runs a full garbage collection and says so on stdout,
// so a memory test reads the process's RSS with no garbage left in it (an idle process may not
// collect for minutes, and unreached garbage is not a leak).
const collectGarbage = (globalThis as { gc?: () => void }).gc;
let runs = 0;
process.on('SIGUSR2', () => {
  // Twice: the first pass finds what weak references and finalizers let go in the second.
  collectGarbage?.();
  collectGarbage?.();
  console.log(`gc-on-signal: collected ${++runs}${collectGarbage ? '' : ' (no --expose-gc: nothing done)'}`);
});

export {};
