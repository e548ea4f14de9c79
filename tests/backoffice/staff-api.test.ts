// The staff API on a real origin, over HTTP, on the memory store and on a real Redis: auth and
// roles, every kind of bad input (400 with the field, 401/403/409/413/415) with nothing stored
// after a refusal, the audit log, poster uploads, the OpenAPI document, and the TV-facing
// search/schedule/paging the back office feeds.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ApiError,
  Highlight,
  LiveEvent,
  Replay,
  ScheduleResponse,
  SearchResponse,
} from '../../shared/catalog/types.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { recordStoreKinds } from '../support/record-stores.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'test-admin-token-0123456789';
let redis: TestRedis;
let images: string;

beforeAll(async () => {
  redis = await startRedis();
  images = mkdtempSync(join(tmpdir(), 'cite-tv-posters-'));
  const ffmpeg = (out: string, size: string) =>
    execFileSync('/usr/bin/ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}`,
      '-frames:v',
      '1',
      '-y',
      join(images, out),
    ]);
  ffmpeg('poster.png', '800x600');
  ffmpeg('poster.jpg', '640x480');
  ffmpeg('poster.webp', '640x360');
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  rmSync(images, { recursive: true, force: true });
});

type StaffEvent = LiveEvent & { storedStatus: string };
const stores = recordStoreKinds(() => redis.url);

