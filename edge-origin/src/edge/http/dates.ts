// HTTP-date (RFC 9110 §5.6.7) in seconds since the epoch. An invalid date is `undefined`,
// which callers treat as the RFC asks (e.g. an invalid Expires means "already expired").

// The three formats RFC 9110 allows (IMF-fixdate, obsolete RFC 850, asctime). Date.parse alone
// would accept anything, e.g. "0" as the year 2000, where the RFC wants "invalid".
const HTTP_DATE =
  /^\s*(?:[A-Za-z]{3},\s*\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}:\d{2}\s+GMT|[A-Za-z]+,\s*\d{1,2}-[A-Za-z]{3}-\d{2}\s+\d{2}:\d{2}:\d{2}\s+GMT|[A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\d{4})\s*$/;

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
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
