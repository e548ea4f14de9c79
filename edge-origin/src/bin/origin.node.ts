// The origin under Node: `tsx edge-origin/src/bin/origin.node.ts`
// Env: ORIGIN_PORT (8081), ORIGIN_HOST (127.0.0.1), MEDIA_DIR (media cache, default
// edge-origin/media), APP_DIR (built TV app, default tv-app/dist), and the back office's
// REDIS_URL, STAFF_ADMIN_TOKEN, EDGE_PURGE_URLS, EDGE_ADMIN_TOKEN (origin/env.ts), and the live
// ingest's INGEST_* (origin/ingest/config.ts), the replicas' ORIGIN_REPLICA_URL and ORIGIN_LIVE_LEASE_*
// (origin/replicas/config.ts), LOG_LEVEL (origin/log/logger.ts: JSON lines on stdout).
import type { AddressInfo } from 'node:net';
import { ensureDemoMedia } from '../media/ensure.ts';
import { createOriginApp } from '../origin/app.ts';
import { backOfficeOptionsFromEnv } from '../origin/env.ts';
import { ingestFromEnvOrExit } from '../origin/ingest/from-env.ts';
import { log } from '../origin/log/logger.ts';
import { serveOrigin } from '../origin/node/serve-origin.ts';
import { replicasFromEnvOrExit } from '../origin/replicas/from-env.ts';

const port = Number(process.env.ORIGIN_PORT ?? 8081);
const hostname = process.env.ORIGIN_HOST ?? '127.0.0.1';

const media = await ensureDemoMedia({
  ...(process.env.MEDIA_DIR ? { dir: process.env.MEDIA_DIR } : {}),
  log: (msg) => log.info(msg),
});
const backOffice = backOfficeOptionsFromEnv(process.env);
const replicas = replicasFromEnvOrExit(process.env);
const ingest = await ingestFromEnvOrExit(process.env, {
  mediaDir: media.root,
  store: backOffice.store,
  staffAdminToken: backOffice.staffAdminToken,
  // An encoder reaching this replica waits up to a lease's life for it: a dead holder's lease runs out by then.
  ...(replicas
    ? { replicas: { packagers: replicas.packagers, claimWaitMs: replicas.config.leaseMs + replicas.config.renewMs } }
    : {}),
});
if (ingest) replicas?.bindIngest(ingest);
const app = createOriginApp({
  mediaDir: media.root,
  ...backOffice,
  ...(ingest ? { ingest } : {}),
  ...(replicas ? { replicas: { packagers: replicas.packagers, proxyTimeoutMs: replicas.config.proxyTimeoutMs } } : {}),
  ...(process.env.APP_DIR ? { appDir: process.env.APP_DIR } : {}),
});

const server = await serveOrigin({ fetch: app.fetch, port, hostname });
log.info({ media: media.version }, `origin listening on http://${hostname}:${(server.address() as AddressInfo).port}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () =>
    server.close(
      () =>
        void Promise.resolve(ingest?.close())
          .then(() => replicas?.packagers.close())
          .then(() => backOffice.store.close())
          .finally(() => process.exit(0)),
    ),
  );
}
