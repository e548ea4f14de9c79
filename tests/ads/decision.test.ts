// Ad decision and impressions on a real Redis (the ledger every origin replica shares): campaign
// priority, channel and event targeting, start/end dates, the per-viewer frequency cap, the
// promo filler, never the same spot twice in a break, one decision per viewer and break even
// under concurrent requests; impressions counted exactly once under duplicate and out-of-order
// tracking requests. Everything observed over HTTP, as the TV and the staff see it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RedisAdLedger } from '../../edge-origin/src/origin/ads/ledger.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'ads-decision-admin-token-0123';
let redis: TestRedis;
let ledger: RedisAdLedger;
let origin: TestOrigin;

beforeAll(async () => {
  redis = await startRedis();
  ledger = new RedisAdLedger({ url: redis.url, prefix: 'test-ads:' });
  origin = await startOrigin({ staffAdminToken: ADMIN, ads: { ledger, demo: false } });
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await origin?.close();
  await ledger?.close();
  await redis?.stop();
});

async function staff<T>(path: string, body?: unknown, expected = body === undefined ? 200 : 201): Promise<T> {
  const res = await fetch(`${origin.url}/api/v1/staff${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (res.status !== expected) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

type AssetList = {
  ASSETS: { URI: string; DURATION: number; 'X-CITETV-AD': { creativeId: string; tracking: string } }[];
};
async function assets(breakId: string, viewer: string): Promise<string[]> {
  const res = await fetch(`${origin.url}/api/v1/ads/breaks/${breakId}/asset-list?_HLS_primary_id=${viewer}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as AssetList).ASSETS.map((a) => a['X-CITETV-AD'].creativeId);
}
const liveBreak = async (eventId: string, durationSeconds = 30) =>
  (await staff<{ id: string }>(`/ads/events/${eventId}/breaks`, { durationSeconds })).id;

const BAKERY = 'ad-boulangerie-du-port';
const BIKES = 'ad-velocite';
const PROMO = 'promo-cite-tv';
const hour = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
let bikes: { id: string };

beforeAll(async () => {
  const s1 = await staff<{ id: string }>('/sponsors', { name: 'Boulangerie du Port', url: 'https://b.example' });
  const s2 = await staff<{ id: string }>('/sponsors', { name: 'Vélocité', url: 'https://v.example' });
  const now = Date.now();
  const base = { startsAt: iso(now - hour), endsAt: iso(now + hour) };
  // Culture only, top priority, twice a day per viewer.
  await staff('/ads/campaigns', {
    name: 'Pain culture',
    sponsorId: s1.id,
    creativeId: BAKERY,
    priority: 50,
    channelIds: ['culture'],
    frequencyCap: { impressions: 2, perHours: 24 },
    ...base,
  });
  // Only the handball live, once per viewer.
  bikes = await staff('/ads/campaigns', {
    name: 'Vélos handball',
    sponsorId: s2.id,
    creativeId: BIKES,
    priority: 10,
    eventIds: ['sport-hbc-nantes'],
    frequencyCap: { impressions: 1, perHours: 24 },
    ...base,
  });
  // Over, and not yet started: never served, whatever their priority.
  await staff('/ads/campaigns', {
    name: 'Pain fini',
    sponsorId: s1.id,
    creativeId: BAKERY,
    priority: 99,
    startsAt: iso(now - 3 * hour),
    endsAt: iso(now - 2 * hour),
  });
  await staff('/ads/campaigns', {
    name: 'Pain futur',
    sponsorId: s1.id,
    creativeId: BAKERY,
    priority: 99,
    startsAt: iso(now + 2 * hour),
    endsAt: iso(now + 3 * hour),
  });
});

