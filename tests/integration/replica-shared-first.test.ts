// Issue #15, origin replicas: what the holder's playlists list is in Redis before they leave. A
// replica taking the channel over adopts the holder's slots as shared there (live-lease.ts); a
// slot a viewer got listed that the record lacked came back from the next holder as its own,
// after a discontinuity, and hls.js (≥ 1.6) throws away every reload whose numbers differ from
// those it holds. One replica process (ingest on: its slots are shared), one redis-server made
// slow to write (CLIENT PAUSE … WRITE) across the moment the next slot goes on air: the blocking
// reload that lists it is answered only once the shared record holds it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createClient } from 'redis';
import { readLowLatency } from '../ll-hls/support.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { leaseHolder, startReplicaProcess, until, type ReplicaProcess } from '../support/replicas.ts';

const CHANNEL = 'sport';
const PLAYLIST = `/hls/live/${CHANNEL}/v360/index.m3u8`;
/** A renewal period longer than the pause: the wait for Redis is bounded by it (then the answer goes anyway). */
const RENEW_MS = 1500;
const PAUSE_MS = 1000;

let redis: TestRedis;
let client: ReturnType<typeof createClient>;
let replica: ReplicaProcess | undefined;

beforeAll(async () => {
  await ensureTestMedia();
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
  replica = await startReplicaProcess({
    id: 'a',
    redisUrl: redis.url,
    leaseMs: 6000,
    renewMs: RENEW_MS,
    adminToken: 'shared-first-admin-token-0123',
    ingest: true,
  });
  await until('A to hold the lease', async () => ((await leaseHolder(client, CHANNEL)) === 'a' ? true : undefined));
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await replica?.stop();
  await client?.quit().catch(() => undefined);
  await redis?.stop();
});

/** The newest slot the shared record holds. */
async function newestShared(): Promise<number> {
  const record = JSON.parse((await client.get(`citetv:live:slots:${CHANNEL}`)) ?? '{"slots":[]}') as {
    slots: { sequence: number }[];
  };
  return Math.max(-1, ...record.slots.map((s) => s.sequence));
}

test('a blocking reload that lists a new slot is answered once the shared record holds it, Redis slow to write', async () => {
  const ll = readLowLatency(await (await fetch(`${replica!.url}${PLAYLIST}`)).text());
  const last = ll.segments.at(-1)!;
  // The slot after the one being made: no feed, so slots follow the clock's 2 s boundaries.
  const next = last.msn + 2;
  const startsAt = last.programDateTime + 4000;
  // Held until its first part is out (its slot's start + a part).
  const answer = fetch(`${replica!.url}${PLAYLIST}?_HLS_msn=${next}&_HLS_part=0`).then(async (res) => ({
    status: res.status,
    text: await res.text(),
    newest: await newestShared(),
    at: Date.now(),
  }));
  answer.catch(() => undefined); // awaited below
  // Writes paused from just before that slot starts until well after its first part is out.
  await new Promise((r) => setTimeout(r, Math.max(0, startsAt - 200 - Date.now())));
  const pausedAt = Date.now();
  await client.sendCommand(['CLIENT', 'PAUSE', String(PAUSE_MS), 'WRITE']);
  const got = await answer;
  expect(got.status).toBe(200);
  expect(readLowLatency(got.text).parts.some((p) => p.msn === next && p.part === 0)).toBe(true);
  // Read as the answer came (reads are not paused): the record already holds the slot it lists.
  process.stderr.write(
    `[replica-shared-first] slot ${next} answered ${got.at - pausedAt} ms after the pause began; the record's newest ${got.newest}\n`,
  );
  expect(got.newest).toBeGreaterThanOrEqual(next);
}, 60_000);
