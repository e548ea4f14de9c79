// Access control's settings, read the same way by the origin (which mints tokens) and the edge
// (which checks them), from the same environment variables, so the two cannot disagree on a key.
// Off by default: no restricted prefix, every stream open.
import { KEY_ID_PATTERN, MIN_SECRET_LENGTH, type SigningKey } from './url-signing.ts';

export const ACCESS_ENV = {
  /** `kid:secret,kid:secret`: the first signs, all verify (two during a rotation). */
  keys: 'URL_SIGNING_KEYS',
  /** `/hls/live/sport/,/hls/vod/`: paths under these need a token; the rest stays open. */
  prefixes: 'URL_SIGNING_PREFIXES',
  /** How long a token the origin mints lasts, in seconds. */
  ttlSeconds: 'URL_SIGNING_TTL_SECONDS',
} as const;

/** Six hours: longer than any broadcast, so a viewer is never cut off mid-match. */
export const DEFAULT_TOKEN_TTL_SECONDS = 6 * 3600;

export interface AccessConfig {
  keys: SigningKey[];
  restrictedPrefixes: string[];
  ttlSeconds: number;
}

/** Parses `kid:secret,kid:secret`; throws a message naming what is wrong (never the secret). */
export function parseSigningKeys(text: string): SigningKey[] {
  const keys = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      const id = colon < 0 ? '' : entry.slice(0, colon);
      const secret = colon < 0 ? '' : entry.slice(colon + 1);
      if (!KEY_ID_PATTERN.test(id)) throw new Error(`key ${i + 1}: expected kid:secret, kid of [A-Za-z0-9_-]{1,32}`);
      if (secret.length < MIN_SECRET_LENGTH)
        throw new Error(`key ${id}: the secret must be at least ${MIN_SECRET_LENGTH} characters`);
      return { id, secret };
    });
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`key ${twice} given twice`);
  return keys;
}

/** Parses `/a/,/b/`: each must start and end with `/` (a prefix of directories, not of names). */
export function parseRestrictedPrefixes(text: string): string[] {
  const prefixes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of prefixes) {
    if (!p.startsWith('/') || !p.endsWith('/') || p.includes('/../') || p.includes('/./'))
      throw new Error(`prefix ${p}: must start and end with / (e.g. /hls/live/sport/)`);
  }
  return prefixes;
}

/** The restricted prefix `path` falls under (the longest), or undefined: open. */
export function restrictedPrefixOf(path: string, prefixes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const p of prefixes) if (path.startsWith(p) && (!best || p.length > best.length)) best = p;
  return best;
}

/** Reads the three variables; throws an Error naming the variable at fault. */
export function accessConfigFromEnv(env: Record<string, string | undefined>): AccessConfig {
  const read = <T>(name: string, parse: (text: string) => T): T => {
    try {
      return parse(env[name] ?? '');
    } catch (error) {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const keys = read(ACCESS_ENV.keys, parseSigningKeys);
  const restrictedPrefixes = read(ACCESS_ENV.prefixes, parseRestrictedPrefixes);
  const ttlSeconds = read(ACCESS_ENV.ttlSeconds, (t) => {
    if (t === '') return DEFAULT_TOKEN_TTL_SECONDS;
    const n = Number(t);
    if (!Number.isInteger(n) || n <= 0) throw new Error('a whole number of seconds is expected');
    return n;
  });
  if (restrictedPrefixes.length && !keys.length)
    throw new Error(`${ACCESS_ENV.prefixes} is set but ${ACCESS_ENV.keys} is empty: nothing could ever play`);
  return { keys, restrictedPrefixes, ttlSeconds };
}
