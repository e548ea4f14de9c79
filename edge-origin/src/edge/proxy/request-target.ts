// Request targets the edge refuses (400) rather than interpret: paths that a URL parser, the
// origin or a file system could read as another path than the one the cache key names (dot
// segments, escaped or not; backslashes; empty segments, which `//host/…` would even turn into
// another host; escaped slash, backslash or NUL; those escapes escaped again). No player sends
// them: HLS clients resolve relative URIs themselves. The Node runtime checks the raw target
// before anything reads it; the core checks the parsed path (dot segments and backslashes are
// gone by then, rewritten by the URL parser the same way for the key and the upstream).

/** Anything that may need a closer look; most targets are clear of all of it. */
const SUSPECT = /[\\%]|\/\/|\/\.\.?(?:\/|$)/;
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:\/|$)/i;
const ESCAPED_SEPARATOR_OR_NUL = /%(?:2f|5c|00)/i;
const DOUBLE_ESCAPE = /%25(?:2e|2f|5c|00|25)/i;

/** Why this path (query excluded) is refused, or null. */
export function refusedPath(path: string): string | null {
  if (!SUSPECT.test(path)) return null;
  if (path.includes('\\')) return 'backslash';
  if (path.includes('//')) return 'empty path segment (//)';
  if (DOT_SEGMENT.test(path)) return 'dot segment';
  if (ESCAPED_SEPARATOR_OR_NUL.test(path)) return 'escaped /, \\ or NUL';
  if (DOUBLE_ESCAPE.test(path)) return 'double percent-encoding';
  return null;
}

/** The same for a raw origin-form request target (`/path?query`); other forms are left to the parser. */
export function refusedTarget(target: string): string | null {
  if (target.charCodeAt(0) !== 47) return null;
  const query = target.indexOf('?');
  return refusedPath(query < 0 ? target : target.slice(0, query));
}

export function badTargetMessage(reason: string): string {
  return `Requête invalide / Bad request target: ${reason}`;
}
