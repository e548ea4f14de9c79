// Who may use the admin endpoints (/_edge/health detail, /_edge/metrics, /_edge/purge). With an
// admin token, only a request bearing it; with an admin address (adminListen), only requests that
// came in there; with neither, reads from this machine only (a dev edge), and no purge. The
// public probes (/_edge/health/live, /ready) are not admin endpoints: they answer anyone.
import type { EdgeConfig } from '../config.ts';

/** Which of the edge's listeners a request came in on. */
export type Listener = 'public' | 'admin';

export interface AdminRequest {
  listener: Listener;
  /** The client's IP as the runtime saw it (undefined: unknown, never taken for loopback). */
  client: string | undefined;
  authorization: string | null;
  /** A purge changes the cache: it always needs the token, or the admin address. */
  write: boolean;
}

/** null: allowed; otherwise the 401/403 to answer. */
export async function adminRefusal(config: EdgeConfig, req: AdminRequest): Promise<Response | null> {
  if (config.adminListen && req.listener === 'public')
    return refuse(403, 'administration sur son adresse dédiée / admin endpoints are on the admin address');
  if (config.adminToken) {
    if (await sameSecret(req.authorization ?? '', `Bearer ${config.adminToken}`)) return null;
    return refuse(401, 'jeton invalide / invalid bearer token', { 'www-authenticate': 'Bearer realm="edge-admin"' });
  }
  if (req.listener === 'admin') return null;
  if (req.write) return refuse(403, 'purge désactivée / purge disabled: no adminToken configured');
  if (isLoopback(req.client)) return null;
  return refuse(403, 'réservé à l’administration / admin only: set EDGE_ADMIN_TOKEN or EDGE_ADMIN_LISTEN');
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function refuse(status: number, error: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/** Constant-time comparison (via digests) so the token cannot be guessed byte by byte. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
