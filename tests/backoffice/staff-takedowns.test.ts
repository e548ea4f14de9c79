// What the régie takes back, on the staff API, with a real origin and a real edge it purges:
// a highlight re-cut and retitled, then taken down; a replay unpublished (with its highlights and
// its ad breaks; its event back to « ended » and published again); a campaign edited, paused and
// resumed (a paused one is in no break); a scheduled break cancelled, a started one refused.
// Each checked where a viewer would see it: through the edge, after the edge had cached it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ApiError, Highlight, LiveEvent, Page, Replay } from '../../shared/catalog/types.ts';
import type { AdBreak, Campaign } from '../../edge-origin/src/origin/ads/model.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { demoSponsorsSeeded, staffClient } from '../support/staff-api.ts';

const ADMIN = 'takedowns-admin-token-0123456789';
let stack: Stack;
const staff = staffClient(() => stack.originUrl, ADMIN);

beforeAll(async () => {
  stack = await startStack({ origin: { staffAdminToken: ADMIN }, purgeEdge: true });
  await demoSponsorsSeeded(stack.originUrl, ADMIN);
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

/** What a viewer's TV gets, through the edge. */
const viewer = async (path: string) => {
  const response = await fetch(stack.edgeUrl + path);
  return { status: response.status, cache: response.headers.get('x-cache'), text: await response.text() };
};
const segmentsOf = (playlist: string) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));
const audit = async () =>
  (await staff<{ items: { action: string; target: { id: string } }[] }>('GET', '/audit?limit=20')).body.items;

describe('highlights', () => {
  test('re-cut and retitle: the edge drops the old playlist and details; an inverted cut is refused', async () => {
    const cut = await staff<Highlight>('POST', '/highlights', {
      replayId: 'replay-hbc-montpellier',
      title: 'Premier but',
      in: 0,
      out: 6,
    });
    expect(cut.status).toBe(201);
    const id = cut.body.id;
    const media = `/hls/vod/${id}/v360/index.m3u8`;
    expect(segmentsOf((await viewer(media)).text)).toHaveLength(3);
    expect((await viewer(media)).cache).toBe('HIT');
    expect(JSON.parse((await viewer(`/api/v1/highlights/${id}`)).text)).toMatchObject({ title: 'Premier but' });

    const edited = await staff<Highlight>('PATCH', `/highlights/${id}`, {
      title: 'Le premier but, en entier',
      in: 4,
      out: 14,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: 'Le premier but, en entier', inPoint: 4, outPoint: 14, duration: 10 });
    expect(segmentsOf((await viewer(media)).text)).toHaveLength(5);
    expect(JSON.parse((await viewer(`/api/v1/highlights/${id}`)).text)).toMatchObject({
      title: 'Le premier but, en entier',
      duration: 10,
    });

    const inverted = await staff<ApiError>('PATCH', `/highlights/${id}`, { out: 2 });
    expect([inverted.status, inverted.body.error.field]).toEqual([400, 'out']);
    expect((await staff<ApiError>('PATCH', '/highlights/clip-inconnu', { title: 'x' })).status).toBe(404);
  });

  test('delete: gone from the TV lists and its media from the edge; audited', async () => {
    const cut = await staff<Highlight>('POST', '/highlights', {
      replayId: 'replay-hbc-montpellier',
      title: 'Arrêt décisif',
      in: 10,
      out: 16,
    });
    const id = cut.body.id;
    expect((await viewer(`/hls/vod/${id}/master.m3u8`)).status).toBe(200);
    expect((await viewer(`/api/v1/highlights/${id}`)).status).toBe(200);
    expect(await staff('DELETE', `/highlights/${id}`)).toEqual({ status: 204, body: null });
    expect((await viewer(`/api/v1/highlights/${id}`)).status).toBe(404);
    expect((await viewer(`/hls/vod/${id}/master.m3u8`)).status).toBe(404);
    const list = JSON.parse((await viewer('/api/v1/highlights?limit=100')).text) as Page<Highlight>;
    expect(list.items.map((h) => h.id)).not.toContain(id);
    expect((await audit()).find((e) => e.target.id === id)?.action).toBe('highlight.delete');
  });
});

