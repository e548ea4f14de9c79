// The TV tests' shared set-up, in a file of its own: it uses jest's hooks, and the harness is
// also imported by the benchmarks, which run outside jest.
import { afterAll, beforeAll } from '@jest/globals';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startTvStack } from './harness.ts';
import type { StackOptions, TvStack } from './harness.ts';

/**
 * A test file's TV stack: started before its tests (then `ready`, for listeners and the like),
 * closed after them. Returns the stack itself, usable inside tests:
 * `const stack = useTvStack({ origin: { staffAdminToken: ADMIN } });`
 */
export function useTvStack(options: StackOptions = {}, ready?: (stack: TvStack) => void | Promise<void>): TvStack {
  let started: TvStack | undefined;
  beforeAll(async () => {
    started = await startTvStack(options);
    await ready?.(started);
  }, MEDIA_TIMEOUT_MS);
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as TvStack, {
    get(_target, key) {
      if (!started) throw new Error('useTvStack: the stack starts in beforeAll; use it inside a test');
      return started[key as keyof TvStack];
    },
  });
}
