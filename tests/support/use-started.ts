// A test file's shared set-up, the one way: started in beforeAll, closed in afterAll, and handed to
// the tests as a stand-in object that reads the started one (so `const x = useStarted(...)` can sit
// at the top of the file, before anything has started). Uses jest's hooks: import it from tests only.
import { afterAll, beforeAll } from '@jest/globals';
import { MEDIA_TIMEOUT_MS } from './media.ts';

export function useStarted<T extends object>(
  what: string,
  start: () => Promise<T>,
  close: (started: T) => Promise<void>,
): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, MEDIA_TIMEOUT_MS);
  afterAll(async () => {
    if (started) await close(started);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!started) throw new Error(`${what}: started in beforeAll; use it inside a test`);
      return started[key as keyof T];
    },
  });
}
