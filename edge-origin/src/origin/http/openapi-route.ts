// One way to declare an API route: its schemas validate the request AND describe it in the
// OpenAPI document (`/api/v1/openapi.json`), so the document cannot drift from what is enforced.
// A thin wrapper over @hono/zod-openapi that hands the handler its validated input already typed
// and lets it answer any Response (errors use the ApiError shape, described once per route).
import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';

export interface RouteRequest {
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body schema. */
  json?: z.ZodType;
  /** A raw (non-JSON) body: its media types, for the document only; the handler checks it. */
  raw?: { mediaTypes: string[]; description: string };
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
export interface RouteInput<R extends RouteRequest> {
  param: Out<R['params']>;
  query: Out<R['query']>;
  json: Out<R['json']>;
}

export interface RouteSpec<R extends RouteRequest> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  request?: R;
  responses: RouteConfig['responses'];
  /** Names of security schemes (`bearer`) this route needs. */
  security?: string[];
  middleware?: RouteConfig['middleware'];
}

/** The handler's context is typed by the app's env (a staff app's `c.get('actor')`). */
export function addRoute<R extends RouteRequest, E extends Env = Env>(
  app: OpenAPIHono<E>,
  spec: RouteSpec<R>,
  handler: (c: Context<E>, input: RouteInput<R>) => Promise<Response> | Response,
): void {
  const r = spec.request;
  const route = createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: spec.tags,
    ...(spec.security ? { security: spec.security.map((name) => ({ [name]: [] })) } : {}),
    ...(spec.middleware ? { middleware: spec.middleware } : {}),
    request: {
      ...(r?.params ? { params: r.params } : {}),
      ...(r?.query ? { query: r.query } : {}),
      ...(r?.json ? { body: { content: { 'application/json': { schema: r.json } }, required: true } } : {}),
      ...(r?.raw
        ? {
            body: {
              content: Object.fromEntries(
                r.raw.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
              ),
              description: r.raw.description,
              required: true,
            },
          }
        : {}),
    },
    responses: spec.responses,
  } as RouteConfig);
  const valid = (c: Context<E>, target: string, present: unknown) =>
    present ? (c.req.valid as (t: string) => unknown)(target) : undefined;
  app.openapi(route, ((c: Context<E>) =>
    handler(c, {
      param: valid(c, 'param', r?.params),
      query: valid(c, 'query', r?.query),
      json: valid(c, 'json', r?.json),
    } as RouteInput<R>)) as never);
}
