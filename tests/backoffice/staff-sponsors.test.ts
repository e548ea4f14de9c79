// Sponsors (« partenaires ») managed by the staff API on a real origin, over HTTP, on the memory
// store and on a real Redis: edit, delete, refusals (404, 400 naming the field, 409 naming what
// still uses the sponsor) with nothing changed after a refusal, and what the TV sees in
// `GET /api/v1/sponsors` after each change. The sponsor report still reads the edited sponsor.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ApiError, Sponsor } from '../../shared/catalog/types.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { recordStoreKinds } from '../support/record-stores.ts';
import { demoSponsorsSeeded } from '../support/staff-api.ts';

const ADMIN = 'sponsors-admin-token-0123456789';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

type StaffSponsor = Sponsor & {
  usedBy: { events: { id: string; title: string }[]; campaigns: { id: string; name: string }[] };
};
const stores = recordStoreKinds(() => redis.url);

describe.each(stores)('sponsors in the staff API on the %s store', (kind, openStore) => {
  let origin: TestOrigin;
  let store: RecordStore;

  beforeAll(async () => {
    store = await openStore(`sponsors-${kind}-${Date.now()}:`);
    await store.ready();
    origin = await startOrigin({ store, staffAdminToken: ADMIN });
    await demoSponsorsSeeded(origin.url, ADMIN);
  }, MEDIA_TIMEOUT_MS);
  afterAll(async () => {
    await origin?.close();
    await store?.close();
  });

  async function call<T = unknown>(method: string, path: string, body?: unknown) {
    const response = await fetch(`${origin.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** What the TV gets (the public, cacheable list), by id (Redis hashes do not keep an order). */
  const publicSponsors = async () =>
    (await call<{ sponsors: Sponsor[] }>('GET', '/sponsors')).body.sponsors.sort((a, b) => a.id.localeCompare(b.id));
  const auditTotal = async () => (await call<{ total: number }>('GET', '/staff/audit?limit=1')).body.total;

  /** A refusal: the status, the code, the field, and the sponsors and audit log left as they were. */
  async function expectRefused(
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
    field?: string,
  ) {
    const before = { sponsors: await publicSponsors(), audit: await auditTotal() };
    const answer = await call<ApiError>(method, path, body);
    expect({ status: answer.status, code: answer.body.error.code, field: answer.body.error.field }).toEqual({
      status,
      code,
      field,
    });
    expect({ sponsors: await publicSponsors(), audit: await auditTotal() }).toEqual(before);
    return answer.body.error.message;
  }

  const addSponsor = async (name: string, extra: Record<string, unknown> = {}) => {
    const created = await call<Sponsor>('POST', '/staff/sponsors', { name, url: 'https://exemple.fr', ...extra });
    expect(created.status).toBe(201);
    return created.body;
  };

  test('an edit changes what the TV list shows: name, URL, channels (none: key absent), logo removed', async () => {
    const s = await addSponsor('Garage Martin', { channelIds: ['sport'] });
    expect((await publicSponsors()).find((x) => x.id === s.id)).toEqual({
      id: s.id,
      name: 'Garage Martin',
      url: 'https://exemple.fr',
      logo: '',
      channelIds: ['sport'],
    });

    const edited = await call<Sponsor>('PATCH', `/staff/sponsors/${s.id}`, {
      name: '  Garage Martin & Fils ',
      url: 'https://garage-martin.example/',
      channelIds: ['agglo', 'business'],
    });
    expect(edited.status).toBe(200);
    const expected = {
      id: s.id,
      name: 'Garage Martin & Fils',
      url: 'https://garage-martin.example/',
      logo: '',
      channelIds: ['agglo', 'business'],
    };
    expect(edited.body).toEqual(expected);
    expect((await publicSponsors()).find((x) => x.id === s.id)).toEqual(expected);

    // Only what is sent changes; [] means no channel in particular.
    expect((await call<Sponsor>('PATCH', `/staff/sponsors/${s.id}`, { channelIds: [] })).status).toBe(200);
    expect((await publicSponsors()).find((x) => x.id === s.id)).toEqual({
      id: s.id,
      name: 'Garage Martin & Fils',
      url: 'https://garage-martin.example/',
      logo: '',
    });

    // A demo sponsor keeps its demo logo through an edit of its name; "" removes it.
    expect(
      (
        await call<Sponsor>('PATCH', '/staff/sponsors/boulangerie-du-port', {
          name: 'Boulangerie du Port',
          logo: '/images/sponsors/boulangerie-du-port.png',
        })
      ).status,
    ).toBe(200);
    expect((await call<Sponsor>('PATCH', '/staff/sponsors/boulangerie-du-port', { logo: '' })).body.logo).toBe('');

    const audit = await call<{ items: { action: string; target: { id: string } }[] }>('GET', '/staff/audit?limit=3');
    expect(audit.body.items.map((e) => [e.action, e.target.id])).toEqual([
      ['sponsor.edit', 'boulangerie-du-port'],
      ['sponsor.edit', 'boulangerie-du-port'],
      ['sponsor.edit', s.id],
    ]);
  });

  test('refusals: unknown id 404, bad body 400 naming the field; nothing changed', async () => {
    const s = await addSponsor('Librairie Vent d’Ouest');
    await expectRefused('PATCH', '/staff/sponsors/nobody', { name: 'x' }, 404, 'sponsor_not_found', 'id');
    await expectRefused('DELETE', '/staff/sponsors/nobody', undefined, 404, 'sponsor_not_found', 'id');
    await expectRefused('PATCH', `/staff/sponsors/${s.id}`, { url: 'ftp://exemple.fr' }, 400, 'invalid_request', 'url');
    await expectRefused('PATCH', `/staff/sponsors/${s.id}`, { name: '   ' }, 400, 'invalid_request', 'name');
    await expectRefused(
      'PATCH',
      `/staff/sponsors/${s.id}`,
      { channelIds: ['mars'] },
      400,
      'invalid_request',
      'channelIds.0',
    );
    await expectRefused(
      'PATCH',
      `/staff/sponsors/${s.id}`,
      { channelIds: ['sport', 'sport'] },
      400,
      'invalid_request',
      'channelIds',
    );
    await expectRefused('PATCH', `/staff/sponsors/${s.id}`, { colour: 'rouge' }, 400, 'invalid_request', 'colour');
    await expectRefused('PATCH', `/staff/sponsors/${s.id}`, {}, 400, 'invalid_request', 'body');
    await expectRefused(
      'PATCH',
      `/staff/sponsors/${s.id}`,
      { logo: 'http://evil.example/x.png' },
      400,
      'invalid_request',
      'logo',
    );
    await expectRefused(
      'PATCH',
      `/staff/sponsors/${s.id}`,
      { logo: '/images/uploads/000000000000000000000000/card.jpg' },
      400,
      'unknown_image',
      'logo',
    );
    const message = await expectRefused(
      'PATCH',
      `/staff/sponsors/${s.id}`,
      { url: 'pas une url' },
      400,
      'invalid_request',
      'url',
    );
    expect(message).toMatch(/URL http\(s\) attendue/);
  });

  test('delete: refused (409, naming the event) while an event uses it, nothing lost; 204 and gone once freed', async () => {
    const s = await addSponsor('Cave des Halles');
    const event = await call<{ id: string; sponsorId?: string }>('POST', '/staff/events', {
      channelId: 'culture',
      title: 'Jazz aux Halles',
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 7200_000).toISOString(),
      sponsorId: s.id,
    });
    expect(event.status).toBe(201);

    const message = await expectRefused('DELETE', `/staff/sponsors/${s.id}`, undefined, 409, 'sponsor_in_use');
    expect(message).toContain('Cave des Halles');
    expect(message).toContain('l’événement « Jazz aux Halles »');
    expect((await publicSponsors()).map((x) => x.id)).toContain(s.id);
    expect((await call<{ sponsorId?: string }>('GET', `/events/${event.body.id}`)).body.sponsorId).toBe(s.id);
    const listed = (await call<{ sponsors: StaffSponsor[] }>('GET', '/staff/sponsors')).body.sponsors.find(
      (x) => x.id === s.id,
    )!;
    expect(listed.usedBy).toEqual({ events: [{ id: event.body.id, title: 'Jazz aux Halles' }], campaigns: [] });

    // The event's sponsor taken away (sponsorId null): nothing uses it any more.
    const freed = await call<{ sponsorId?: string }>('PATCH', `/staff/events/${event.body.id}`, { sponsorId: null });
    expect(freed.status).toBe(200);
    expect(freed.body.sponsorId).toBeUndefined();

    const deleted = await call('DELETE', `/staff/sponsors/${s.id}`);
    expect(deleted).toEqual({ status: 204, body: null });
    expect((await publicSponsors()).map((x) => x.id)).not.toContain(s.id);
    expect(
      (await call<{ sponsors: StaffSponsor[] }>('GET', '/staff/sponsors')).body.sponsors.map((x) => x.id),
    ).not.toContain(s.id);
    const audit = await call<{ items: { action: string; target: { id: string } }[] }>('GET', '/staff/audit?limit=1');
    expect(audit.body.items[0]).toMatchObject({ action: 'sponsor.delete', target: { kind: 'sponsor', id: s.id } });
    await expectRefused('DELETE', `/staff/sponsors/${s.id}`, undefined, 404, 'sponsor_not_found', 'id');
    // Gone for the event too: it cannot be given the deleted sponsor again.
    await expectRefused(
      'PATCH',
      `/staff/events/${event.body.id}`,
      { sponsorId: s.id },
      400,
      'unknown_sponsor',
      'sponsorId',
    );
  });

  test('delete: refused while an ads campaign uses it (the demo sponsors), naming the campaign', async () => {
    const message = await expectRefused('DELETE', '/staff/sponsors/velocite', undefined, 409, 'sponsor_in_use');
    expect(message).toContain('la campagne « Vélocité — toute la Cité »');
    expect(
      (await call<{ campaigns: { id: string }[] }>('GET', '/staff/ads/campaigns')).body.campaigns.map((c) => c.id),
    ).toContain('campaign-velocite');
  });

  test('the sponsor report of an event reads the edited sponsor', async () => {
    const s = await addSponsor('Piscine du Lac');
    const event = await call<{ id: string }>('POST', '/staff/events', {
      channelId: 'sport',
      title: 'Natation',
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 7200_000).toISOString(),
      sponsorId: s.id,
    });
    expect((await call('PATCH', `/staff/sponsors/${s.id}`, { name: 'Piscine du Lac (Agglo)' })).status).toBe(200);
    const report = await call<{ sponsor: Sponsor | null }>('GET', `/staff/audience/events/${event.body.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.sponsor?.name).toBe('Piscine du Lac (Agglo)');
  });

  test('the OpenAPI document lists the sponsor routes', async () => {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths['/staff/sponsors']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.body.paths['/staff/sponsors/{id}']!).sort()).toEqual(['delete', 'patch']);
  });
});
