// X-Origin-Replica (which replica answered a live request) names internal replicas: a debugging
// aid for staff, never for viewers (issue #15). Two origin apps on one redis-server, A holding
// the live leases, B the standby (it answers the live by asking A), and a real edge with B as its
// only upstream, so everything the edge asks is proxied. A viewer through the edge gets no header;
// staff (a staff token, or the edges' admin token) get it, on an answer no cache may store; the
// default replica id does not carry the host name; a forged X-Origin-Replica-Hop is not honoured.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { serveOrigin } from '../../edge-origin/src/origin/node/serve-origin.ts';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { createClient } from 'redis';
import { createOriginApp } from '../../edge-origin/src/origin/app.ts';
import { RedisPackagers } from '../../edge-origin/src/origin/replicas/live-lease.ts';
import { openRecordStore } from '../../edge-origin/src/origin/store/open-store.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { leaseHolder, until } from '../support/replicas.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';

const STAFF_TOKEN = 'replica-header-staff-token-0123';
const EDGE_TOKEN = 'replica-header-edge-token-0123';
const CHANNEL = 'culture';
const PLAYLIST = `/hls/live/${CHANNEL}/v360/index.m3u8`;

interface Replica {
  url: string;
  packagers: RedisPackagers;
  store: RecordStore;
  server: Server;
}

let redis: TestRedis;
let a: Replica;
let b: Replica;
let edge: StartedEdge;

async function startReplica(id: string | undefined): Promise<Replica> {
  const manifest = await ensureTestManifest();
  const store = openRecordStore({ redisUrl: redis.url });
  await store.ready(10_000);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const packagers = new RedisPackagers({
    redisUrl: redis.url,
    config: { ...(id ? { id } : {}), advertiseUrl: url, leaseMs: 3000, renewMs: 500, proxyTimeoutMs: 5000 },
    channels: [CHANNEL],
    log: () => {},
  });
  const app = createOriginApp({
    mediaDir: manifest.root,
    store,
    staffAdminToken: STAFF_TOKEN,
    edgePurge: { urls: [], token: EDGE_TOKEN },
    replicas: { packagers, proxyTimeoutMs: 5000 },
  });
  const server = await serveOrigin({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  return { url, packagers, store, server };
}

beforeAll(async () => {
  redis = await startRedis();
  const lease: ReturnType<typeof createClient> = createClient({ url: redis.url });
  await lease.connect();
  a = await startReplica(undefined); // the default id
  await until('A to hold the lease', async () => ((await leaseHolder(lease, CHANNEL)) ? true : undefined));
  await lease.quit();
  b = await startReplica('b');
  edge = await startEdge({ upstreamUrl: b.url });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await edge?.close();
  for (const r of [a, b]) {
    if (!r) continue;
    r.server.closeAllConnections();
    await new Promise((resolve) => r.server.close(resolve));
    await r.packagers.close();
    await r.store.close();
  }
  await redis?.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const uris = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

test('viewers never see X-Origin-Replica; staff do, on an answer no cache keeps', async () => {
  // The default id: random, nothing of the host.
  expect(a.packagers.id).toMatch(/^r-[0-9a-f]{8}$/);
  expect(a.packagers.id).not.toContain(hostname());
  const proxied = new RegExp(`^proxied ${a.packagers.id}#\\d+$`);
  // B proxies the live to A once it has read the lease (its first tick).
  await until('B to proxy the live to A', async () => {
    const res = await fetch(`${b.url}${PLAYLIST}`, { headers: bearer(STAFF_TOKEN) });
    await res.arrayBuffer();
    return proxied.test(res.headers.get('x-origin-replica') ?? '') ? true : undefined;
  });

  // Staff through the edge, first to ask for this playlist: the edge fetches it for them (a
  // request with Authorization is not joined to others'), the header comes back, not storable.
  const debugUrl = `${edge.url}${PLAYLIST}?replica-debug=1`;
  const staffAnswer = await fetch(debugUrl, { headers: bearer(STAFF_TOKEN) });
  expect(staffAnswer.status).toBe(200);
  expect(staffAnswer.headers.get('x-origin-replica')).toMatch(proxied);
  expect(staffAnswer.headers.get('cache-control')).toBe('private, no-store');
  const segment = uris(await staffAnswer.text()).at(-1)!;

  // A viewer asking the same URL next: not the staff's copy (never stored), no header.
  const viewerSame = await fetch(debugUrl);
  await viewerSame.arrayBuffer();
  expect(viewerSame.status).toBe(200);
  expect(viewerSame.headers.get('x-origin-replica')).toBeNull();
  expect(viewerSame.headers.get('cache-control')).toMatch(/public/);

  // A viewer's playlist and segment through the edge (proxied by B to A all the same): no header.
  const viewerPlaylist = await fetch(`${edge.url}${PLAYLIST}`);
  const viewerSegment = await fetch(new URL(uris(await viewerPlaylist.text()).at(-1)!, `${edge.url}${PLAYLIST}`));
  expect((await viewerSegment.arrayBuffer()).byteLength).toBeGreaterThan(0);
  for (const res of [viewerPlaylist, viewerSegment]) {
    expect(res.status).toBe(200);
    expect(res.headers.get('x-origin-replica')).toBeNull();
  }
  // Asked of B directly: a stranger's or a wrong token get nothing; the edges' admin token does.
  for (const headers of [{}, bearer('not-a-token'), bearer(`${STAFF_TOKEN}x`)]) {
    const res = await fetch(new URL(segment, `${b.url}${PLAYLIST}`), { headers });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-origin-replica')).toBeNull();
  }
  const asEdge = await fetch(`${b.url}${PLAYLIST}`, { headers: bearer(EDGE_TOKEN) });
  await asEdge.arrayBuffer();
  expect(asEdge.headers.get('x-origin-replica')).toMatch(proxied);

  // X-Origin-Replica-Hop (a replica's request to another: answered from the receiver's own
  // timeline) is honoured only with the replicas' secret: a viewer's forged one is sent on to the
  // holder as any request, or a standby's own view of a slot would be cached by the edge.
  const forged = await fetch(`${b.url}${PLAYLIST}`, {
    headers: { ...bearer(STAFF_TOKEN), 'x-origin-replica-hop': a.packagers.id },
  });
  await forged.arrayBuffer();
  expect(forged.headers.get('x-origin-replica')).toMatch(proxied);
  const secret = a.packagers.hopToken();
  expect(secret).not.toBe(a.packagers.id);
  const genuine = await fetch(`${b.url}${PLAYLIST}`, {
    headers: { ...bearer(STAFF_TOKEN), 'x-origin-replica-hop': secret },
  });
  await genuine.arrayBuffer();
  expect(genuine.status).toBe(200);
  expect(genuine.headers.get('x-origin-replica')).toBeNull(); // B's own timeline
}, 60_000);