describe.each(stores)('staff API on the %s store', (kind, openStore) => {
  let origin: TestOrigin;
  let store: RecordStore;
  const prefix = `staff-${kind}-${Date.now()}:`;

  beforeAll(async () => {
    store = await openStore(prefix);
    await store.ready();
    await seedOnce(store, () => ({
      records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, Date.now()),
      atIso: new Date().toISOString(),
    }));
    origin = await startOrigin({ store, staffAdminToken: ADMIN });
  }, MEDIA_TIMEOUT_MS);
  afterAll(async () => {
    await origin?.close();
    await store?.close();
  });

  async function call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = ADMIN,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${origin.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
  }

  /** What a refused write must leave behind: the same events and the same audit log. */
  async function snapshot() {
    const events = await call<{ events: StaffEvent[] }>('GET', '/staff/events');
    const auditLog = await call<{ total: number }>('GET', '/staff/audit?limit=1');
    return { events: events.body.events, audit: auditLog.body.total };
  }

  async function expectRefused(
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
    field?: string,
    token: string | null = ADMIN,
  ) {
    const before = await snapshot();
    const answer = await call<ApiError>(method, path, body, token);
    expect({ path, status: answer.status, code: answer.body.error.code }).toEqual({ path, status, code });
    expect(answer.body.error.message.length).toBeGreaterThan(5);
    if (field) expect(answer.body.error.field).toBe(field);
    expect(await snapshot()).toEqual(before);
    return answer.body;
  }

  const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
  const inThreeHours = () => new Date(Date.now() + 3 * 3600_000).toISOString();
  const newEvent = (patch: Record<string, unknown> = {}) => ({
    channelId: 'culture',
    title: 'Concert test',
    venue: 'Salle',
    startsAt: inAnHour(),
    endsAt: inThreeHours(),
    ...patch,
  });

  test('auth: missing, unknown and revoked tokens get 401; an editor gets 403 on admin routes', async () => {
    const none = await call<ApiError>('POST', '/staff/events', newEvent(), null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call<ApiError>('GET', '/staff/events', undefined, 'not-a-token')).status).toBe(401);

    const created = await call<{ id: string; token: string; role: string }>('POST', '/staff/tokens', {
      label: 'Régie Culture',
      role: 'editor',
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^ctv_/);
    const editor = created.body.token;
    expect((await call('GET', '/staff/events', undefined, editor)).status).toBe(200);
    expect((await call<ApiError>('GET', '/staff/audit', undefined, editor)).body.error.code).toBe('forbidden');
    expect((await call('POST', '/staff/tokens', { label: 'x', role: 'admin' }, editor)).status).toBe(403);
    const tokens = await call<{ tokens: { id: string; label: string }[] }>('GET', '/staff/tokens');
    expect(JSON.stringify(tokens.body)).not.toContain(editor);
    expect(tokens.body.tokens.map((t) => t.label)).toContain('Régie Culture');

    expect((await call('DELETE', `/staff/tokens/${created.body.id}`)).status).toBe(200);
    const revoked = await call<ApiError>('GET', '/staff/events', undefined, editor);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('revoked_token');
    await expectRefused('DELETE', `/staff/tokens/${created.body.id}`, undefined, 409, 'already_revoked');
  });

  test('bad event input: 400 with the field, nothing stored', async () => {
    await expectRefused('POST', '/staff/events', newEvent({ title: '' }), 400, 'invalid_request', 'title');
    await expectRefused(
      'POST',
      '/staff/events',
      newEvent({ channelId: 'tennis' }),
      400,
      'invalid_request',
      'channelId',
    );
    await expectRefused(
      'POST',
      '/staff/events',
      newEvent({ startsAt: 'demain soir' }),
      400,
      'invalid_request',
      'startsAt',
    );
    await expectRefused(
      'POST',
      '/staff/events',
      newEvent({ endsAt: new Date(Date.now() + 60_000).toISOString() }),
      400,
      'invalid_request',
      'endsAt',
    );
    await expectRefused('POST', '/staff/events', newEvent({ status: 'live' }), 400, 'invalid_request', 'status');
    await expectRefused(
      'POST',
      '/staff/events',
      newEvent({ poster: '/images/uploads/000000000000000000000000/card.jpg' }),
      400,
      'unknown_image',
      'poster',
    );
    await expectRefused(
      'POST',
      '/staff/events',
      newEvent({ poster: 'http://evil.example/x.jpg' }),
      400,
      'invalid_request',
      'poster',
    );
    await expectRefused(
      'POST',
      '/staff/events',
      newEvent({ sponsorId: 'nobody' }),
      400,
      'unknown_sponsor',
      'sponsorId',
    );
    await expectRefused('POST', '/staff/events', '{"channelId": "sport", ', 400, 'invalid_body', 'body');
    await expectRefused('PATCH', '/staff/events/no-such-event', { title: 'x' }, 404, 'event_not_found', 'id');
    await expectRefused('PATCH', '/staff/events/BAD%20ID', { title: 'x' }, 400, 'invalid_id', 'id');
  });

  test('the lifecycle: transitions that make no sense answer 409 with a clear message, and change nothing', async () => {
    const created = await call<StaffEvent>('POST', '/staff/events', newEvent({ title: 'Soirée slam test' }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.storedStatus).toBe('scheduled');
    await expectRefused('POST', `/staff/events/${id}/stop`, {}, 409, 'not_live');
    await expectRefused('POST', `/staff/events/${id}/publish`, {}, 409, 'not_ended');

    expect((await call('POST', `/staff/events/${id}/start`, {})).status).toBe(200);
    const twice = await expectRefused('POST', `/staff/events/${id}/start`, {}, 409, 'already_live');
    expect(twice.error.message).toMatch(/déjà commencé/);
    await expectRefused('POST', `/staff/events/${id}/cancel`, {}, 409, 'not_cancellable');

    // Racing starts of the same event: exactly one wins (atomic check-and-write).
    const race = await call<StaffEvent>('POST', '/staff/events', newEvent({ title: 'Course', channelId: 'sport' }));
    const answers = await Promise.all(
      [1, 2, 3].map(() => call<ApiError>('POST', `/staff/events/${race.body.id}/start`, {})),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    expect((await call('POST', `/staff/events/${race.body.id}/stop`, {})).status).toBe(200);

    // One live per channel.
    const other = await call<StaffEvent>('POST', '/staff/events', newEvent({ title: 'Autre concert' }));
    await expectRefused('POST', `/staff/events/${other.body.id}/start`, {}, 409, 'channel_busy');

    expect((await call('POST', `/staff/events/${id}/stop`, {})).status).toBe(200);
    const ended = await expectRefused(
      'POST',
      `/staff/events/${id}/reschedule`,
      { startsAt: inAnHour(), endsAt: inThreeHours() },
      409,
      'not_reschedulable',
    );
    expect(ended.error.message).toMatch(/terminé ne peut pas être reprogrammé/);
    await expectRefused(
      'POST',
      `/staff/events/${id}/publish`,
      { chapters: [{ title: 'Trop tard', start: 99_999 }] },
      400,
      'invalid_request',
      'chapters.0.start',
    );

    const replay = await call<Replay>('POST', `/staff/events/${id}/publish`, {
      chapters: [{ title: 'Ouverture', start: 0 }],
    });
    expect(replay.status).toBe(201);
    expect(replay.body.playbackUrl).toBe(`/hls/vod/${replay.body.id}/master.m3u8`);
    await expectRefused('POST', `/staff/events/${id}/publish`, {}, 409, 'already_published');
    await expectRefused(
      'PATCH',
      `/staff/replays/${replay.body.id}`,
      { chapters: [{ title: 'x', start: 1e6 }] },
      400,
      'invalid_request',
      'chapters.0.start',
    );
    await expectRefused('PATCH', `/staff/replays/${replay.body.id}`, {}, 400, 'invalid_request', 'body');
    const renamed = await call<Replay>('PATCH', `/staff/replays/${replay.body.id}`, {
      title: 'Soirée slam (intégrale)',
    });
    expect(renamed.body.title).toBe('Soirée slam (intégrale)');
    expect((await call<Replay>('GET', `/replays/${replay.body.id}`, undefined, null)).body.title).toBe(
      'Soirée slam (intégrale)',
    );

    await expectRefused(
      'POST',
      '/staff/highlights',
      { replayId: 'no-such-replay', title: 'x', in: 0, out: 2 },
      400,
      'unknown_replay',
      'replayId',
    );
    await expectRefused(
      'POST',
      '/staff/highlights',
      { replayId: replay.body.id, title: 'x', in: 4, out: 2 },
      400,
      'invalid_request',
      'out',
    );
    await expectRefused(
      'POST',
      '/staff/highlights',
      { replayId: replay.body.id, title: 'x', in: 0, out: replay.body.duration + 10 },
      400,
      'invalid_request',
      'out',
    );
    await expectRefused(
      'POST',
      '/staff/highlights',
      { replayId: replay.body.id, title: 'x', in: -1, out: 2 },
      400,
      'invalid_request',
      'in',
    );

    // Reschedule and cancel a scheduled one; then it cannot be rescheduled or started.
    const moved = await call<StaffEvent>('POST', `/staff/events/${other.body.id}/reschedule`, {
      startsAt: inThreeHours(),
      endsAt: new Date(Date.now() + 5 * 3600_000).toISOString(),
    });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.startsAt)).toBeGreaterThan(Date.parse(other.body.startsAt));
    expect((await call('POST', `/staff/events/${other.body.id}/cancel`, { reason: 'Intempéries' })).status).toBe(200);
    await expectRefused('POST', `/staff/events/${other.body.id}/start`, {}, 409, 'not_startable');
    const tv = await call<LiveEvent>('GET', `/events/${other.body.id}`, undefined, null);
    expect(tv.body.status).toBe('cancelled');
  });

  test('highlights of a seeded replay cut at segment boundaries', async () => {
    const replays = await call<{ items: Replay[] }>('GET', '/replays?channel=sport', undefined, null);
    const source = itemAt(replays.body.items, 0);
    const clip = await call<Highlight>('POST', '/staff/highlights', {
      replayId: source.id,
      title: 'Le but de la soirée',
      in: 3,
      out: 9,
    });
    expect(clip.status).toBe(201);
    expect(clip.body).toMatchObject({ replayId: source.id, channelId: 'sport', inPoint: 2, outPoint: 10, duration: 8 });
    const playlist = await (await fetch(`${origin.url}/hls/vod/${clip.body.id}/v360/index.m3u8`)).text();
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(playlist).toContain('#EXT-X-ENDLIST');
    expect(playlist.split('\n').filter((l) => l.endsWith('.ts'))).toEqual(
      [1, 2, 3, 4].map((i) => `/hls/vod/${source.id}/v360/${i}.ts`),
    );
  });

  test('posters: checked by their bytes and size, resized to the TV sizes, served for a year', async () => {
    const upload = (bytes: Uint8Array | Buffer, type: string) =>
      fetch(`${origin.url}/api/v1/staff/posters`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': type },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
    const before = await snapshot();
    const refusals: [Uint8Array | Buffer, string, number, string][] = [
      [readFileSync(join(images, 'poster.png')), 'image/jpeg', 415, 'content-type'],
      [Buffer.from('<html>not an image</html>'), 'image/png', 415, 'body'],
      [
        Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 7)]),
        'image/png',
        400,
        'body',
      ],
      [Buffer.alloc(5 * 1024 * 1024 + 1, 0xff), 'image/jpeg', 413, 'body'],
      [Buffer.alloc(0), 'image/png', 400, 'body'],
    ];
    for (const [bytes, type, status, field] of refusals) {
      const response = await upload(bytes, type);
      const body = (await response.json()) as ApiError;
      expect({ status: response.status, field: body.error.field }).toEqual({ status, field });
    }
    expect(await snapshot()).toEqual(before);

    for (const [file, type] of [
      ['poster.png', 'image/png'],
      ['poster.jpg', 'image/jpeg'],
      ['poster.webp', 'image/webp'],
    ] as const) {
      const response = await upload(readFileSync(join(images, file)), type);
      expect(response.status).toBe(201);
      const { poster, hero } = (await response.json()) as { poster: string; hero: string };
      expect(poster).toMatch(/^\/images\/uploads\/[0-9a-f]{24}\/card\.jpg$/);
      for (const [path, size] of [
        [poster, '400x225'],
        [hero, '1280x720'],
      ] as const) {
        const image = await fetch(origin.url + path);
        expect(image.status).toBe(200);
        expect(image.headers.get('content-type')).toBe('image/jpeg');
        expect(image.headers.get('cache-control')).toContain('immutable');
        const dir = mkdtempSync(join(images, 'check-'));
        const out = join(dir, 'x.jpg');
        writeFileSync(out, Buffer.from(await image.arrayBuffer()));
        const probe = execFileSync('/usr/bin/ffprobe', [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-show_entries',
          'stream=width,height',
          '-of',
          'csv=p=0:s=x',
          out,
        ])
          .toString()
          .trim();
        expect(probe).toBe(size);
      }
      if (file === 'poster.png') {
        const edited = await call<StaffEvent>('POST', '/staff/events', newEvent({ title: 'Avec affiche', poster }));
        expect(edited.status).toBe(201);
        expect(edited.body.poster).toBe(poster);
      }
    }
  });

  test('every write is in the audit log: who, what, when', async () => {
    const log = await call<{
      items: { at: string; actor: { label: string; role: string }; action: string; target: { id: string } }[];
      total: number;
      next: string | null;
    }>('GET', '/staff/audit?limit=100');
    expect(log.status).toBe(200);
    const actions = log.body.items.map((e) => e.action);
    for (const action of [
      'token.create',
      'token.revoke',
      'event.create',
      'event.start',
      'event.stop',
      'replay.publish',
      'replay.edit',
      'highlight.create',
      'poster.upload',
      'event.cancel',
      'event.reschedule',
    ]) {
      expect(actions).toContain(action);
    }
    expect(itemAt(log.body.items, 0).actor).toEqual({
      tokenId: 'bootstrap',
      label: 'STAFF_ADMIN_TOKEN',
      role: 'admin',
    });
    const times = log.body.items.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const page = await call<{ items: unknown[]; next: string | null }>('GET', '/staff/audit?limit=2');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.next).toBe('/api/v1/staff/audit?offset=2&limit=2');
  });

  test('TV side: search ignores accents and case, schedule covers 7 days, lists page with a next link, Surrogate-Key on every answer', async () => {
    const created = await call<StaffEvent>(
      'POST',
      '/staff/events',
      newEvent({ title: 'Grand Événement de Noël', channelId: 'agglo' }),
    );
    const search = await call<SearchResponse>('GET', '/search?q=EVENEMENT%20noel', undefined, null);
    expect(search.status).toBe(200);
    expect(search.body.items.map((h) => (h.kind === 'event' ? h.event.id : null))).toContain(created.body.id);
    expect(search.headers.get('surrogate-key')).toContain('catalog');
    expect((await call<ApiError>('GET', '/search?q=', undefined, null)).body.error.field).toBe('q');

    const schedule = await call<ScheduleResponse>(
      'GET',
      `/schedule?from=${encodeURIComponent(new Date().toISOString())}&days=7`,
      undefined,
      null,
    );
    expect(schedule.status).toBe(200);
    const ids = schedule.body.days.flatMap((d) => d.events.map((e) => e.id));
    expect(ids).toContain(created.body.id);
    expect(Date.parse(schedule.body.to) - Date.parse(schedule.body.from)).toBe(7 * 86_400_000);
    expect((await call<ApiError>('GET', '/schedule?days=90', undefined, null)).body.error.field).toBe('days');

    const page1 = await call<{ items: Replay[]; total: number; next: string | null }>(
      'GET',
      '/replays?limit=1',
      undefined,
      null,
    );
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.total).toBeGreaterThan(1);
    expect(page1.body.next).toBe('/api/v1/replays?limit=1&offset=1');
    const page2 = await call<{ items: Replay[] }>('GET', page1.body.next!.replace('/api/v1', ''), undefined, null);
    expect(itemAt(page2.body.items, 0).id).not.toBe(itemAt(page1.body.items, 0).id);

    const detail = await call('GET', `/events/${created.body.id}`, undefined, null);
    expect(detail.headers.get('surrogate-key')).toContain(`event-${created.body.id}`);
    expect(detail.headers.get('etag')).toMatch(/^"[^"]+"$/);
  });

  test('the OpenAPI document lists the staff routes with the request schemas that validate them', async () => {
    const doc = await call<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    }>('GET', '/openapi.json', undefined, null);
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    for (const path of [
      '/staff/events',
      '/staff/events/{id}',
      '/staff/replays/{id}',
      '/staff/events/{id}/start',
      '/staff/events/{id}/stop',
      '/staff/events/{id}/publish',
      '/staff/events/{id}/reschedule',
      '/staff/highlights',
      '/staff/posters',
      '/staff/tokens',
      '/staff/audit',
      '/staff/ads/campaigns',
      '/staff/ads/replays/{id}/breaks',
      '/staff/audience/now',
      '/staff/audience/events/{id}/report',
      '/home',
      '/schedule',
      '/search',
    ]) {
      expect(Object.keys(paths)).toContain(path);
    }
    expect(paths['/staff/events']!.post!.requestBody!.content['application/json']!.schema.$ref).toBe(
      '#/components/schemas/EventCreate',
    );
    const create = doc.body.components.schemas.EventCreate!;
    expect(Object.keys(create.properties!)).toEqual(
      expect.arrayContaining(['channelId', 'title', 'venue', 'description', 'startsAt', 'endsAt', 'poster']),
    );
    expect(create.required).toEqual(expect.arrayContaining(['channelId', 'title', 'startsAt', 'endsAt']));
    expect(Object.keys(doc.body.components.schemas.HighlightCreate!.properties!)).toEqual(
      expect.arrayContaining(['replayId', 'title', 'in', 'out']),
    );
    expect(Object.keys(paths['/staff/posters']!.post!.requestBody!.content)).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
    ]);
    // What the régie takes back: unpublish, a highlight's edit and deletion, a campaign's edit, a break's cancellation.
    expect(Object.keys(paths['/staff/replays/{id}']!)).toEqual(expect.arrayContaining(['patch', 'delete']));
    expect(Object.keys(paths['/staff/highlights/{id}']!)).toEqual(expect.arrayContaining(['patch', 'delete']));
    expect(Object.keys(paths['/staff/ads/campaigns/{id}']!)).toContain('patch');
    expect(Object.keys(paths['/staff/ads/breaks/{id}']!)).toContain('delete');
    expect(Object.keys(doc.body.components.schemas.HighlightPatch!.properties!)).toEqual(['title', 'in', 'out']);
    expect(Object.keys(doc.body.components.schemas.CampaignPatch!.properties!)).toContain('paused');
  });

  if (kind === 'redis') {
    test('Redis down: writes answer 503 and store nothing, the TV API keeps answering, and data survives an origin restart', async () => {
      const created = await call<StaffEvent>('POST', '/staff/events', newEvent({ title: 'Survit au redémarrage' }));
      await call('GET', '/home', undefined, null); // the origin has read the catalog at least once
      await redis.crash();
      try {
        const refused = await call<ApiError>('POST', '/staff/events', newEvent({ title: 'Pendant la panne' }));
        expect(refused.status).toBe(503);
        expect(refused.body.error.code).toBe('store_unavailable');
        expect(refused.body.error.message).toMatch(/Redis/);
        const home = await call<{ channels: unknown[] }>('GET', '/home', undefined, null);
        expect(home.status).toBe(200);
        expect(home.body.channels).toHaveLength(4);
      } finally {
        await redis.restart();
      }
      await store.ready(10_000);
      // Restart: a new origin (and a new Redis client, as a new process would have) on the same Redis.
      await origin.close();
      await store.close();
      store = await openStore(prefix);
      await store.ready();
      origin = await startOrigin({ store, staffAdminToken: ADMIN });
      const back = await call<LiveEvent>('GET', `/events/${created.body.id}`, undefined, null);
      expect(back.status).toBe(200);
      expect(back.body.title).toBe('Survit au redémarrage');
      const all = await call<{ events: StaffEvent[] }>('GET', '/staff/events');
      expect(all.body.events.map((e) => e.title)).not.toContain('Pendant la panne');
      expect(all.body.events.map((e) => e.title)).toContain('Soirée slam test');
    });
  }
});
