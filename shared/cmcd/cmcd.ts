// Reading a CMCD payload (CTA-5004): the `CMCD=` query parameter's value or a `CMCD-*` header's,
// `key=value` pairs separated by commas, values as in RFC 8941 (quoted strings with `\"` and `\\`
// escapes, bare tokens, integers and decimals, `?0`/`?1`, a key alone for true). Read value by
// value, so a string holding `,sid="` is one string (a regex over the payload took it for a sid),
// and lenient: never throws, skips what it cannot read. The edge (audience) and the origin (ads)
// both read the session id (`sid`) from it.

/** A CMCD value: string, number, boolean, or a token (`ot=v`, `sf=h`, `st=l`). */
export type CmcdValue = string | number | boolean | { token: string };

const NUMBER = /^-?\d{1,15}(?:\.\d{1,3})?$/;

/** The pairs of a payload, in order (a key given twice: the last one). */
export function parseCmcd(payload: string): Map<string, CmcdValue> {
  const out = new Map<string, CmcdValue>();
  let i = 0;
  while (i < payload.length) {
    const comma = payload.indexOf(',', i);
    const eq = payload.indexOf('=', i);
    if (eq < 0 || (comma >= 0 && comma < eq)) {
      // A key alone: true.
      const end = comma < 0 ? payload.length : comma;
      const key = payload.slice(i, end).trim();
      if (key) out.set(key, true);
      i = end + 1;
      continue;
    }
    const key = payload.slice(i, eq).trim();
    if (payload[eq + 1] === '"') {
      let value = '';
      let j = eq + 2;
      for (; j < payload.length && payload[j] !== '"'; j++) {
        if (payload[j] === '\\' && j + 1 < payload.length) j++;
        value += payload[j];
      }
      if (key && j < payload.length) out.set(key, value); // unterminated: not a value
      const next = payload.indexOf(',', j + 1);
      i = next < 0 ? payload.length : next + 1;
      continue;
    }
    const end = comma < 0 ? payload.length : comma;
    const raw = payload.slice(eq + 1, end).trim();
    if (key && raw) {
      if (raw === '?0' || raw === '?1') out.set(key, raw === '?1');
      else if (NUMBER.test(raw)) out.set(key, Number(raw));
      else out.set(key, { token: raw });
    }
    i = end + 1;
  }
  return out;
}

/** The session id (`sid`, a string) of a payload, if any and not empty. */
export function cmcdSessionId(payload: string | null | undefined): string | undefined {
  if (!payload?.includes('sid')) return undefined;
  const sid = parseCmcd(payload).get('sid');
  return typeof sid === 'string' && sid !== '' ? sid : undefined;
}
