// A replay made from a live points at the live's own segment URLs. Those must keep answering
// long after the live route's retention has moved on, for as long as the replay is published;
// segments of the same age that no replay holds still answer 404.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { parseMediaPlaylistUris } from '../support/hls.ts';
import { publishLiveReplay, staffClient } from '../support/staff-api.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'test-admin-token-archive-0123';
let origin: TestOrigin;
let store: MemoryRecordStore;
let clockMs = Date.now();

beforeAll(async () => {
  store = new MemoryRecordStore();
  await store.ready();
  await seedOnce(store, () => ({
    records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, clockMs),
    atIso: new Date(clockMs).toISOString(),
  }));
  // Retention of 20 segments (40 s) so the test can move time past it.
  origin = await startOrigin({ store, staffAdminToken: ADMIN, now: () => clockMs, live: { retentionSegments: 20 } });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await origin?.close();
  await store?.close();
});

const staff = staffClient(() => origin.url, ADMIN);

test('a published replay plays after its live segments left the retention; unrecorded old segments do not', async () => {
  const replay = await publishLiveReplay(
    staff,
    { channelId: 'business', title: 'Archive test', nowMs: clockMs },
    () => {
      clockMs += 20_000; // ten segments of live
    },
  );

  const mediaPath = replay.playbackUrl.replace('master.m3u8', 'v240/index.m3u8');
  const uris = parseMediaPlaylistUris(await (await fetch(origin.url + mediaPath)).text());
  const first = new URL(itemAt(uris, 0), origin.url + mediaPath).pathname;
  expect(first).toMatch(/^\/hls\/live\/business\/v240\/\d+\.ts$/);
  const firstSequence = Number(/(\d+)\.ts$/.exec(first)![1]);

  clockMs += 3_600_000; // an hour later: far beyond 20 segments of retention
  const archived = await fetch(origin.url + first);
  expect(archived.status).toBe(200);
  expect(new Uint8Array(await archived.arrayBuffer())[0]).toBe(0x47);
  const notRecorded = await fetch(`${origin.url}/hls/live/business/v240/${firstSequence - 100}.ts`);
  expect(notRecorded.status).toBe(404);
  const otherChannel = await fetch(`${origin.url}/hls/live/sport/v240/${firstSequence}.ts`);
  expect(otherChannel.status).toBe(404);
}, 60_000);
