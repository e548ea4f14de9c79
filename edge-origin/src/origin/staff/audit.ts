// `GET /staff/audit` (admin): the journal every staff write adds to (routing.ts, and ads/),
// newest first, paged with a `next` link.
import { z } from '@hono/zod-openapi';
import { json } from '../catalog/api-schemas.ts';
import type { StaffRouter } from './routing.ts';
import { AuditQuery } from './schemas.ts';

export function auditRoutes(router: StaffRouter): void {
  const { store } = router.deps;
  router.route(
    'admin',
    {
      method: 'get',
      path: '/audit',
      summary: 'Journal des modifications, le plus récent d’abord (admin)',
      request: { query: AuditQuery },
      responses: {
        200: json(z.object({ items: z.array(z.unknown()), total: z.number(), next: z.string().nullable() }), 'OK'),
      },
    },
    async (c, { query }) => {
      const { entries, total } = await store.listAudit(query.offset, query.limit);
      const end = query.offset + entries.length;
      return c.json(
        { items: entries, total, next: end < total ? `/api/v1/staff/audit?offset=${end}&limit=${query.limit}` : null },
        200,
      );
    },
  );
}
