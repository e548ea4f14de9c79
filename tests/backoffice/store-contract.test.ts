// The store contract: the SAME tests against the memory store and a real redis-server. What the
// back office relies on: records come back as written (and as copies), a Change is applied
// entirely or not at all, expectations make racing writes fail, the audit log pages newest
// first, images keep their bytes, seeding happens once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';
import { StoreConflictError, StoreUnavailableError } from '../../edge-origin/src/origin/store/records.ts';
import type { AuditEntry, StoredEvent } from '../../edge-origin/src/origin/store/records.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { RecordCatalog } from '../../edge-origin/src/origin/catalog/record-catalog.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let redis: TestRedis;
const opened: RecordStore[] = [];
let prefixCounter = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis?.stop();
});

/** A fresh, empty store of each kind (Redis: a new key prefix on the shared server). */
const kinds: [string, () => Promise<RecordStore>][] = [
  ['memory', async () => new MemoryRecordStore()],
  [
    'redis',
    async () => {
      const store = new RedisRecordStore({ url: redis.url, prefix: `contract${++prefixCounter}:`, log: () => {} });
      opened.push(store);
      await store.ready();
      return store;
    },
  ],
];

const event = (id: string, patch: Partial<StoredEvent> = {}): StoredEvent => ({
  id,
  channelId: 'sport',
  title: `Événement ${id}`,
  venue: 'Salle Léo-Lagrange',
  description: '',
  poster: '/images/logos/sport.png',
  startsAt: '2026-11-28T20:00:00.000Z',
  endsAt: '2026-11-28T22:00:00.000Z',
  status: 'scheduled',
  ...patch,
});

const audit = (n: number): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 28, 20, 0, n)).toISOString(),
  actor: { tokenId: 'abc', label: 'test', role: 'editor' },
  action: 'event.edit',
  target: { kind: 'event', id: `e${n}` },
});

describe.each(kinds)('%s record store', (_kind, open) => {
  test('a record comes back as written, as a copy', async () => {
    const store = await open();
    expect(await store.get('events', 'a')).toBeNull();
    expect(await store.list('events')).toEqual([]);
    const a = event('a', { recording: { channelId: 'sport', firstSequence: 12 } });
    await store.commit({ put: [{ collection: 'events', id: 'a', value: a }] });
    const read = await store.get('events', 'a');
    expect(read).toEqual(a);
    read!.title = 'changed by the caller';
    expect((await store.get('events', 'a'))!.title).toBe('Événement a');
    expect(await store.list('events')).toEqual([a]);
  });

  test('a Change whose expectation fails stores nothing (records, images, audit)', async () => {
    const store = await open();
    await store.commit({ put: [{ collection: 'events', id: 'a', value: event('a') }] });
    const attempt = store.commit({
      expect: [
        { collection: 'events', id: 'a', value: event('a') },
        { collection: 'events', id: 'b', value: event('b') }, // b does not exist: fails
      ],
      put: [
        { collection: 'events', id: 'a', value: event('a', { title: 'nouveau' }) },
        { collection: 'replays', id: 'r', value: { id: 'r' } },
      ],
      images: [{ key: 'x', bytes: new Uint8Array([1, 2, 3]) }],
      audit: audit(1),
    });
    await expect(attempt).rejects.toBeInstanceOf(StoreConflictError);
    expect((await store.get('events', 'a'))!.title).toBe('Événement a');
    expect(await store.get('replays', 'r')).toBeNull();
    expect(await store.getImage('x')).toBeNull();
    expect((await store.listAudit(0, 10)).total).toBe(0);
  });

  test('expectations: absent (null) and exact value; two racing writers, one wins', async () => {
    const store = await open();
    await store.commit({
      expect: [{ collection: 'events', id: 'a', value: null }],
      put: [{ collection: 'events', id: 'a', value: event('a') }],
    });
    await expect(
      store.commit({ expect: [{ collection: 'events', id: 'a', value: null }], put: [] }),
    ).rejects.toBeInstanceOf(StoreConflictError);
    const before = (await store.get('events', 'a'))!;
    const results = await Promise.allSettled(
      ['x', 'y', 'z'].map((t) =>
        store.commit({
          expect: [{ collection: 'events', id: 'a', value: before }],
          put: [{ collection: 'events', id: 'a', value: { ...before, title: t } }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason instanceof StoreConflictError),
    ).toBe(true);
    expect(['x', 'y', 'z']).toContain((await store.get('events', 'a'))!.title);
  });

  test('remove deletes a record, with the rest of the Change; not when an expectation fails', async () => {
    const store = await open();
    await store.commit({
      put: [
        { collection: 'events', id: 'a', value: event('a') },
        { collection: 'events', id: 'b', value: event('b') },
      ],
    });
    const refused = store.commit({
      expect: [{ collection: 'events', id: 'a', value: event('a', { title: 'autre' }) }],
      remove: [{ collection: 'events', id: 'a' }],
    });
    await expect(refused).rejects.toBeInstanceOf(StoreConflictError);
    expect(await store.get('events', 'a')).toEqual(event('a'));
    await store.commit({
      expect: [{ collection: 'events', id: 'a', value: event('a') }],
      remove: [
        { collection: 'events', id: 'a' },
        { collection: 'events', id: 'never-was' },
      ],
      audit: audit(1),
    });
    expect(await store.get('events', 'a')).toBeNull();
    expect(await store.list('events')).toEqual([event('b')]);
    expect((await store.listAudit(0, 10)).total).toBe(1);
    // Gone means absent: the id can be created again under an expectation of null.
    await store.commit({
      expect: [{ collection: 'events', id: 'a', value: null }],
      put: [{ collection: 'events', id: 'a', value: event('a') }],
    });
    expect(await store.get('events', 'a')).toEqual(event('a'));
  });

  test('the audit log: newest first, paged, with its total', async () => {
    const store = await open();
    for (let n = 1; n <= 5; n++) await store.commit({ audit: audit(n) });
    const first = await store.listAudit(0, 2);
    expect(first.total).toBe(5);
    expect(first.entries.map((e) => e.target.id)).toEqual(['e5', 'e4']);
    expect((await store.listAudit(4, 2)).entries.map((e) => e.target.id)).toEqual(['e1']);
  });

  test('images keep every byte', async () => {
    const store = await open();
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 37) % 256);
    await store.commit({ images: [{ key: 'poster:k:card', bytes }] });
    expect(Buffer.from((await store.getImage('poster:k:card'))!).equals(Buffer.from(bytes))).toBe(true);
  });

  test('seeding happens once and never overwrites later edits', async () => {
    const store = await open();
    const seed = () => ({
      records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, Date.UTC(2026, 10, 28, 19)),
      atIso: '2026-11-28T19:00:00.000Z',
    });
    expect(await seedOnce(store, seed)).toBe(true);
    const catalog = new RecordCatalog(store);
    expect((await catalog.listChannels()).map((c) => c.id)).toEqual(['sport', 'culture', 'business', 'agglo']);
    const first = itemAt(await store.list('events'), 0);
    await store.commit({
      put: [{ collection: 'events', id: first.id, value: { ...first, title: 'Édité par la régie' } }],
    });
    expect(await seedOnce(store, seed)).toBe(false);
    expect((await store.get('events', first.id))!.title).toBe('Édité par la régie');
  });

  test('the catalog view leaves internal fields out', async () => {
    const store = await open();
    await store.commit({
      put: [
        {
          collection: 'events',
          id: 'a',
          value: event('a', { recording: { channelId: 'sport', firstSequence: 3, lastSequence: 9 } }),
        },
      ],
    });
    const catalog = new RecordCatalog(store);
    expect(await catalog.getEvent('a')).not.toHaveProperty('recording');
    expect((await catalog.listEvents({ channelId: 'sport' })).map((e) => e.id)).toEqual(['a']);
    expect(await catalog.listEvents({ channelId: 'culture' })).toEqual([]);
  });
});

