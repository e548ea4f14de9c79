// The TV tests' shared set-up, in a file of its own: it uses jest's hooks, and the harness is
// also imported by the benchmarks, which run outside jest.
import { useStarted } from '../support/use-started.ts';
import { startTvStack } from './harness.ts';
import type { StackOptions, TvStack } from './harness.ts';

/**
 * A test file's TV stack: started before its tests (then `ready`, for listeners and the like),
 * closed after them. Returns the stack itself, usable inside tests:
 * `const stack = useTvStack({ origin: { staffAdminToken: ADMIN } });`
 */
export function useTvStack(options: StackOptions = {}, ready?: (stack: TvStack) => void | Promise<void>): TvStack {
  return useStarted(
    'useTvStack',
    async () => {
      const stack = await startTvStack(options);
      await ready?.(stack);
      return stack;
    },
    (stack) => stack.close(),
  );
}