describe('decisions', () => {
  test('targeting by event and channel, dates, priority; promo fills; the cap holds per viewer', async () => {
    const sport1 = await liveBreak('sport-hbc-nantes');
    const sport2 = await liveBreak('sport-hbc-nantes');
    // Handball: only the bikes campaign targets it; the promo fills. Never a spot twice.
    expect(await assets(sport1, 'alice')).toEqual([BIKES, PROMO]);
    // Capped at once per viewer: the second break of the evening is promo only for alice…
    expect(await assets(sport2, 'alice')).toEqual([PROMO]);
    // …but not for bob.
    expect(await assets(sport2, 'bob')).toEqual([BIKES, PROMO]);

    const culture = [
      await liveBreak('culture-orchestre-noel'),
      await liveBreak('culture-orchestre-noel'),
      await liveBreak('culture-orchestre-noel'),
    ];
    expect(await assets(itemAt(culture, 0), 'alice')).toEqual([BAKERY, PROMO]);
    expect(await assets(itemAt(culture, 1), 'alice')).toEqual([BAKERY, PROMO]);
    expect(await assets(itemAt(culture, 2), 'alice')).toEqual([PROMO]);
  });

  test('a short break gets the best spot alone; a replay of another event gets the promo', async () => {
    const short = await liveBreak('sport-hbc-nantes', 10);
    expect(await assets(short, 'carol')).toEqual([BIKES]);
    const replay = (await staff<{ id: string }>('/ads/replays/replay-hbc-montpellier/breaks', { durationSeconds: 20 }))
      .id;
    expect(await assets(replay, 'carol')).toEqual([PROMO]);
  });

  test('one decision per viewer and break: retries and concurrent requests get the same answer and use the cap once', async () => {
    const b1 = await liveBreak('sport-hbc-nantes');
    const answers = await Promise.all(Array.from({ length: 12 }, () => assets(b1, 'dave')));
    for (const a of answers) expect(a).toEqual([BIKES, PROMO]);
    expect(await assets(b1, 'dave')).toEqual([BIKES, PROMO]);
    // dave's single bikes impression went to b1: the next break is promo only.
    expect(await assets(await liveBreak('sport-hbc-nantes'), 'dave')).toEqual([PROMO]);
  });

  test('the CMCD session id identifies the viewer when hls.js does not', async () => {
    const b = await liveBreak('sport-hbc-nantes');
    const q = encodeURIComponent('sid="erin-tv",br=800');
    const a = (await (await fetch(`${origin.url}/api/v1/ads/breaks/${b}/asset-list?CMCD=${q}`)).json()) as AssetList;
    expect(a.ASSETS.map((x) => x['X-CITETV-AD'].creativeId)).toEqual([BIKES, PROMO]);
    expect(itemAt(a.ASSETS, 0)['X-CITETV-AD'].tracking).toContain('viewer=erin-tv');
    expect(await assets(await liveBreak('sport-hbc-nantes'), 'erin-tv')).toEqual([PROMO]);
  });
});

