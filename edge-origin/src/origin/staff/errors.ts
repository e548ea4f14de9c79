// A refused staff request: the status, a stable code, a French message, and the field at fault.
import type { Context } from 'hono';
import type { ApiError } from '../../../../shared/catalog/types.ts';

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
  const body: ApiError = { error: error.field ? { code: error.code, message: error.message, field: error.field } : { code: error.code, message: error.message } };
  if (error.status === 401) c.header('WWW-Authenticate', 'Bearer realm="cite-tv-staff"');
  return c.json(body, error.status);
}
