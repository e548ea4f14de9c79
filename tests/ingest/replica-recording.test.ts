// A recording across an encoder's move between origin replicas: a feed goes on air on A, the
// encoder moves to B (its backup URL), B takes the channel. The slots A published are on A's disk
// only: asked of B (the holder now, which has its own loop there), they are fetched from A, the
// replica that published them (citetv:live:publishers), so a replay cut across the move plays the
// feed from both. Two origin apps in this process on loopback, two ingests, one redis-server.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import type { ChannelId } from '../../shared/catalog/types.ts';
import { createOriginApp } from '../../edge-origin/src/origin/app.ts';
import { loadIngestConfig, startIngest } from '../../edge-origin/src/origin/ingest/index.ts';
import type { Ingest } from '../../edge-origin/src/origin/ingest/index.ts';
import { streamKey } from '../../edge-origin/src/origin/ingest/stream-keys.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { RedisPackagers } from '../../edge-origin/src/origin/replicas/live-lease.ts';
import { openRecordStore } from '../../edge-origin/src/origin/store/open-store.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { leaseHolder, srtEncoder, until } from '../support/replicas.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';

const CHANNEL: ChannelId = 'sport';
const LEASE_MS = 3000;
const RENEW_MS = 500;
const SEGMENT = (n: number) => `/hls/live/${CHANNEL}/v360/${n}.ts`;

interface Replica {
  id: string;
  url: string;
  packagers: RedisPackagers;
  ingest: Ingest;
  store: RecordStore;
  server: Server;
  srtPort: number;
  dir: string;
}

let redis: TestRedis;
let a: Replica;
let b: Replica;
let lease: ReturnType<typeof createClient>;
const encoders: ChildProcess[] = [];

async function startReplica(id: string): Promise<Replica> {
  const manifest = await ensureTestManifest();
  const dir = await mkdtemp(join(tmpdir(), `replica-${id}-`));
  const srtBasePort = 20_000 + Math.floor(Math.random() * 20_000);
  const config = loadIngestConfig({
    overrides: { dir, ffmpegPath: 'ffmpeg', srtBasePort, rtmp: false, x264Preset: 'ultrafast' },
  });
  const store = openRecordStore({ redisUrl: redis.url });
  await store.ready(10_000);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let ingest: Ingest | undefined;
  const packagers = new RedisPackagers({
    redisUrl: redis.url,
    config: { id, advertiseUrl: url, leaseMs: LEASE_MS, renewMs: RENEW_MS, proxyTimeoutMs: 5000 },
    channels: [CHANNEL],
    feeding: (c) => ingest?.status(c)?.state === 'receiving',
    onLost: (c) => ingest?.dropPublisher(c, 'lease lost'),
    log: () => {},
  });
  ingest = await startIngest({
    config,
    mediaDir: manifest.root,
    store,
    clock: {
      epochMs: ORIGIN_DEFAULTS.live.epochMs,
      windowSize: ORIGIN_DEFAULTS.live.windowSize,
      segmentDuration: manifest.segmentDuration,
    },
    staffAdminToken: 'replica-recording-admin',
    log: () => {},
    replicas: { packagers, claimWaitMs: LEASE_MS + RENEW_MS },
  });
  const app = createOriginApp({
    mediaDir: manifest.root,
    store,
    ingest,
    staffAdminToken: 'replica-recording-admin',
    replicas: { packagers, proxyTimeoutMs: 5000 },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  return { id, url, packagers, ingest, store, server, srtPort: srtBasePort, dir };
}

function encode(replica: Replica, key: string, label: string): ChildProcess {
  const child = srtEncoder(replica.srtPort, CHANNEL, key, label); // sport is channel 0
  encoders.push(child);
  return child;
}

const holderId = () => leaseHolder(lease, CHANNEL);

beforeAll(async () => {
  redis = await startRedis();
  lease = createClient({ url: redis.url });
  await lease.connect();
  a = await startReplica('a');
  await until('A to hold the lease', async () => ((await holderId()) === 'a' ? true : undefined));
  b = await startReplica('b');
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  for (const child of encoders) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const r of [a, b]) {
    if (!r) continue;
    r.server.closeAllConnections();
    await new Promise((resolve) => r.server.close(resolve));
    await r.ingest.close();
    await r.packagers.close();
    await r.store.close();
    await rm(r.dir, { recursive: true, force: true });
  }
  await lease?.quit().catch(() => undefined);
  await redis?.stop();
});

/** X-Origin-Replica is told to staff only: these requests carry the staff token. */
const STAFF = { authorization: 'Bearer replica-recording-admin' };

const bytes = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers: { ...STAFF, ...headers } });
  return { status: res.status, via: res.headers.get('x-origin-replica'), body: Buffer.from(await res.arrayBuffer()) };
};

test('a slot published by the replica the encoder left is still answered with its feed by the new holder', async () => {
  const key = await streamKey(a.store, CHANNEL);
  const timelineA = a.ingest.channels.timeline(CHANNEL)!;
  const timelineB = b.ingest.channels.timeline(CHANNEL)!;

  // The feed on A: a slot of it, sealed.
  const first = encode(a, key, 'A');
  const slotA = await until('a feed slot sealed on A', () => {
    const edge = timelineA.edge(Date.now());
    return timelineA.slot(edge)?.kind === 'ingest' && timelineA.slot(edge - 1)?.kind === 'ingest'
      ? edge - 1
      : undefined;
  });
  const fromA = await bytes(`${a.url}${SEGMENT(slotA)}`);
  expect(fromA.status).toBe(200);
  expect(fromA.via).toBeNull(); // A published it: answered there

  // The encoder moves to B (its backup URL): B takes the channel over, with its feed.
  first.kill('SIGKILL');
  encode(b, key, 'B');
  await until(
    'B to receive the feed',
    () => (b.ingest.status(CHANNEL)?.state === 'receiving' ? true : undefined),
    30_000,
  );
  expect(await holderId()).toBe('b');
  await until('a feed slot sealed on B', () =>
    timelineB.slot(timelineB.edge(Date.now()))?.kind === 'ingest' ? true : undefined,
  );

  // B's own timeline has something else in A's slot (B was the standby: its loop)...
  expect(timelineB.slot(slotA)?.kind).not.toBe('ingest');
  // (Asked as a replica asks another, with the replicas' secret: answered from B's own timeline.)
  const bOwn = await bytes(`${b.url}${SEGMENT(slotA)}`, { 'x-origin-replica-hop': a.packagers.hopToken() });
  expect(bOwn.body.equals(fromA.body)).toBe(false);
  // ...but asked of B, the slot comes from A, which published it; and through A, the same.
  const viaB = await bytes(`${b.url}${SEGMENT(slotA)}`);
  expect(viaB.status).toBe(200);
  expect(viaB.via).toBe(`proxied published ${a.url}`);
  expect(viaB.body.equals(fromA.body)).toBe(true);
  expect((await bytes(`${a.url}${SEGMENT(slotA)}`)).body.equals(fromA.body)).toBe(true);
  // The live itself: the holder's (B), through A too.
  const live = await fetch(`${a.url}/hls/live/${CHANNEL}/v360/index.m3u8`, { headers: STAFF });
  expect(live.headers.get('x-origin-replica')).toMatch(/^proxied b#\d+$/);
}, 120_000);
