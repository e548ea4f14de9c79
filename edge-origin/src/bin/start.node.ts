// `npm start`: the origin and, in front of it, the edge, in one Node process on the embedded
// defaults (memory catalog, memory cache, no Redis). The TV app is served by the origin at `/`
// and reached through the edge, as a TV on the city's network would reach it.
// Env: EDGE_PORT (8080), ORIGIN_PORT (8081), EDGE_HOST / ORIGIN_HOST (127.0.0.1; set EDGE_HOST=0.0.0.0
// to let a TV on the LAN in), MEDIA_DIR, APP_DIR, and every EDGE_* key of edge/config.ts.
// Live ingest (origin/ingest/config.ts): INGEST_* (ports, bind address, ffmpeg, INGEST_ENABLED=false).
// Back office (origin/env.ts): REDIS_URL, STAFF_ADMIN_TOKEN (printed if unset), EDGE_PURGE_URLS
// (the in-process edge is always purged), EDGE_ADMIN_TOKEN (default: a random one shared with it).
import { ensureDemoMedia } from '../media/ensure.ts';
import { createOriginApp } from '../origin/app.ts';
import { serveOrigin } from '../origin/node/serve-origin.ts';
import { backOfficeOptionsFromEnv } from '../origin/env.ts';
import { newToken } from '../origin/http/auth.ts';
import { loadEdgeConfig, EdgeConfigError } from '../edge/config.ts';
import { startEdgeNode } from '../edge/node/start-edge-node.ts';
import { AudienceObserver } from '../edge/audience/observer.ts';
import { RedisAudienceSink } from '../edge/audience/redis-sink.ts';
import { MemoryAudience } from '../origin/audience/index.ts';
import { ingestFromEnvOrExit } from '../origin/ingest/from-env.ts';
import { writeRunToken } from './run-token.ts';

const originPort = Number(process.env.ORIGIN_PORT ?? 8081);
const originHost = process.env.ORIGIN_HOST ?? '127.0.0.1';

const media = await ensureDemoMedia({
  ...(process.env.MEDIA_DIR ? { dir: process.env.MEDIA_DIR } : {}),
  log: (msg) => console.log(msg),
});
// The in-process edge is purged after each staff write: it shares an admin token with the origin.
const edgeAdminToken = process.env.EDGE_ADMIN_TOKEN || newToken();
const backOffice = backOfficeOptionsFromEnv({ ...process.env, EDGE_ADMIN_TOKEN: edgeAdminToken });
const purgeUrls = [...backOffice.edgePurge.urls];
// Audience: the edge counts viewers into Redis (REDIS_URL) or, without it, into a memory store it
// shares with the origin in this process.
const memoryAudience = process.env.REDIS_URL ? undefined : new MemoryAudience();
// Live ingest: encoders push SRT/RTMP to this origin (`npm run encoder -- --channel sport`).
const ingest = await ingestFromEnvOrExit(process.env, {
  mediaDir: media.root,
  store: backOffice.store,
  staffAdminToken: backOffice.staffAdminToken,
});
// `npm run encoder` finds this run's admin token here, to read a channel's stream key (mode 600).
await writeRunToken(backOffice.staffAdminToken, `http://${originHost}:${originPort}`);
const origin = createOriginApp({
  ...(ingest ? { ingest } : {}),
  mediaDir: media.root,
  ...backOffice,
  edgePurge: { ...backOffice.edgePurge, urls: purgeUrls },
  ...(memoryAudience ? { ads: { audience: { store: memoryAudience } } } : {}),
  ...(process.env.APP_DIR ? { appDir: process.env.APP_DIR } : {}),
});
const originServer = await serveOrigin({ fetch: origin.fetch, port: originPort, hostname: originHost });
const originUrl = `http://${originHost}:${originPort}`;
console.log(`origin: listening on ${originUrl}`);

let config;
try {
  // The demo keeps its terminal readable: no access log unless asked (EDGE_ACCESS_LOG=true). The
  // ads API answers per viewer: passed through at once, not opened as fills (edge/README.md).
  config = loadEdgeConfig({
    env: {
      UPSTREAM_URL: originUrl,
      EDGE_ACCESS_LOG: 'false',
      EDGE_PASS_PREFIXES: '/api/v1/ads/',
      ...process.env,
      EDGE_ADMIN_TOKEN: edgeAdminToken,
    },
  });
} catch (error) {
  console.error(error instanceof EdgeConfigError ? `edge: ${error.message}` : error);
  process.exit(2);
}
const edge = await startEdgeNode(config, {
  audience: new AudienceObserver({ sink: memoryAudience ?? new RedisAudienceSink({ url: process.env.REDIS_URL! }) }),
});
console.log(`edge: listening on ${edge.url} → upstream ${config.upstreamUrl}`);
purgeUrls.push(edge.url);
console.log(
  `staff console: ${originUrl}/staff/ (staff API ${originUrl}/api/v1/staff/, OpenAPI ${originUrl}/api/v1/openapi.json)`,
);
console.log(`\n  Cité TV is up. Open ${edge.url}/ in Chromium (arrows, Enter, Backspace).\n`);

const stop = async (signal: string) => {
  console.log(`start: ${signal}, stopping`);
  await edge.close();
  await ingest?.close();
  originServer.close();
  await backOffice.store.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
