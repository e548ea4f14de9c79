// Issue #15, origin replicas: two origin processes on one redis-server, one edge with both as its
// upstreams, a viewer following the culture live through the edge. Origin A starts first and
// holds every channel's live lease; B answers the live by asking A. A is SIGKILLed mid-play: the
// edge moves to B after one failed connection, B answers from its own clock-derived timeline
// until A's lease runs out, then takes it. What the viewer sees: playlists whose media sequence
// only moves forward, a bounded number of errors, playing again. The back office is shared: an
// event created on B is read on A, started through B (forwarded to the holder), stopped on the
// survivor, and its replay plays through the edge.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createClient } from 'redis';
import type { Running } from '../support/built.ts';
import { startReplicaProcess } from '../support/replicas.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { staffClient } from '../support/staff-api.ts';
import type { Replay } from '../../shared/catalog/types.ts';

const ADMIN = 'origin-replicas-admin-token-0123';
const CHANNEL = 'culture';
const PLAYLIST = `/hls/live/${CHANNEL}/v360/index.m3u8`;
const LEASE_MS = 3000;
/** X-Origin-Replica is told to staff only (README « Replicas »). */
const STAFF = { authorization: `Bearer ${ADMIN}` };

let redis: TestRedis;
let a: Running | undefined;
let b: Running | undefined;
let edge: StartedEdge;
let lease: ReturnType<typeof createClient>;

const startReplica = (id: string, port: number) =>
  startReplicaProcess({ id, port, redisUrl: redis.url, leaseMs: LEASE_MS, renewMs: 500, adminToken: ADMIN });

/** The replica the channel's lease names now (undefined: free). */
async function holderId(): Promise<string | undefined> {
  const value = await lease.get(`citetv:live:lease:${CHANNEL}`);
  return value ? (JSON.parse(value) as { id: string }).id : undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const mediaSequence = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? Number.NaN);

beforeAll(async () => {
  await ensureTestMedia();
  redis = await startRedis();
  lease = createClient({ url: redis.url });
  await lease.connect();
  const [portA, portB] = [await freePort(), await freePort()];
  a = await startReplica('a', portA);
  await until('A to hold the lease', async () => ((await holderId()) === 'a' ? true : undefined));
  b = await startReplica('b', portB);
  edge = await startEdge({ upstreamUrl: a.url, fallbackUpstreamUrls: [b.url], upstreamDownMemoryMs: 10_000 });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await edge?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await lease?.quit().catch(() => undefined);
  await redis?.stop();
});

