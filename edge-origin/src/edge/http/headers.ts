// Header hygiene for a proxy (RFC 9110 §7.6): hop-by-hop fields never cross the edge, either way,
// and the edge says it was there with `Via`.

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** A copy of `headers` without hop-by-hop fields, including those named by `Connection`. */
export function withoutHopByHop(headers: Headers): Headers {
  const out = new Headers(headers);
  const listed = (headers.get('connection') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const name of [...HOP_BY_HOP, ...listed]) out.delete(name);
  return out;
}

export function appendVia(headers: Headers, viaName: string, protocol = '1.1'): void {
  const prior = headers.get('via');
  const mine = `${protocol} ${viaName}`;
  headers.set('via', prior ? `${prior}, ${mine}` : mine);
}

/** Drops this edge's own hop from the end of Via (a response passed between two workers of one edge). */
export function withoutOwnVia(headers: Headers, viaName: string, protocol = '1.1'): void {
  const hops = listVia(headers.get('via'));
  if (hops[hops.length - 1] !== `${protocol} ${viaName}`) return;
  hops.pop();
  if (hops.length) headers.set('via', hops.join(', '));
  else headers.delete('via');
}

/**
 * Whether a Via field lists a hop received by `viaName` (RFC 9110 §7.6.3: `[protocol/]version
 * received-by [comment]`; names compared without case, as host names are).
 */
export function viaNames(value: string | null, viaName: string): boolean {
  const name = viaName.toLowerCase();
  return listVia(value).some((hop) => {
    const receivedBy = hop
      .slice(hop.search(/\s/) + 1)
      .trim()
      .toLowerCase();
    return receivedBy === name || receivedBy.startsWith(`${name} `);
  });
}

function listVia(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Approximate size of a header block, to enforce limits and to account stored entries. */
export function headerBytes(headers: Headers): number {
  let n = 0;
  headers.forEach((value, name) => {
    n += name.length + value.length + 4;
  });
  return n;
}

/** Header names listed in a field such as Vary or Connection, lower-cased. */
export function listHeader(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}
