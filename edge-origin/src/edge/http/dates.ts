// HTTP-date (RFC 9110 §5.6.7) in seconds since the epoch. An invalid date is `undefined`,
// which callers treat as the RFC asks (e.g. an invalid Expires means "already expired").

// The three formats RFC 9110 allows (IMF-fixdate, obsolete RFC 850, asctime), each with single
// spaces where the grammar has SP (asctime's day is 2DIGIT or SP DIGIT) and GMT only. Date.parse
// alone would accept anything, e.g. "0" as the year 2000 or "18  Aug  2050" with doubled spaces,
// where the RFC wants "invalid" (an invalid Expires means already expired, RFC 9111 §5.3).
// Day and month names are matched without regard to case (recipients' leniency: the cache-tests
// suite's "optimal" cache reuses `THU, 18 AUG 2050 ... gMT`).
const HTTP_DATE =
  /^(?:[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} [Gg][Mm][Tt]|[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} [Gg][Mm][Tt]|[A-Za-z]{3} [A-Za-z]{3} (?:\d{2}| \d) \d{2}:\d{2}:\d{2} \d{4})$/;

// Every hit computes Age from the stored Date: the last few values parsed are remembered (the
// hot objects of a moment share a handful of Date values), which saves a regex and a Date.parse.
const recent = new Map<string, number | undefined>();
const RECENT_MAX = 64;

export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  if (recent.has(value)) return recent.get(value);
  const parsed = parseUncached(value);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(value, parsed);
  return parsed;
}

function parseUncached(value: string): number | undefined {
  if (!HTTP_DATE.test(value)) return undefined;
  let text = value;
  const rfc850 = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\S+) /.exec(value);
  if (rfc850) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is the most recent past such year.
    const limit = new Date().getUTCFullYear() + 50;
    let year = 1900 + Number(rfc850[3]);
    while (year + 100 <= limit) year += 100;
    text = `${rfc850[1]} ${rfc850[2]} ${year} ${rfc850[4]} GMT`;
  } else if (!/GMT$/i.test(value)) text = `${value} GMT`; // asctime: no zone written, UTC meant
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
