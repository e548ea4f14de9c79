// Targeted cache-control fields (RFC 9213): `CDN-Cache-Control`, or a field aimed at this edge
// alone. The first field of the target list with a valid, non-empty value replaces Cache-Control
// and Expires for the edge's own caching (§2.2); Cache-Control still governs caches downstream.
// Its value is a Structured Fields Dictionary (RFC 8941 §3.2): a parse error ignores the field.
import { type Directives, parseCacheControl } from './cache-control.ts';

/** Directive maps that came from a targeted field: for them Expires does not count (§2.2). */
const TARGETED = new WeakSet<Directives>();

export function isTargeted(cc: Directives): boolean {
  return TARGETED.has(cc);
}

/** The field names of a target list, lower-cased, in order. */
export type TargetList = readonly string[];

/** Directives whose value must be an Integer (delta-seconds); another type makes the field invalid. */
const INTEGER_DIRECTIVES = new Set(['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error']);

/**
 * The directives the edge caches by: those of the first targeted field on `targets` with a valid,
 * non-empty value, else Cache-Control's. `targets` are lower-case field names.
 */
export function effectiveDirectives(headers: Headers, targets: TargetList): Directives {
  for (const name of targets) {
    const value = headers.get(name);
    if (value === null) continue;
    const parsed = parseTargetedField(value);
    if (parsed && parsed.size > 0) {
      TARGETED.add(parsed);
      return parsed;
    }
  }
  return parseCacheControl(headers.get('cache-control'));
}

/** RFC 8941 §4.2.2 Dictionary, mapped to directives; undefined when it does not parse. */
export function parseTargetedField(value: string): Directives | undefined {
  const out: Directives = new Map();
  const s = value.replace(/^[ \t]+|[ \t]+$/g, '');
  let i = 0;
  const key = (): string | undefined => {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  // A bare item as directive text: Integer/Decimal/Token as written, String unquoted, Boolean.
  const bareItem = (): { type: string; value: string | boolean } | undefined => {
    const rest = s.slice(i);
    let m = /^-?\d{1,15}(\.\d{1,3})?/.exec(rest);
    if (m) {
      if (m[1] === undefined && /^-?\d{16}/.test(rest)) return undefined;
      i += m[0].length;
      return { type: m[1] === undefined ? 'integer' : 'decimal', value: m[0] };
    }
    if (rest.startsWith('"')) {
      m = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"/.exec(rest);
      if (!m) return undefined;
      i += m[0].length;
      return { type: 'string', value: (m[1] ?? '').replace(/\\(["\\])/g, '$1') };
    }
    m = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(rest);
    if (m) {
      i += m[0].length;
      return { type: 'token', value: m[0] };
    }
    m = /^:[A-Za-z0-9+/=]*:/.exec(rest);
    if (m) {
      i += m[0].length;
      return { type: 'binary', value: m[0] };
    }
    m = /^\?([01])/.exec(rest);
    if (m) {
      i += 2;
      return { type: 'boolean', value: m[1] === '1' };
    }
    return undefined;
  };
  const parameters = (): boolean => {
    while (s[i] === ';') {
      i++;
      while (s[i] === ' ') i++;
      if (key() === undefined) return false;
      if (s[i] === '=') {
        i++;
        if (bareItem() === undefined) return false;
      }
    }
    return true;
  };
  const innerList = (): boolean => {
    i++; // '('
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === ')') {
        i++;
        return parameters();
      }
      if (bareItem() === undefined || !parameters()) return false;
      if (s[i] !== ' ' && s[i] !== ')') return false;
    }
  };
  while (i < s.length) {
    const name = key();
    if (name === undefined) return undefined;
    let item: { type: string; value: string | boolean } = { type: 'boolean', value: true };
    if (s[i] === '=') {
      i++;
      if (s[i] === '(') {
        if (!innerList()) return undefined;
        item = { type: 'inner-list', value: '' };
      } else {
        const bare = bareItem();
        if (bare === undefined || !parameters()) return undefined;
        item = bare;
      }
    } else if (!parameters()) return undefined;
    if (INTEGER_DIRECTIVES.has(name) && item.type !== 'integer') return undefined;
    // §3.2: a later member with the same key replaces the earlier one.
    if (item.value === false) out.delete(name);
    else out.set(name, item.value === true ? true : String(item.value));
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    if (s[i] !== ',') return undefined;
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) return undefined; // trailing comma
  }
  return out;
}
