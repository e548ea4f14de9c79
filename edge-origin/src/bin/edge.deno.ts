// The edge on Deno: the same web-standard core behind Deno.serve.
//   npx deno run --allow-net --allow-read --allow-env --node-modules-dir=manual edge-origin/src/bin/edge.deno.ts
import { createEdge } from '../edge/app.ts';
import { loadEdgeConfig, EdgeConfigError } from '../edge/config.ts';
import { fsBlobDir } from '../edge/node/fs-blob-dir.ts';
import { audienceObserverFromEnv } from '../edge/audience/from-env.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  readTextFileSync(path: string): string;
  exit(code: number): never;
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { hostname: string; port: number }) => void },
    handler: (req: Request, info: unknown) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  addSignalListener(signal: string, handler: () => void): void;
};

let config;
try {
  const env = Deno.env.toObject();
  const fileJson = env.EDGE_CONFIG_FILE ? JSON.parse(Deno.readTextFileSync(env.EDGE_CONFIG_FILE)) : undefined;
  config = loadEdgeConfig({ env, fileJson });
} catch (error) {
  console.error(error instanceof EdgeConfigError || error instanceof SyntaxError ? `edge: ${error.message}` : error);
  Deno.exit(2);
}
const edge = createEdge(config, {
  diskDir: config.diskDir ? await fsBlobDir(config.diskDir) : undefined,
  clientAddress: (info) => (info as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname,
  audience: audienceObserverFromEnv(Deno.env.toObject(), config.redisUrl),
});
await edge.ready;
const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: ({ hostname, port }) =>
      console.log(`edge: listening on http://${hostname}:${port} → upstream ${config.upstreamUrl}`),
  },
  edge.fetch,
);
// The admin address (EDGE_ADMIN_LISTEN, host:port): /_edge/ only (edge/admin/access.ts).
const adminAt = config.adminListen ? /^\[?(.*?)\]?:(\d+)$/.exec(config.adminListen) : null;
const admin = adminAt
  ? Deno.serve({ port: Number(adminAt[2]), hostname: adminAt[1] ?? '127.0.0.1' }, edge.adminFetch)
  : null;
const stop = () => {
  void admin?.shutdown();
  void server
    .shutdown()
    .then(() => edge.close())
    .then(() => Deno.exit(0));
};
Deno.addSignalListener('SIGINT', stop);
Deno.addSignalListener('SIGTERM', stop);
