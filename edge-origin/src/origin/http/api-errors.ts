// JSON error bodies of the API (`ApiError` in shared/catalog/types.ts).
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../../../../shared/catalog/types.ts';

export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, field?: string): Response {
  const body: ApiError = { error: field ? { code, message, field } : { code, message } };
  return c.json(body, status);
}
