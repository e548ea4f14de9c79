// JSON error bodies of the API (`ApiError` in shared/catalog/types.ts), and `StaffError`: the
// refusal any staff route throws (staff/, ads/, images/, ingest/), answered in that same shape.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../../../../shared/catalog/types.ts';

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  field?: string,
): Response {
  const body: ApiError = { error: field ? { code, message, field } : { code, message } };
  return c.json(body, status);
}

/** A refused staff request: the status, a stable code, a French message, and the field at fault. */
export class StaffError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function staffErrorResponse(c: Context, error: StaffError): Response {
  if (error.status === 401) c.header('WWW-Authenticate', 'Bearer realm="cite-tv-staff"');
  return apiError(c, error.status, error.code, error.message, error.field);
}
