// The Via loop guard (RFC 9110 §7.6.3: Via exists to detect request loops). Every request the edge
// sends upstream names it in Via (upstream/upstream-client.ts), so a request that comes back with
// this edge's name has already been through it: two edges that are each other's upstream
// (A → B → A), or an edge pointed at itself. It is refused at once, nothing upstream, rather than
// going round until headers grow past the limit or a fill waits on itself until its timeout.
//
// 508 Loop Detected (RFC 5842 §7.2: "terminated an operation because it encountered an infinite
// loop") rather than 502: it names the fault, so the operator's alerts tell a configuration loop
// from an unreachable upstream, and like any 5xx it is never stored and fails readiness upstream of
// it. A worker streaming an object from a sibling of the same edge carries the edge's name by
// design; its private listener marks it (peerSecret), and it passes.
import { viaNames } from '../http/headers.ts';
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { refused } from './refused.ts';
import type { EdgeContext } from '../context.ts';

/** The 508 for a request that already went through this edge; null for any other request. */
export function loopRefusal(ctx: EdgeContext, req: Request, client?: string): Response | null {
  if (req.headers.get(PEER_HEADER) === ctx.peerSecret) return null;
  const name = ctx.config.viaName;
  if (!viaNames(req.headers.get('via'), name)) return null;
  ctx.log({ level: 'warn', msg: 'request loop refused', path: new URL(req.url).pathname, via: req.headers.get('via') });
  return refused(
    ctx,
    req,
    client,
    508,
    `Boucle détectée / Loop detected: cette edge (${name}) figure déjà dans Via ; ses upstreams la ramènent à elle, ou une autre edge du chemin porte le même EDGE_VIA_NAME / this edge (${name}) is already in Via: its upstreams lead back to it, or another edge on the path has the same EDGE_VIA_NAME`,
  );
}
