// The edge's own paths under /_edge/, on either listener: the public probes for load balancers
// and service managers (liveness: the process answers; readiness: admin/readiness.ts, saying only
// which check fails or is degraded, never an upstream's address), and the admin endpoints behind admin/access.ts.
import type { Hono } from 'hono';
import { healthBody } from './health.ts';
import { handlePurge } from './purge.ts';
import { adminRefusal, type Listener } from './access.ts';
import type { Readiness } from './readiness.ts';
import type { EdgeContext } from '../context.ts';

export function mountEdgeRoutes(
  app: Hono,
  ctx: EdgeContext,
  listener: Listener,
  readiness: Readiness,
  clientAddress: (env: unknown) => string | undefined,
): void {
  const noStore = { 'cache-control': 'no-store' };
  app.get('/_edge/health/live', (c) => c.json({ status: 'ok' }, 200, noStore));
  app.get('/_edge/health/ready', async (c) => {
    const report = await readiness.check();
    // Check names only: never an upstream's address, nor a sibling's.
    const degraded = report.degraded.length > 0 ? { degraded: report.degraded } : {};
    return report.ready
      ? c.json({ status: 'ready', ...degraded }, 200, noStore)
      : c.json({ status: 'not-ready', failing: report.failing, ...degraded }, 503, noStore);
  });
  const refusal = (req: Request, env: unknown, write = false) =>
    adminRefusal(ctx.config, {
      listener,
      client: clientAddress(env),
      authorization: req.headers.get('authorization'),
      write,
    });
  app.get('/_edge/health', async (c) => {
    const refused = await refusal(c.req.raw, c.env);
    if (refused) return refused;
    const participants = [...ctx.inflight.values()].reduce((n, f) => n + f.participants, 0);
    const body = healthBody(
      ctx.store.stats(),
      ctx.inflight.size,
      participants,
      [ctx.config.upstreamUrl, ...ctx.config.fallbackUpstreamUrls],
      ctx.disk?.stats(),
      !ctx.sharing ? 'off' : ctx.sharing.ready ? 'up' : ctx.sharing.serving ? 'partial' : 'down',
      await readiness.check(),
    );
    return c.json(body, 200, noStore);
  });
  app.get('/_edge/metrics', async (c) => {
    const refused = await refusal(c.req.raw, c.env);
    if (refused) return refused;
    try {
      const { contentType, body } = await ctx.metrics.render();
      return new Response(body, { headers: { 'content-type': contentType, ...noStore } });
    } catch (error) {
      // With several workers: the sum could not be gathered. No partial figures (a worker's
      // counters alone would read as a reset).
      const why = error instanceof Error ? error.message : String(error);
      return c.text(`503 Métriques indisponibles / Metrics unavailable: ${why}`, 503, noStore);
    }
  });
  app.post('/_edge/purge', async (c) => (await refusal(c.req.raw, c.env, true)) ?? handlePurge(ctx, c.req.raw));
  // The reserved prefix is never proxied, even for paths the edge does not serve.
  app.all('/_edge/*', (c) => c.text('404 Inconnu sur cette edge / Not found on this edge', 404));
}
