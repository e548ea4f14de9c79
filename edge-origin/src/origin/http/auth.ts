// Staff authentication, for every capability with a staff API (staff/, ads/, audience/, ingest/):
// bearer tokens with a role. The bootstrap admin token comes from the
// environment (STAFF_ADMIN_TOKEN) and is never stored; every other token is created by an admin,
// stored as its SHA-256 only (a leaked database gives no usable token) and can be revoked.
import type { MiddlewareHandler } from 'hono';
import type { RecordStore } from '../store/record-store.ts';
import type { StaffRole, StaffTokenRecord } from '../store/records.ts';
import { StaffError, staffErrorResponse } from './api-errors.ts';
import { sha256Hex } from './ids.ts';

export interface StaffActor {
  tokenId: string;
  label: string;
  role: StaffRole;
}

/** The Hono env of a staff route: `requireRole` puts the caller in `c.get('actor')`. */
export type StaffEnv = { Variables: { actor: StaffActor } };

export const BOOTSTRAP_TOKEN_ID = 'bootstrap';

/** A new random token: 32 bytes, base64url, with a recognisable prefix (secret scanners, logs). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `ctv_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
}

export function hashToken(token: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(token));
}

/** The public id of a token: a prefix of its hash, enough to tell tokens apart in the audit log. */
export function tokenIdOf(hash: string): string {
  return hash.slice(0, 12);
}

/** Who is calling, or a 401 StaffError. */
export async function authenticate(
  authorization: string | undefined,
  store: RecordStore,
  adminToken: string | undefined,
): Promise<StaffActor> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!token)
    throw new StaffError(
      401,
      'unauthenticated',
      'Jeton d’accès manquant : en-tête « Authorization: Bearer <jeton> » attendu',
    );
  const hash = await hashToken(token);
  if (adminToken && hash === (await hashToken(adminToken)))
    return { tokenId: BOOTSTRAP_TOKEN_ID, label: 'STAFF_ADMIN_TOKEN', role: 'admin' };
  const record = await store.get('tokens', hash);
  if (!record) throw new StaffError(401, 'invalid_token', 'Jeton d’accès inconnu');
  if (record.revokedAt) throw new StaffError(401, 'revoked_token', `Jeton révoqué le ${record.revokedAt}`);
  return { tokenId: record.id, label: record.label, role: record.role };
}

/** Middleware: authenticates, checks the role (admin can do everything), sets `c.get('actor')`. */
export function requireRole(
  role: StaffRole,
  store: RecordStore,
  adminToken: string | undefined,
): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    try {
      const actor = await authenticate(c.req.header('authorization'), store, adminToken);
      if (role === 'admin' && actor.role !== 'admin')
        throw new StaffError(403, 'forbidden', 'Réservé aux administrateurs');
      c.set('actor', actor);
    } catch (error) {
      if (error instanceof StaffError) return staffErrorResponse(c, error);
      throw error;
    }
    await next();
  };
}

export function publicToken({ hash: _h, ...token }: StaffTokenRecord): Omit<StaffTokenRecord, 'hash'> {
  return token;
}
