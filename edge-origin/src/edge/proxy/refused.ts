// A request the edge refuses before proxying it (the access gate's 403, the loop guard's 508):
// a plain answer (proxy/respond.ts plainError, `no-store`), counted and logged like any other,
// its query left out of the log (it may hold a token the gate has not taken out yet).
import { RequestRecord } from './record.ts';
import { plainError } from './respond.ts';
import type { EdgeContext } from '../context.ts';

export function refused(
  ctx: EdgeContext,
  req: Request,
  client: string | undefined,
  status: number,
  text: string,
): Response {
  const response = plainError(ctx, status, text);
  const logged = new URL(req.url);
  logged.search = '';
  new RequestRecord(ctx, { method: req.method, url: logged.href, headers: req.headers }, logged, client).answered(
    status,
    'ERROR',
    Number(response.headers.get('content-length') ?? -1),
  );
  return response;
}