describe('impressions', () => {
  test('counted exactly once per viewer and spot, whatever the duplicates and the order', async () => {
    const before = await staff<{ impressions: Record<string, number> }>(`/ads/campaigns/${bikes.id}/impressions`);
    const b = await liveBreak('sport-hbc-nantes');
    const viewers = ['v1', 'v2', 'v3'];
    const tracking: string[] = [];
    for (const v of viewers) {
      const list = (await (
        await fetch(`${origin.url}/api/v1/ads/breaks/${b}/asset-list?_HLS_primary_id=${v}`)
      ).json()) as AssetList;
      tracking.push(list.ASSETS.find((a) => a['X-CITETV-AD'].creativeId === BIKES)!['X-CITETV-AD'].tracking);
    }
    // v1 sends everything in order, each event 3 times, concurrently; v2 sends them backwards,
    // twice, some as POST; v3 only starts (leaves before the first quartile).
    const send = (url: string, event: string, method = 'GET') =>
      fetch(`${origin.url}${url}&event=${event}`, { method }).then((r) => r.status);
    const all = ['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete'];
    const statuses = await Promise.all([
      ...all.flatMap((e) => [send(itemAt(tracking, 0), e), send(itemAt(tracking, 0), e), send(itemAt(tracking, 0), e)]),
      ...[...all].reverse().flatMap((e) => [send(itemAt(tracking, 1), e, 'POST'), send(itemAt(tracking, 1), e)]),
      send(itemAt(tracking, 2), 'start'),
      send(itemAt(tracking, 2), 'start'),
    ]);
    expect(new Set(statuses)).toEqual(new Set([204]));
    const after = await staff<{
      impressions: Record<string, number>;
      byEvent: { eventId: string; impressions: Record<string, number> }[];
    }>(`/ads/campaigns/${bikes.id}/impressions`);
    const delta = (e: string) => after.impressions[e]! - (before.impressions[e] ?? 0);
    expect(delta('start')).toBe(3);
    expect(delta('firstQuartile')).toBe(2);
    expect(delta('midpoint')).toBe(2);
    expect(delta('thirdQuartile')).toBe(2);
    expect(delta('complete')).toBe(2);
    expect(after.byEvent.map((e) => e.eventId)).toContain('sport-hbc-nantes');
    // The sponsor report of the campaign: its events, with their audience and impressions.
    const report = await staff<{
      impressions: Record<string, number>;
      completionRate: number;
      events: { id: string; impressions: Record<string, number>; audience: { peak: number } }[];
    }>(`/audience/campaigns/${bikes.id}/report`);
    expect(report.impressions).toEqual(after.impressions);
    expect(report.completionRate).toBeCloseTo(after.impressions.complete! / after.impressions.start!, 3);
    const handball = report.events.find((e) => e.id === 'sport-hbc-nantes')!;
    expect(handball.impressions.start).toBe(after.impressions.start);
    expect(handball.audience.peak).toBe(0);
    // And the event's report lists the campaign.
    const event = await staff<{
      campaigns: { campaignId: string; impressions: Record<string, number> }[];
      impressions: Record<string, number>;
    }>('/audience/events/sport-hbc-nantes/report');
    expect(event.campaigns.find((c) => c.campaignId === bikes.id)!.impressions.complete).toBe(
      after.impressions.complete,
    );
  });

  test('a break watched to the end is empty for that viewer when the player reaches it again (played once)', async () => {
    const b = await liveBreak('sport-hbc-nantes');
    const list = async (viewer: string) =>
      (
        (await (
          await fetch(`${origin.url}/api/v1/ads/breaks/${b}/asset-list?_HLS_primary_id=${viewer}`)
        ).json()) as AssetList
      ).ASSETS;
    const spots = await list('gina');
    expect(spots.map((a) => a['X-CITETV-AD'].creativeId)).toEqual([BIKES, PROMO]);
    // The first spot completed, the promo left early: the break is still owed.
    await fetch(`${origin.url}${itemAt(spots, 0)['X-CITETV-AD'].tracking}&event=complete`);
    await fetch(`${origin.url}${itemAt(spots, 1)['X-CITETV-AD'].tracking}&event=start`);
    expect((await list('gina')).map((a) => a['X-CITETV-AD'].creativeId)).toEqual([BIKES, PROMO]);
    await fetch(`${origin.url}${itemAt(spots, 1)['X-CITETV-AD'].tracking}&event=complete`);
    expect(await list('gina')).toEqual([]);
    // Another viewer still gets the break.
    expect((await list('hugo')).length).toBeGreaterThan(0);
  });

  test('tracking a spot the viewer was not served is refused (404), a bad event is 400', async () => {
    const b = await liveBreak('sport-hbc-nantes');
    await assets(b, 'frank');
    expect(
      (await fetch(`${origin.url}/api/v1/ads/track?break=${b}&viewer=frank&creative=${BAKERY}&event=start`)).status,
    ).toBe(404);
    expect(
      (await fetch(`${origin.url}/api/v1/ads/track?break=${b}&viewer=nobody&creative=${BIKES}&event=start`)).status,
    ).toBe(404);
    expect(
      (await fetch(`${origin.url}/api/v1/ads/track?break=${b}&viewer=frank&creative=${BIKES}&event=clicked`)).status,
    ).toBe(400);
  });
});
