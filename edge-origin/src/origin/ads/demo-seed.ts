// The demo's sponsors and their campaigns, added once to a store that has none of them (like the
// catalog seed): two local sponsors, one campaign each, so breaks play real spots out of the box.
import { DEMO_SPONSORS, sponsorLogoPath } from '../../media/ads.ts';
import type { RecordStore } from '../store/record-store.ts';
import { StoreConflictError } from '../store/records.ts';
import type { Campaign } from './model.ts';

export async function seedDemoAds(store: RecordStore, nowMs: number): Promise<boolean> {
  if ((await store.get('meta', 'ads-seeded')) !== null) return false;
  const at = new Date(nowMs).toISOString();
  const year = new Date(nowMs + 365 * 24 * 3600_000).toISOString();
  const campaigns: Campaign[] = [
    // The bakery sponsors sport: higher priority there.
    {
      id: 'campaign-boulangerie-sport',
      name: 'Boulangerie du Port × C’Sport',
      sponsorId: DEMO_SPONSORS[0].id,
      creativeId: DEMO_SPONSORS[0].creativeId,
      priority: 20,
      channelIds: ['sport'],
      startsAt: at,
      endsAt: year,
      frequencyCap: { impressions: 3, perHours: 24 },
      createdAt: at,
    },
    {
      id: 'campaign-velocite',
      name: 'Vélocité — toute la Cité',
      sponsorId: DEMO_SPONSORS[1].id,
      creativeId: DEMO_SPONSORS[1].creativeId,
      priority: 10,
      startsAt: at,
      endsAt: year,
      frequencyCap: { impressions: 5, perHours: 24 },
      createdAt: at,
    },
  ];
  const put = [
    ...DEMO_SPONSORS.map((s) => ({
      collection: 'sponsors' as const,
      id: s.id,
      value: { id: s.id, name: s.name, logo: sponsorLogoPath(s.id), url: s.url },
    })),
    ...campaigns.map((c) => ({ collection: 'campaigns' as const, id: c.id, value: c })),
    { collection: 'meta' as const, id: 'ads-seeded', value: { value: at } },
  ];
  try {
    await store.commit({ expect: [{ collection: 'meta', id: 'ads-seeded', value: null }], put });
  } catch (error) {
    if (error instanceof StoreConflictError) return false; // another origin seeded them meanwhile
    throw error;
  }
  return true;
}