test('a viewer follows the live through the edge while the origin packaging it is killed', async () => {
  const staff = (origin: () => string) => staffClient(origin, ADMIN);
  const onB = staff(() => b!.url);

  // The standby answers the live by asking the holder (once it has read the lease, at its first
  // tick after connecting to Redis): the same window, tagged as proxied.
  const viaB = await until('B to proxy the live to A', async () => {
    const res = await fetch(`${b!.url}${PLAYLIST}`, { headers: STAFF });
    return res.status === 200 && /^proxied a#\d+$/.test(res.headers.get('x-origin-replica') ?? '') ? res : undefined;
  });
  const viaA = await fetch(`${a!.url}${PLAYLIST}`);
  expect(Math.abs(mediaSequence(await viaB.text()) - mediaSequence(await viaA.text()))).toBeLessThanOrEqual(1);

  // The back office is one: written on B, read on A.
  await until('the store seeded', async () => ((await fetch(`${b!.url}/api/v1/home`)).ok ? true : undefined));
  const t = Date.now();
  const created = await onB<{ id: string }>('POST', '/events', {
    channelId: CHANNEL,
    title: 'Conseil municipal (réplicas)',
    venue: 'Hôtel de ville',
    startsAt: new Date(t + 60_000).toISOString(),
    endsAt: new Date(t + 3_600_000).toISOString(),
  });
  expect(created.status).toBe(201);
  const eventId = created.body.id;
  const readOnA = await fetch(`${a!.url}/api/v1/events/${eventId}`);
  expect(readOnA.status).toBe(200);
  expect(((await readOnA.json()) as { title: string }).title).toBe('Conseil municipal (réplicas)');
  // Started through B: forwarded to A, which packages the channel.
  const started = await fetch(`${b!.url}/api/v1/staff/events/${eventId}/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(started.status).toBe(200);
  expect(started.headers.get('x-origin-replica')).toMatch(/^proxied a#/);

  // The viewer: the media playlist through the edge every second, each new segment fetched.
  const sequences: { at: number; msn: number }[] = [];
  const errors: string[] = [];
  const fetched = new Set<string>();
  let killedAt = Number.POSITIVE_INFINITY;
  let segmentsAfterKill = 0;
  const play = async (untilMs: number) => {
    while (Date.now() < untilMs) {
      const tick = Date.now();
      try {
        const res = await fetch(`${edge.url}${PLAYLIST}`);
        const text = await res.text();
        if (res.status !== 200) errors.push(`playlist ${res.status}`);
        else {
          sequences.push({ at: tick, msn: mediaSequence(text) });
          const uris = text.split('\n').filter((l) => l && !l.startsWith('#'));
          for (const uri of uris.slice(-2)) {
            if (fetched.has(uri)) continue;
            const seg = await fetch(new URL(uri, `${edge.url}${PLAYLIST}`));
            const bytes = (await seg.arrayBuffer()).byteLength;
            if (seg.status !== 200 || bytes === 0) errors.push(`segment ${uri} ${seg.status}`);
            else {
              fetched.add(uri);
              if (tick > killedAt) segmentsAfterKill++;
            }
          }
        }
      } catch (error) {
        errors.push(`fetch: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
    }
  };

  await play(Date.now() + 6000);
  const beforeKill = sequences.length;
  expect(errors).toEqual([]);
  a!.child.kill('SIGKILL');
  killedAt = Date.now();
  await play(Date.now() + 16_000);

  // B took the channel over within the lease's life (plus a renewal period and a loaded box's slack).
  expect(await until('B to hold the lease', async () => ((await holderId()) === 'b' ? true : undefined))).toBe(true);
  // The media sequence only ever moved forward, and went on after the kill.
  const msns = sequences.map((s) => s.msn);
  for (let i = 1; i < msns.length; i++) expect(msns[i]).toBeGreaterThanOrEqual(msns[i - 1]!);
  expect(msns.at(-1)!).toBeGreaterThan(msns[beforeKill - 1]! + 4);
  // The stall is bounded: at most a couple of failed requests, and the last five seconds all played.
  expect(errors.length).toBeLessThanOrEqual(2);
  expect(sequences.filter((s) => s.at > Date.now() - 5000).length).toBeGreaterThanOrEqual(4);
  expect(segmentsAfterKill).toBeGreaterThanOrEqual(5);
  // The survivor answers the live itself now.
  expect((await fetch(`${b!.url}${PLAYLIST}`, { headers: STAFF })).headers.get('x-origin-replica')).toBeNull();

  // The recording goes on on the survivor: stopped there, published, its replay plays through the edge.
  expect((await onB('POST', `/events/${eventId}/stop`, {})).status).toBe(200);
  const published = await onB<Replay>('POST', `/events/${eventId}/publish`, {});
  expect(published.status).toBe(201);
  const master = await fetch(`${edge.url}${published.body.playbackUrl}`);
  expect(master.status).toBe(200);
  const variant = (await master.text()).split('\n').find((l) => l && !l.startsWith('#'))!;
  const vod = await fetch(new URL(variant, `${edge.url}${published.body.playbackUrl}`));
  const vodText = await vod.text();
  expect(vod.status).toBe(200);
  expect(vodText).toContain('#EXT-X-ENDLIST');
  const firstSegment = vodText.split('\n').find((l) => l && !l.startsWith('#'))!;
  const segment = await fetch(new URL(firstSegment, vod.url));
  expect(segment.status).toBe(200);
  expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(0);
}, 90_000);
