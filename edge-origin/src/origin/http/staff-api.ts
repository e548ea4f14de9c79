// What every staff API app shares, whichever capability owns it (staff/, ads/, audience/):
// requests validated by their schemas (400 with the field), `no-store` on every answer (staff
// data changes under the staff's feet and is theirs only), refusals answered as ApiError bodies.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { StaffError, staffErrorResponse } from './api-errors.ts';
import type { StaffEnv } from './auth.ts';
import { validationHook } from './validation.ts';

export function staffApi(): OpenAPIHono<StaffEnv> {
  const app = new OpenAPIHono<StaffEnv>({ defaultHook: validationHook });
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.onError(answerRefusal);
  return app;
}

/** onError: a StaffError becomes its answer; anything else goes on to the parent app. */
export function answerRefusal(error: Error, c: Context): Response {
  if (error instanceof StaffError) return staffErrorResponse(c, error);
  throw error;
}
