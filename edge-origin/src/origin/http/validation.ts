// Turning a failed zod validation into the API's error shape: 400, the first offending field
// (dotted path, e.g. `chapters.0.start`) and a readable reason. Used as the default hook of every
// OpenAPIHono app, so every route validated from a schema answers the same way.
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { ApiError } from '../../../../shared/catalog/types.ts';

export function validationHook(
  result: { success: boolean; target: string; error?: ZodError },
  c: Context,
): Response | undefined {
  if (result.success || !result.error) return undefined;
  const issue = result.error.issues[0];
  // An unknown key is reported on the object holding it: name the key itself.
  const extra = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = [...(issue?.path.map(String) ?? []), ...(extra ? [extra] : [])].join('.');
  const field = path || (result.target === 'json' ? 'body' : result.target);
  const code = result.target === 'param' ? 'invalid_id' : 'invalid_request';
  const reason = extra ? 'champ inconnu' : (issue?.message ?? 'valeur invalide');
  const where = result.target === 'json' ? 'Champ' : 'Paramètre';
  const body: ApiError = { error: { code, message: `${where} « ${field} » invalide : ${reason}`, field } };
  return c.json(body, 400);
}