describe('replays', () => {
  test('unpublish: the replay, its highlights and breaks leave the TV; its event is « ended » and can be published again', async () => {
    const soon = Date.now() + 60_000;
    const event = await staff<LiveEvent>('POST', '/events', {
      channelId: 'culture',
      title: 'Lecture publique',
      startsAt: new Date(soon).toISOString(),
      endsAt: new Date(soon + 3600_000).toISOString(),
    });
    const eventId = event.body.id;
    expect((await staff('POST', `/events/${eventId}/start`, {})).status).toBe(200);
    expect((await staff('POST', `/events/${eventId}/stop`, {})).status).toBe(200);
    const replay = (await staff<Replay>('POST', `/events/${eventId}/publish`, {})).body;
    const clip = (
      await staff<Highlight>('POST', '/highlights', { replayId: replay.id, title: 'Extrait', in: 0, out: 1 })
    ).body;
    expect((await staff('POST', `/ads/replays/${replay.id}/breaks`, { durationSeconds: 10 })).status).toBe(201);
    // Cached at the edge before the takedown.
    for (const path of [
      `/api/v1/replays/${replay.id}`,
      `/hls/vod/${replay.id}/master.m3u8`,
      `/api/v1/highlights/${clip.id}`,
      `/api/v1/events/${eventId}`,
    ])
      expect((await viewer(path)).status).toBe(200);

    const gone = await staff<{
      id: string;
      highlightsRemoved: string[];
      breaksRemoved: number;
      eventId: string | null;
    }>('DELETE', `/replays/${replay.id}`);
    expect(gone).toEqual({
      status: 200,
      body: { id: replay.id, highlightsRemoved: [clip.id], breaksRemoved: 1, eventId },
    });
    for (const path of [
      `/api/v1/replays/${replay.id}`,
      `/hls/vod/${replay.id}/master.m3u8`,
      `/api/v1/highlights/${clip.id}`,
    ])
      expect([path, (await viewer(path)).status]).toEqual([path, 404]);
    const list = JSON.parse((await viewer('/api/v1/replays?limit=100')).text) as Page<Replay>;
    expect(list.items.map((r) => r.id)).not.toContain(replay.id);
    const after = JSON.parse((await viewer(`/api/v1/events/${eventId}`)).text) as LiveEvent;
    expect(after.status).toBe('ended');
    expect(after.replayId).toBeUndefined();
    const breaks = (await staff<{ breaks: AdBreak[] }>('GET', '/ads/breaks')).body.breaks;
    expect(breaks.filter((b) => b.target.kind === 'replay' && b.target.replayId === replay.id)).toEqual([]);
    expect((await audit()).find((e) => e.target.id === replay.id)?.action).toBe('replay.unpublish');
    expect((await staff('DELETE', `/replays/${replay.id}`)).status).toBe(404);

    const again = await staff<Replay>('POST', `/events/${eventId}/publish`, {
      title: 'Lecture publique (version courte)',
    });
    expect(again.status).toBe(201);
    expect((await viewer(`/hls/vod/${again.body.id}/master.m3u8`)).status).toBe(200);
  });
});

describe('campaigns and breaks', () => {
  const campaigns = async () => (await staff<{ campaigns: Campaign[] }>('GET', '/ads/campaigns')).body.campaigns;
  const spotsFor = async (breakId: string, viewerId: string) =>
    (
      (await (await fetch(`${stack.edgeUrl}/api/v1/ads/breaks/${breakId}/asset-list?viewer=${viewerId}`)).json()) as {
        ASSETS: { 'X-CITETV-AD': { creativeId: string; kind: string } }[];
      }
    ).ASSETS.map((a) => a['X-CITETV-AD'].kind);

  test('edit, pause (in no break), resume; a bad sponsor is refused on its field', async () => {
    const edited = await staff<Campaign>('PATCH', '/ads/campaigns/campaign-velocite', {
      name: 'Vélocité — hiver',
      priority: 30,
      channelIds: ['sport', 'culture'],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Vélocité — hiver', priority: 30, channelIds: ['sport', 'culture'] });
    expect(
      (await staff<Campaign>('PATCH', '/ads/campaigns/campaign-velocite', { channelIds: [] })).body.channelIds,
    ).toBeUndefined();
    const refused = await staff<ApiError>('PATCH', '/ads/campaigns/campaign-velocite', { sponsorId: 'inconnu' });
    expect([refused.status, refused.body.error.field]).toEqual([400, 'sponsorId']);

    // Both demo campaigns paused: a live break plays only the channel's promo.
    for (const id of ['campaign-velocite', 'campaign-boulangerie-sport'])
      expect((await staff<Campaign>('PATCH', `/ads/campaigns/${id}`, { paused: true })).body.paused).toBe(true);
    const paused = (await staff<AdBreak>('POST', '/ads/events/sport-hbc-nantes/breaks', { durationSeconds: 30 })).body;
    expect(await spotsFor(paused.id, 'viewer-paused')).toEqual(['promo']);
    expect(
      (await staff<Campaign>('PATCH', '/ads/campaigns/campaign-velocite', { paused: false })).body.paused,
    ).toBeUndefined();
    expect((await campaigns()).find((c) => c.id === 'campaign-velocite')?.paused).toBeUndefined();
    expect((await spotsFor(paused.id, 'viewer-resumed'))[0]).toBe('sponsor');
    expect(
      (await audit())
        .filter((e) => e.target.id === 'campaign-velocite')
        .map((e) => e.action)
        .slice(0, 2),
    ).toEqual(['campaign.resume', 'campaign.pause']);
  });

  test('cancel a replay break (the edge drops the playlist that announced it); a live break already on air is refused', async () => {
    const scheduled = (await staff<AdBreak>('POST', '/ads/replays/replay-trophees/breaks', { durationSeconds: 10 }))
      .body;
    const media = '/hls/vod/replay-trophees/v360/index.m3u8';
    expect((await viewer(media)).text).toContain(`ad-${scheduled.id}`);
    const cancelled = await staff<AdBreak>('DELETE', `/ads/breaks/${scheduled.id}`);
    expect(cancelled.status).toBe(200);
    expect((await viewer(media)).text).not.toContain(`ad-${scheduled.id}`);

    const live = (await staff<AdBreak>('POST', '/ads/events/sport-hbc-nantes/breaks', { durationSeconds: 20 })).body;
    while (Date.now() < Date.parse(live.startsAt!)) await new Promise((r) => setTimeout(r, 200));
    const refused = await staff<ApiError>('DELETE', `/ads/breaks/${live.id}`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'break_started']);
    expect((await staff('DELETE', '/ads/breaks/break-inconnue')).status).toBe(404);
  });
});
