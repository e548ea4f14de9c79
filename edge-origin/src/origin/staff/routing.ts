// How a staff route is declared and how a write runs, so that each resource module (events.ts,
// replays.ts, …) holds only what is its own: schemas, checks and the records it computes.
//
// Every route needs a bearer token (editor, or admin: tagged « Staff admin » in the document) and
// lists the same refusals. Every write goes one way: its plan reads what it changes and computes
// the new records; the router commits them with the audit entry in ONE atomic store write that
// expects the records read to be unchanged (nothing partial is stored, two racing requests cannot
// both win), then purges the edges (`catalog` always: every aggregate may show what changed).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { ApiErrorSchema, json } from '../catalog/api-schemas.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { commitAudited } from '../http/audited-commit.ts';
import { requireRole } from '../http/auth.ts';
import type { StaffEnv } from '../http/auth.ts';
import { addRoute } from '../http/openapi-route.ts';
import type { RouteInput, RouteRequest, RouteSpec } from '../http/openapi-route.ts';
import { surrogateKeys } from '../http/surrogate-keys.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import type { EdgePurgeClient } from '../purge/edge-purge-client.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { Change, StaffRole } from '../store/records.ts';

export interface StaffDeps {
  store: RecordStore;
  library: MediaLibrary;
  clock: LiveClockConfig;
  /** The channels' timelines: what each live segment carries (loop, feed, slate). */
  live: LiveChannels;
  /** Live segments kept fetchable behind the live edge (LiveOptions.retentionSegments). */
  retentionSegments: number;
  now: () => number;
  /** STAFF_ADMIN_TOKEN: the bootstrap admin (undefined: only stored tokens work). */
  adminToken: string | undefined;
  purger: EdgePurgeClient;
}

/** What a write does, computed from the records it read. */
export interface WritePlan {
  change: Change;
  /** Surrogate keys to purge on the edges once committed, besides `catalog`. */
  purge?: string[];
  /** Path prefixes to purge (`/hls/vod/<id>/`): media playlists the edges keep for good. */
  purgePrefixes?: string[];
  /** 204: the body is ignored (a deletion answers nothing). */
  status: 200 | 201 | 204;
  body: unknown;
  target: { kind: string; id: string };
  /** The audit entry's detail, when not the request's body (or, without one, its `{ id }`). */
  detail?: unknown;
}

export type StaffContext = Context<StaffEnv>;
type StaffSpec<R extends RouteRequest> = Omit<RouteSpec<R>, 'tags' | 'security' | 'middleware'>;

export interface StaffRouter {
  deps: StaffDeps;
  /** A route that answers by itself (the lists). */
  route<R extends RouteRequest>(
    role: StaffRole,
    spec: StaffSpec<R>,
    handler: (c: StaffContext, input: RouteInput<R>) => Promise<Response>,
  ): void;
  /** A write: `plan` reads and computes; the router commits it with its audit entry, purges, answers. */
  write<R extends RouteRequest>(
    role: StaffRole,
    action: string,
    spec: StaffSpec<R>,
    plan: (input: RouteInput<R>, c: StaffContext) => Promise<WritePlan>,
  ): void;
}

const refusals = {
  400: json(ApiErrorSchema, 'Requête invalide : `field` dit quel champ et pourquoi'),
  401: json(ApiErrorSchema, 'Jeton manquant, inconnu ou révoqué'),
  403: json(ApiErrorSchema, 'Rôle insuffisant'),
  404: json(ApiErrorSchema, 'Inconnu'),
  409: json(ApiErrorSchema, 'Refusé dans l’état actuel (transition interdite, modification concurrente)'),
  503: json(ApiErrorSchema, 'Stockage injoignable : rien n’a été enregistré'),
};

export function staffRouter(app: OpenAPIHono<StaffEnv>, deps: StaffDeps): StaffRouter {
  const guards = {
    editor: requireRole('editor', deps.store, deps.adminToken),
    admin: requireRole('admin', deps.store, deps.adminToken),
  };
  const declare = <R extends RouteRequest>(role: StaffRole, spec: StaffSpec<R>): RouteSpec<R> => ({
    ...spec,
    tags: [role === 'admin' ? 'Staff admin' : 'Staff'],
    security: ['bearer'],
    middleware: [guards[role]],
    responses: { ...spec.responses, ...refusals },
  });

  return {
    deps,
    route: (role, spec, handler) => addRoute(app, declare(role, spec), handler),
    write: (role, action, spec, plan) =>
      addRoute(app, declare(role, spec), async (c, input) => {
        const p = await plan(input, c);
        const detail = p.detail ?? requestDetail(input);
        await commitAudited(deps.store, p.change, {
          at: new Date(deps.now()).toISOString(),
          actor: c.get('actor'),
          action,
          target: p.target,
          detail,
        });
        await deps.purger.purge([surrogateKeys.catalog, ...(p.purge ?? [])]);
        if (p.purgePrefixes?.length) await deps.purger.purgePrefixes(p.purgePrefixes);
        return p.status === 204 ? c.body(null, 204) : c.json(p.body as object, p.status);
      }),
  };
}

/** What the audit records of a request: its validated body, or for a body-less one its `{ id }`. */
function requestDetail(input: { param: unknown; json: unknown }): unknown {
  if (input.json !== undefined) return input.json;
  const id = (input.param as { id?: string } | undefined)?.id;
  return id === undefined ? undefined : { id };
}
