// The origin under Deno:
//   npx deno run --allow-net --allow-read --allow-env --allow-write --allow-run --allow-sys \
//     --node-modules-dir=manual edge-origin/src/bin/origin.deno.ts
// Same env as origin.node.ts (--allow-run and --allow-write only matter if the media must be generated;
// --allow-sys is for the logger, pino, which reads the host name). With ORIGIN_REPLICA_URL and
// REDIS_URL it is a replica as the Node entry's are (replicas/: the leases, the proxy to the
// holder; the redis client is the npm one, run by Deno's Node compatibility); it starts no
// live ingest (Node entry only), so an encoder is sent to a Node replica, which takes the
// channel from a Deno holder at once (a holder without a feed hands it over).
import { ensureDemoMedia } from '../media/ensure.ts';
import { createOriginApp } from '../origin/app.ts';
import { backOfficeOptionsFromEnv } from '../origin/env.ts';
import { log } from '../origin/log/logger.ts';
import { replicasFromEnvOrExit } from '../origin/replicas/from-env.ts';

declare const Deno: {
  env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  exit(code: number): never;
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number; hostname: string }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  addSignalListener(signal: string, handler: () => void): void;
};

const port = Number(Deno.env.get('ORIGIN_PORT') ?? 8081);
const hostname = Deno.env.get('ORIGIN_HOST') ?? '127.0.0.1';
const mediaDir = Deno.env.get('MEDIA_DIR');
const appDir = Deno.env.get('APP_DIR');

const media = await ensureDemoMedia({ ...(mediaDir ? { dir: mediaDir } : {}), log: (msg) => log.info(msg) });
const env = Deno.env.toObject();
const backOffice = backOfficeOptionsFromEnv(env);
const replicas = replicasFromEnvOrExit(env);
const app = createOriginApp({
  mediaDir: media.root,
  ...backOffice,
  ...(replicas ? { replicas: { packagers: replicas.packagers, proxyTimeoutMs: replicas.config.proxyTimeoutMs } } : {}),
  ...(appDir ? { appDir } : {}),
});

const server = Deno.serve(
  {
    port,
    hostname,
    onListen: (addr) =>
      log.info({ media: media.version, runtime: 'deno' }, `origin listening on http://${addr.hostname}:${addr.port}`),
  },
  app.fetch,
);
// A clean stop releases this replica's leases: the others take its channels at their next tick.
const stop = () =>
  void server
    .shutdown()
    .then(() => replicas?.packagers.close())
    .then(() => backOffice.store.close())
    .finally(() => Deno.exit(0));
Deno.addSignalListener('SIGINT', stop);
Deno.addSignalListener('SIGTERM', stop);
