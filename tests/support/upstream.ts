// A controllable origin for edge tests: each test says what a path answers (status, headers, body
// in parts with pauses between them, delays, connection resets) and reads back what reached it.
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { itemAt } from '../../shared/lang/item-at.ts';

/** A body part: bytes, or a pause until a promise settles (e.g. a gate the test opens). */
export type BodyPart = string | Uint8Array | { wait: Promise<unknown> };

export interface Reply {
  status?: number;
  headers?: Record<string, string | undefined>;
  body?: string | Uint8Array | BodyPart[];
  /** Wait before sending the response headers. */
  delay?: Promise<unknown>;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
}

export type ReplyFn = (req: Request, n: number) => Reply | Promise<Reply>;

export interface SeenRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  headers: Headers;
}

export interface TestUpstream {
  url: string;
  /** What `path` (pathname, query ignored) answers from now on; a function gets the request and its 1-based count. */
  on(path: string, reply: Reply | ReplyFn): void;
  /** Requests received for this pathname. */
  count(path: string): number;
  requests: SeenRequest[];
  /** TCP connections accepted so far (a client that keeps its connections alive opens few). */
  readonly connections: number;
  close(): Promise<void>;
}

/** `now` (seconds): the clock the upstream's Date header follows (default: Node's real Date). */
export async function startUpstream(options: { now?: () => number } = {}): Promise<TestUpstream> {
  const routes = new Map<string, Reply | ReplyFn>();
  const counts = new Map<string, number>();
  const requests: SeenRequest[] = [];
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const n = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, n);
    requests.push({
      method: c.req.method,
      url: url.pathname + url.search,
      path: url.pathname,
      headers: new Headers(c.req.raw.headers),
    });
    const route = routes.get(url.pathname);
    if (!route) return c.text('not found', 404);
    const reply = typeof route === 'function' ? await route(c.req.raw, n) : route;
    if (reply.delay) await reply.delay;
    if (reply.reset) {
      c.env.incoming.socket.destroy();
      return new Response(null);
    }
    const headers = Object.entries(reply.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    if (options.now && !headers.some(([name]) => name.toLowerCase() === 'date')) {
      headers.push(['date', new Date(options.now() * 1000).toUTCString()]);
    }
    return new Response(toBody(reply.body), { status: reply.status ?? 200, headers });
  });

  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
  });
  let connections = 0;
  server.on('connection', () => connections++);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    on: (path, reply) => void routes.set(path, reply),
    count: (path) => counts.get(path) ?? 0,
    requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function toBody(body: Reply['body']): BodyInit | null {
  if (body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body as Uint8Array<ArrayBuffer>;
  const parts = body;
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (i < parts.length) {
        const part = itemAt(parts, i++);
        if (typeof part === 'string') return controller.enqueue(encoder.encode(part));
        if (part instanceof Uint8Array) return controller.enqueue(part);
        await part.wait;
      }
      controller.close();
    },
  });
}

/** A promise the test resolves when it wants (e.g. to let an upstream finish a body). */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A free port nothing listens on (for "upstream down"). */
export async function deadPort(): Promise<number> {
  const s = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