describe('redis store across restarts and outages', () => {
  test('data written by one client is read by a new one (an origin restart)', async () => {
    const writer = new RedisRecordStore({ url: redis.url, prefix: 'restart:', log: () => {} });
    await writer.ready();
    await writer.commit({ put: [{ collection: 'events', id: 'kept', value: event('kept') }], audit: audit(1) });
    await writer.close();
    const reader = new RedisRecordStore({ url: redis.url, prefix: 'restart:', log: () => {} });
    opened.push(reader);
    await reader.ready();
    expect((await reader.get('events', 'kept'))!.title).toBe('Événement kept');
    expect((await reader.listAudit(0, 5)).total).toBe(1);
  });

  test('Redis down: writes fail at once with StoreUnavailableError, reads answer the last data, and it recovers', async () => {
    const logs: string[] = [];
    const store = new RedisRecordStore({ url: redis.url, prefix: 'outage:', log: (m) => logs.push(m) });
    opened.push(store);
    await store.ready();
    await store.commit({ put: [{ collection: 'events', id: 'a', value: event('a') }] });
    expect(await store.list('events')).toHaveLength(1);

    await redis.crash();
    try {
      await expect(
        store.commit({ put: [{ collection: 'events', id: 'b', value: event('b') }] }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      expect((await store.list('events')).map((e) => e.id)).toEqual(['a']);
      expect((await store.get('events', 'a'))!.id).toBe('a');
      expect(logs.some((l) => l.includes('unreachable'))).toBe(true);
    } finally {
      await redis.restart();
    }
    await store.ready(10_000);
    await store.commit({ put: [{ collection: 'events', id: 'b', value: event('b') }] });
    expect((await store.list('events')).map((e) => e.id).sort()).toEqual(['a', 'b']);
  });

  test('a store that never reached Redis: writes 503-style error, the client does not throw elsewhere', async () => {
    const store = new RedisRecordStore({ url: 'redis://127.0.0.1:1', log: () => {} });
    opened.push(store);
    await expect(store.commit({ put: [] })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.list('events')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ready(200)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
