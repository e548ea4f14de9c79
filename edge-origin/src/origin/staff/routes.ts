// The staff API, `/api/v1/staff/...`: the back office's writes and the lists they work from. One
// module per resource; routing.ts is what they share (bearer token and role, the refusals, and the
// write path: plan → one atomic commit with the audit entry → edge purge). Answers are `no-store`.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { StaffError } from '../http/api-errors.ts';
import type { StaffEnv } from '../http/auth.ts';
import { answerRefusal, staffApi } from '../http/staff-api.ts';
import { StoreUnavailableError } from '../store/records.ts';
import { auditRoutes } from './audit.ts';
import { eventRoutes } from './events.ts';
import { highlightRoutes } from './highlights.ts';
import { posterRoutes } from './posters.ts';
import { replayRoutes } from './replays.ts';
import { staffRouter } from './routing.ts';
import type { StaffDeps } from './routing.ts';
import { sponsorRoutes } from './sponsors.ts';
import { tokenRoutes } from './tokens.ts';

export type { StaffDeps } from './routing.ts';

export function staffRoutes(deps: StaffDeps): OpenAPIHono<StaffEnv> {
  const app = staffApi();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  // A store out of reach refuses the write: nothing was stored, the staff may retry.
  app.onError((error, c) =>
    answerRefusal(
      error instanceof StoreUnavailableError
        ? new StaffError(503, 'store_unavailable', `${error.message}. Rien n’a été enregistré.`)
        : error,
      c,
    ),
  );
  const router = staffRouter(app, deps);
  // In this order in the OpenAPI document.
  for (const resource of [
    eventRoutes,
    replayRoutes,
    highlightRoutes,
    sponsorRoutes,
    posterRoutes,
    tokenRoutes,
    auditRoutes,
  ])
    resource(router);
  return app;
}
