// Origin replicas and the encoder (origin/replicas/, ingest): two ingests on one Redis, each with
// its own ports and folder. A holds every channel's lease (the loop); a venue encoder pushes SRT
// to B: A, with no feed, hands the channel over and B lets the encoder in. A second encoder
// pushed to A (now the standby, B having a feed) is refused with a reason naming the other
// origin. B's lease taken away under it (what a holder cut off from Redis past its TTL sees):
// B cuts its publisher, as a fenced holder must (the encoder reconnects, to its backup URL).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import type { ChannelId } from '../../shared/catalog/types.ts';
import { loadIngestConfig, startIngest } from '../../edge-origin/src/origin/ingest/index.ts';
import type { Ingest, IngestLogEntry } from '../../edge-origin/src/origin/ingest/index.ts';
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

interface Replica {
  id: string;
  packagers: RedisPackagers;
  ingest: Ingest;
  store: RecordStore;
  srtPort: number;
  dir: string;
  logs: IngestLogEntry[];
  leaseLogs: string[];
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
    overrides: {
      dir,
      ffmpegPath: 'ffmpeg',
      srtBasePort,
      rtmp: false,
      x264Preset: 'ultrafast',
    },
  });
  const store = openRecordStore({ redisUrl: redis.url });
  await store.ready(10_000);
  const logs: IngestLogEntry[] = [];
  const leaseLogs: string[] = [];
  let ingest: Ingest | undefined;
  const packagers = new RedisPackagers({
    redisUrl: redis.url,
    config: {
      id,
      advertiseUrl: `http://127.0.0.1:${await freePort()}`,
      leaseMs: LEASE_MS,
      renewMs: RENEW_MS,
      proxyTimeoutMs: 5000,
    },
    channels: [CHANNEL],
    feeding: (c) => ingest?.status(c)?.state === 'receiving',
    onLost: (c) => ingest?.dropPublisher(c, 'lease lost'),
    log: (_level, message) => leaseLogs.push(message),
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
    staffAdminToken: 'replica-handover-admin',
    log: (e) => logs.push(e),
    replicas: { packagers, claimWaitMs: LEASE_MS + RENEW_MS },
  });
  return { id, packagers, ingest, store, srtPort: srtBasePort, dir, logs, leaseLogs };
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
    await r.ingest.close();
    await r.packagers.close();
    await r.store.close();
    await rm(r.dir, { recursive: true, force: true });
  }
  await lease?.quit().catch(() => undefined);
  await redis?.stop();
});

test('the replica an encoder reaches takes the channel; the standby refuses a second one; a lost lease cuts the feed', async () => {
  const key = await streamKey(a.store, CHANNEL);
  expect(await streamKey(b.store, CHANNEL)).toBe(key); // one key for both: the encoder's backup URL works as is

  encode(b, key, 'VENUE');
  await until('B to receive the feed', () => (b.ingest.status(CHANNEL)?.state === 'receiving' ? true : undefined));
  expect(await holderId()).toBe('b');
  expect(a.leaseLogs.some((m) => /handed over to b/.test(m))).toBe(true);
  expect(b.leaseLogs.some((m) => /sport packaged here/.test(m))).toBe(true);

  // A second encoder at A, the standby: refused (B has a feed), with the reason said.
  encode(a, key, 'SECOND');
  const refusal = await until('A to refuse the second encoder', () =>
    a.logs.find((e) => e.event === 'refused' && e.reason === 'standby'),
  );
  expect(refusal.message).toMatch(/autre origine/);
  expect(a.ingest.status(CHANNEL)?.state).not.toBe('receiving');
  expect(await holderId()).toBe('b');

  // The lease taken away under B (as if B had been cut off from Redis past its TTL): B stops packaging.
  await lease.set(`citetv:live:lease:${CHANNEL}`, JSON.stringify({ id: 'z', url: 'http://127.0.0.1:1', fence: 999 }), {
    PX: 60_000,
  });
  await until('B to cut its publisher', () => (b.ingest.status(CHANNEL)?.state !== 'receiving' ? true : undefined));
  expect(b.leaseLogs.some((m) => /lease of sport lost/.test(m))).toBe(true);
  expect(b.logs.some((e) => e.event === 'lease-lost')).toBe(true);
  // The staff see why the feed went: the lease, in the words the lease watcher gave.
  expect(b.ingest.status(CHANNEL)?.lastDrop).toMatchObject({ protocol: 'srt', cause: 'lease lost' });
  expect(b.packagers.holds(CHANNEL)).toBe(false);
}, 90_000);
