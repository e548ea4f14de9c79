// HTTP-date (RFC 9110 §5.6.7) in seconds since the epoch. An invalid date is `undefined`,
// which callers treat as the RFC asks (e.g. an invalid Expires means "already expired").

export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
