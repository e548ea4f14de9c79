// `/staff/tokens` (admin): the staff's access tokens. A token's secret is shown once, when made;
// the store keeps its hash only (http/auth.ts), and a revoked token stays listed for the audit.
import { z } from '@hono/zod-openapi';
import { json } from '../catalog/api-schemas.ts';
import { StaffError } from '../http/api-errors.ts';
import { hashToken, newToken, publicToken, tokenIdOf } from '../http/auth.ts';
import type { StaffTokenRecord } from '../store/records.ts';
import { created, replaced } from './changes.ts';
import type { StaffRouter } from './routing.ts';
import { TokenCreateSchema, TokenIdParam } from './schemas.ts';

const TokenView = z
  .object({
    id: z.string(),
    role: z.string(),
    label: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi('StaffToken');

export function tokenRoutes(router: StaffRouter): void {
  const { store, now } = router.deps;

  router.route(
    'admin',
    {
      method: 'get',
      path: '/tokens',
      summary: 'Jetons d’accès (admin)',
      responses: { 200: json(z.object({ tokens: z.array(TokenView) }), 'OK') },
    },
    async (c) => {
      const tokens = (await store.list('tokens')).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return c.json({ tokens: tokens.map(publicToken) }, 200);
    },
  );

  router.write(
    'admin',
    'token.create',
    {
      method: 'post',
      path: '/tokens',
      summary: 'Créer un jeton (admin) : le secret n’est montré qu’une fois',
      request: { json: TokenCreateSchema },
      responses: { 201: json(TokenView.extend({ token: z.string() }), 'Créé') },
    },
    async ({ json: input }, c) => {
      const token = newToken();
      const hash = await hashToken(token);
      const record: StaffTokenRecord = {
        id: tokenIdOf(hash),
        hash,
        role: input.role,
        label: input.label,
        createdAt: new Date(now()).toISOString(),
        createdBy: c.get('actor').tokenId,
      };
      return {
        change: created('tokens', hash, record),
        status: 201,
        body: { ...publicToken(record), token },
        target: { kind: 'token', id: record.id },
      };
    },
  );

  router.write(
    'admin',
    'token.revoke',
    {
      method: 'delete',
      path: '/tokens/{id}',
      summary: 'Révoquer un jeton (admin)',
      request: { params: TokenIdParam },
      responses: { 200: json(TokenView, 'Révoqué') },
    },
    async ({ param }) => {
      // Stored by hash, named by its public id: found by a scan (a few dozen tokens at most).
      const record = (await store.list('tokens')).find((t) => t.id === param.id);
      if (!record) throw new StaffError(404, 'token_not_found', `Jeton inconnu : « ${param.id} »`, 'id');
      if (record.revokedAt) throw new StaffError(409, 'already_revoked', `Jeton déjà révoqué le ${record.revokedAt}`);
      const revoked = { ...record, revokedAt: new Date(now()).toISOString() };
      return {
        change: replaced('tokens', record.hash, record, revoked),
        status: 200,
        body: publicToken(revoked),
        target: { kind: 'token', id: record.id },
      };
    },
  );
}
