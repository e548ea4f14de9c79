// One access line per request (a Hono middleware): method, path, status, bytes sent, duration
// and a request id, as JSON through the origin's logger. The query string is left out: signed
// URLs and tokens travel in it. The id is the caller's X-Request-Id when it sent a sane one (an
// edge, a load balancer), else a new one; it is echoed back so a complaint finds its line.
// Like nginx's, the line is written once the body is sent (or the client went away: `aborted`),
// so `ms` and `bytes` are the whole answer's; Hono's bodies carry no length, so they are counted.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from './logger.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NULL_BODY = new Set([101, 204, 205, 304]);

export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const sent = c.req.header('x-request-id');
    const reqId = sent && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
    await next();
    const res = c.res;
    const line = { msg: 'request', reqId, method: c.req.method, path: c.req.path, status: res.status };
    const write = (bytes: number, aborted = false) =>
      logger.info({
        ...line,
        bytes,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(aborted ? { aborted } : {}),
      });
    const headers = new Headers(res.headers);
    headers.set('X-Request-Id', reqId);
    // Statuses that may not carry a body (a Response with one would throw).
    if (!res.body || NULL_BODY.has(res.status)) {
      write(Number(res.headers.get('content-length') ?? 0));
      c.res = undefined;
      c.res = new Response(null, { status: res.status, statusText: res.statusText, headers });
      return;
    }
    const reader = res.body.getReader();
    let bytes = 0;
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            write(bytes);
          } else {
            bytes += value.byteLength;
            controller.enqueue(value);
          }
        } catch (error) {
          write(bytes, true);
          controller.error(error);
        }
      },
      cancel(reason) {
        write(bytes, true);
        return reader.cancel(reason);
      },
    });
    // Unset first: Hono's setter would otherwise merge the old headers back in.
    c.res = undefined;
    c.res = new Response(counted, { status: res.status, statusText: res.statusText, headers });
  };
}
