// Cache-Control parsing (RFC 9111 §5.2). Directive names are case-insensitive; arguments may be
// tokens or quoted strings; a directive given twice keeps its first value (§4.2.1: a cache
// "SHOULD consider the first" when a delta-seconds directive is duplicated).
import { itemAt } from '../../../../shared/lang/item-at.ts';

export type Directives = Map<string, string | true>;

export function parseCacheControl(value: string | null | undefined): Directives {
  const out: Directives = new Map();
  if (!value) return out;
  // Split on commas that are not inside quotes.
  const re = /\s*([^=,\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,]*))?\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    if (m[0] === '') break;
    const name = itemAt(m, 1).toLowerCase();
    if (out.has(name)) continue;
    let arg: string | true = true;
    if (m[2] !== undefined) {
      arg = m[2].trim();
      if (arg.startsWith('"')) arg = arg.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    out.set(name, arg);
  }
  return out;
}

/** delta-seconds argument (§1.2.2); invalid → undefined; overflow saturates. */
export function deltaSeconds(d: Directives, name: string): number | undefined {
  const v = d.get(name);
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(n, 2 ** 31) : 2 ** 31;
}

/** The field names a qualified `no-cache="a, b"` or `private="a"` lists (lower-cased). */
export function directiveFieldNames(d: Directives, name: string): string[] | undefined {
  const v = d.get(name);
  if (typeof v !== 'string') return undefined;
  return v
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}
