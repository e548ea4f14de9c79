// The participative screen's parts that run on the clock, with a clock the test moves: the
// retention sweep (photo, record and code deleted once the event's window closed long enough ago,
// not before), the memory limiter's windows, and a bad setting refused by its name.
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContributionsConfig } from '../../edge-origin/src/origin/contributions/config.ts';
import { MemoryFeed } from '../../edge-origin/src/origin/contributions/feed.ts';
import { MemoryLimiter } from '../../edge-origin/src/origin/contributions/limiter.ts';
import { MediaFolder } from '../../edge-origin/src/origin/contributions/media-folder.ts';
import { ContributionsService } from '../../edge-origin/src/origin/contributions/service.ts';
import { MemoryRecordStore } from '../../edge-origin/src/origin/store/memory-record-store.ts';
import type { StoredEvent } from '../../edge-origin/src/origin/store/records.ts';
import { testJpeg } from '../support/contributions.ts';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'cite-tv-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retention', () => {
  test('the sweep deletes an event’s contributions retentionHours after its window closed, not before', async () => {
    let now = Date.parse('2026-12-05T18:00:00Z');
    const store = new MemoryRecordStore();
    const config = loadContributionsConfig({ overrides: { mediaDir: dir, retentionHours: 2 } });
    const media = new MediaFolder(dir, config.mediaMaxBytes);
    const service = new ContributionsService({
      store,
      config,
      limiter: new MemoryLimiter(() => now),
      feed: new MemoryFeed(10),
      media,
      now: () => now,
    });
    const event = { id: 'match-1', title: 'Match', venue: 'Salle' } as StoredEvent;
    const iso = (ms: number) => new Date(ms).toISOString();
    await store.commit({
      put: [
        { collection: 'events', id: event.id, value: event },
        {
          collection: 'contributionSettings',
          id: event.id,
          value: {
            id: event.id,
            opensAt: iso(now - HOUR),
            closesAt: iso(now + HOUR),
            trusted: false,
            shortCode: 'abcde',
          },
        },
      ],
    });
    const sent = await service.submit({
      eventId: event.id,
      deviceId: 'device-retention-1',
      address: '192.0.2.1',
      firstName: 'Léo',
      message: '',
      termsAccepted: true,
      photo: testJpeg(320, 240),
    });
    const file = join(dir, event.id, `${sent.id}.jpg`);
    expect(existsSync(file)).toBe(true);
    expect(await media.used()).toBeGreaterThan(0);

    now += 2 * HOUR; // closed an hour ago: kept
    expect(await service.sweep()).toBe(0);
    expect(existsSync(file)).toBe(true);

    now += 2 * HOUR; // closed three hours ago: gone
    expect(await service.sweep()).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(await store.get('contributions', sent.id)).toBeNull();
    expect(await store.list('contributionCodes')).toEqual([]);
    expect(await media.used()).toBe(0);
  });
});

describe('the memory limiter', () => {
  test('counts within a window, refuses past the limit with the seconds left, and forgets after it', async () => {
    let now = 0;
    const limiter = new MemoryLimiter(() => now);
    const takes = [];
    for (let i = 0; i < 4; i++) takes.push(await limiter.take('dev:a', 1, 3, 60));
    expect(takes.map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(takes[3]?.retryAfter).toBe(60);
    expect((await limiter.take('dev:b', 1, 3, 60)).allowed).toBe(true);
    now += 45_000;
    expect(await limiter.take('dev:a', 1, 3, 60)).toEqual({ allowed: false, retryAfter: 15 });
    now += 15_000;
    expect((await limiter.take('dev:a', 1, 3, 60)).allowed).toBe(true);
  });
});

test('a bad setting stops the origin with its environment name', () => {
  expect(() =>
    loadContributionsConfig({ env: { CONTRIB_MAX_PIXELS: 'beaucoup' }, overrides: { mediaDir: dir } }),
  ).toThrow(/maxPixels \(env CONTRIB_MAX_PIXELS\)/);
});
