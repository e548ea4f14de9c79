// The origin under Deno:
//   npx deno run --allow-net --allow-read --allow-env --allow-write --allow-run --allow-sys \
//     --node-modules-dir=manual edge-origin/src/bin/origin.deno.ts
// Same env as origin.node.ts (--allow-run and --allow-write only matter if the media must be generated;
// --allow-sys is for the logger, pino, which reads the host name).
import { ensureDemoMedia } from '../media/ensure.ts';
import { createOriginApp } from '../origin/app.ts';
import { backOfficeOptionsFromEnv } from '../origin/env.ts';
import { log } from '../origin/log/logger.ts';

declare const Deno: {
  env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number; hostname: string }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void> };
};

const port = Number(Deno.env.get('ORIGIN_PORT') ?? 8081);
const hostname = Deno.env.get('ORIGIN_HOST') ?? '127.0.0.1';
const mediaDir = Deno.env.get('MEDIA_DIR');
const appDir = Deno.env.get('APP_DIR');

const media = await ensureDemoMedia({ ...(mediaDir ? { dir: mediaDir } : {}), log: (msg) => log.info(msg) });
const app = createOriginApp({
  mediaDir: media.root,
  ...backOfficeOptionsFromEnv(Deno.env.toObject()),
  ...(appDir ? { appDir } : {}),
});

Deno.serve(
  {
    port,
    hostname,
    onListen: (addr) =>
      log.info({ media: media.version, runtime: 'deno' }, `origin listening on http://${addr.hostname}:${addr.port}`),
  },
  app.fetch,
);
