// The purge API: POST /_edge/purge (who may: admin/access.ts, checked before) with a JSON body
// {"url": "/hls/vod/x/master.m3u8"} | {"prefix": "/hls/live/sport/"} | {"tag": "channel-sport"}
// | {"surrogateKeys": ["catalog", "event-123"]} (what the origin's purge client sends; tags come
// from the upstream's Surrogate-Key / Cache-Tag headers). Fetches in flight for the
// purged objects are discarded too, so a purge is never undone by a fill that started before it.
import { z } from 'zod';
import { primaryKey } from '../cache/key.ts';
import { forgetPrefix, forgetPrimary, forgetTag } from '../cache/tiers.ts';
import type { EdgeContext, PurgeRequest } from '../context.ts';

const purgeRequest: z.ZodType<PurgeRequest> = z.union([
  z.object({ url: z.string().min(1) }).strict(),
  z.object({ prefix: z.string().min(1) }).strict(),
  z.object({ tag: z.string().min(1) }).strict(),
  z.object({ surrogateKeys: z.array(z.string().min(1)).min(1).max(1000) }).strict(),
]);

export async function handlePurge(ctx: EdgeContext, req: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return json(400, { error: 'corps JSON attendu / JSON body expected: {"url"} | {"prefix"} | {"tag"}' });
  }
  const parsed = purgeRequest.safeParse(body);
  if (!parsed.success)
    return json(400, {
      error: 'attendu / expected exactly one of {"url"}, {"prefix"}, {"tag"}, {"surrogateKeys": [...]}',
    });
  const purged = purge(ctx, parsed.data, { propagate: true });
  return json(200, { purged });
}

/** Applies a purge locally; returns how many stored copies went (memory and disk counted apart). */
export function purge(ctx: EdgeContext, request: PurgeRequest, { propagate }: { propagate: boolean }): number {
  if (propagate) ctx.sharing?.propagate(request);
  let purged = 0;
  if ('url' in request) {
    const key = primaryKey(new URL(request.url, 'http://edge.invalid'));
    purged = forgetPrimary(ctx, key);
    discardFills(ctx, (k) => k === key);
  } else if ('prefix' in request) {
    purged = forgetPrefix(ctx, request.prefix);
    discardFills(ctx, (k) => k.startsWith(request.prefix));
  } else {
    const tags = 'tag' in request ? [request.tag] : request.surrogateKeys;
    for (const tag of tags) {
      purged += forgetTag(ctx, tag);
      // Tags are only known once a response arrives; fills in flight are checked when they store.
      ctx.purgedTags.set(tag, ctx.now());
    }
    // Only fills that started before the purge care; an hour covers any fill.
    for (const [tag, at] of ctx.purgedTags) if (at < ctx.now() - 3600) ctx.purgedTags.delete(tag);
  }
  return purged;
}

function discardFills(ctx: EdgeContext, match: (key: string) => boolean): void {
  for (const [key, fill] of ctx.inflight) {
    if (!match(key)) continue;
    fill.discarded = true;
    ctx.inflight.delete(key);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}
