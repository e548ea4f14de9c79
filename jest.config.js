// One jest for the whole repo. Sources are ES modules in strict TypeScript with explicit `.ts`
// import extensions (so the same files run under Node/tsx, Deno and esbuild unchanged);
// ts-jest transpiles them per file and tsc does the type checking (`npm run typecheck`).
// The origin's JSON logs (one access line per request) would drown the report: warnings and
// errors only, unless LOG_LEVEL says otherwise (workers and the servers tests spawn inherit it).
process.env.LOG_LEVEL ??= 'warn';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false, tsconfig: 'tests/tsconfig.json' }],
  },
  // Integration and browser tests start real servers and Chromium: keep the 2-core box breathing.
  maxWorkers: 2,
  // A failing test runs once more, its first failure printed (tests/support/retry-once.ts says why).
  setupFilesAfterEnv: ['<rootDir>/tests/support/retry-once.ts'],
  testTimeout: 60_000,
  reporters: ['default'],
};
