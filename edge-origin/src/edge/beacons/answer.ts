// A collected beacon's answer, the same on the general path (a web Response) and on the Node
// listener (fields for writeHead; tests/edge/beacons.test.ts holds them identical): the 204 the
// origin's tracking gives, without its outcome (not known yet), marked X-Cache: BEACON.
import { RequestRecord, type RecordedRequest } from '../proxy/record.ts';
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { bypassesGate } from '../access/gate.ts';
import type { EdgeContext } from '../context.ts';

/** The answer's fields, in writeHead's shape (lower-case names). */
export function beaconFields(ctx: EdgeContext): Record<string, string> {
  // In the order a web Headers iterates (sorted), so both paths write the same bytes.
  return { 'cache-control': 'private, no-store', via: `1.1 ${ctx.config.viaName}`, 'x-cache': 'BEACON' };
}

/**
 * Whether `target` (path and query) of a `method` request is one to collect now: a beacon prefix,
 * outside access control (a restricted path is the gate's), not a sibling's, room in the queue.
 */
export function collects(ctx: EdgeContext, method: string, target: string, fromSibling: boolean): boolean {
  const collector = ctx.beacons;
  if (!collector || fromSibling) return false;
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  return collector.takes(method, path) && bypassesGate(target, ctx.config);
}

/** The general path: collects the beacon and answers it, or null when it is not one to collect. */
export function collectedBeacon(ctx: EdgeContext, req: Request, client: string | undefined): Response | null {
  if (!ctx.beacons || req.method !== 'GET') return null;
  // The path as sent, before parsing the URL: most requests are no beacon, and this path is theirs too.
  const pathStart = req.url.indexOf('/', req.url.indexOf('//') + 2);
  if (pathStart < 0 || !ctx.config.beaconPrefixes.some((prefix) => req.url.startsWith(prefix, pathStart))) return null;
  const url = new URL(req.url);
  const target = url.pathname + url.search;
  if (!collects(ctx, req.method, target, req.headers.get(PEER_HEADER) === ctx.peerSecret)) return null;
  const record = new RequestRecord(ctx, req as RecordedRequest, url, client);
  record.arrived();
  ctx.beacons!.collect(target, ctx.now() * 1000);
  record.answered(204, 'BEACON', -1);
  return new Response(null, { status: 204, headers: beaconFields(ctx) });
}
