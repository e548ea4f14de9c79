// The origin's one logger: JSON lines on stdout (pino), one object per event, so a log shipper
// reads fields rather than sentences. Pretty printing is left to the reader (`| npx pino-pretty`):
// off by default. Its knob, in this one schema: LOG_LEVEL (tests set it, see jest.setup.ts).
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { z } from 'zod';

export type { Logger } from 'pino';

export const logConfigSchema = z.object({
  /** Least severe level written: fatal, error, warn, info (each request's access line), debug, trace, silent. */
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type LogConfig = z.infer<typeof logConfigSchema>;
export const logEnvNames: Record<keyof LogConfig, string> = { level: 'LOG_LEVEL' };

/** Environment < overrides; a bad LOG_LEVEL stops the origin at start, naming it. */
export function loadLogConfig(env: Record<string, string | undefined>, overrides: Partial<LogConfig> = {}): LogConfig {
  const parsed = logConfigSchema.safeParse({ level: env[logEnvNames.level] || undefined, ...overrides });
  if (parsed.success) return parsed.data;
  throw new Error(`invalid log config: ${logEnvNames.level}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
}

/** A logger writing to `destination` (default stdout); tests hand a stream to read the lines. */
export function createLogger(config: Partial<LogConfig> = {}, destination?: DestinationStream): Logger {
  const { level } = loadLogConfig(globalThis.process?.env ?? {}, config);
  // No pid/hostname on every line: one origin per container, its platform adds them.
  const options = { level, base: { service: 'origin' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** The process's logger, for code that has no other (entry points, background tasks). */
export const log: Logger = createLogger();
