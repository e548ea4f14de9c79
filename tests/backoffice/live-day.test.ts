// A whole live day, on real parts: Redis, the origin, an edge in front of it (purged by the
// origin after each write), the régie in headless Chromium, ffmpeg as the viewer.
//   schedule (régie) → start (régie) → viewers see it on air through the edge →
//   stop (confirmed) → publish the replay (régie) → ffmpeg plays it through the edge →
//   cut a highlight (régie) → ffmpeg plays it → search finds them.
// Live time is real time (2 s segments): the live runs for a handful of segments.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import type {
  ApiError,
  ChannelRails,
  Highlight,
  LiveEvent,
  Replay,
  SearchResponse,
} from '../../shared/catalog/types.ts';
import { RedisRecordStore } from '../../edge-origin/src/origin/store/redis-record-store.ts';
import { seedOnce } from '../../edge-origin/src/origin/store/seeding.ts';
import { loadSeedRecords } from '../../edge-origin/src/origin/catalog/memory-store.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { launchTv, openPage, type TvBrowser } from '../support/browser.ts';
import { alerted, nextDialog, said, STAFF_DESK } from '../regie/regie-page.ts';
import { MEDIA_TIMEOUT_MS, ensureTestManifest } from '../support/media.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { ffmpegReads } from '../support/ffmpeg.ts';
import { staffClient } from '../support/staff-api.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'live-day-admin-token-42';
const TITLE = 'Trophées de l’Événement Entreprises';
let redis: TestRedis;
let store: RedisRecordStore;
let stack: Stack;
let tv: TvBrowser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  await ensureTestManifest();
  redis = await startRedis();
  store = new RedisRecordStore({ url: redis.url, log: () => {} });
  await store.ready();
  await seedOnce(store, () => ({
    records: loadSeedRecords(ORIGIN_DEFAULTS.seedFile, Date.now()),
    atIso: new Date().toISOString(),
  }));
  stack = await startStack({ origin: { store, staffAdminToken: ADMIN }, purgeEdge: true });
  tv = await launchTv();
  ({ page, errors: pageErrors } = await openPage(tv.browser, STAFF_DESK));
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await tv?.close();
  await stack?.close();
  await store?.close();
  await redis?.stop();
});

/** What a viewer's TV gets: through the edge. */
async function viewer<T>(path: string): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(stack.edgeUrl + path);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

const staff = staffClient(() => stack.originUrl, ADMIN);

/** The régie redraws its table before showing the message: the row says it at once. */
async function expectStatus(text: string): Promise<void> {
  expect(await row(TITLE).getByTestId('status').textContent()).toBe(text);
}

function row(eventTitle: string) {
  return page.getByTestId('event-row').filter({ hasText: eventTitle });
}

async function liveEdgeSequence(): Promise<number> {
  const text = await (await fetch(`${stack.edgeUrl}/hls/live/business/v360/index.m3u8`)).text();
  const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
  return first + text.split('\n').filter((l) => l.endsWith('.ts')).length - 1;
}

describe('a live day', () => {
  let eventId: string;
  let replay: Replay;
  let highlight: Highlight;

  test('the staff log in to the régie and schedule a live', async () => {
    await page.goto(`${stack.originUrl}/regie/#/directs`);
    await page.getByTestId('token').fill(ADMIN);
    await page.getByTestId('token').press('Enter');
    await page.getByTestId('schedule-form').waitFor();

    // The channel page, as the edge caches it before the live is scheduled.
    const before = await viewer<ChannelRails>('/api/v1/channels/business');
    expect(before.body.upcoming.map((e) => e.title)).not.toContain(TITLE);

    // datetime-local takes the browser's local time: compute it there.
    const [starts, ends] = await page.evaluate(() => {
      const local = (ms: number) => {
        const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
        return d.toISOString().slice(0, 16);
      };
      return [local(Date.now() + 3600_000), local(Date.now() + 3 * 3600_000)];
    });
    await page.getByTestId('channel').selectOption('business');
    await page.getByTestId('title').fill(TITLE);
    await page.getByTestId('venue').fill('Hôtel de l’Agglomération');
    await page.getByTestId('starts').fill(starts);
    await page.getByTestId('ends').fill(ends);
    await page.getByTestId('schedule').click();
    await said(page, `Direct programmé : ${TITLE}`);
    await row(TITLE).waitFor();
    eventId = (await row(TITLE).getAttribute('data-event-id'))!;
    expect(eventId).toMatch(/^trophees-de-l-evenement-entreprises-[0-9a-f]{6}$/);

    // Viewers see it as upcoming at once: the write purged the edge's copy.
    const after = await viewer<ChannelRails>('/api/v1/channels/business');
    expect(after.headers.get('x-cache')).not.toBe('HIT');
    expect(after.body.upcoming.map((e) => e.id)).toContain(eventId);
  });

  test('start: viewers see it on air through the edge, with the live stream', async () => {
    await viewer('/api/v1/home'); // cached at the edge now
    await row(TITLE).getByTestId('start').click();
    await said(page, `Direct démarré : ${TITLE}`);
    await expectStatus('EN DIRECT');

    const home = await viewer<{ channels: ChannelRails[] }>('/api/v1/home');
    const business = home.body.channels.find((r) => r.channel.id === 'business')!;
    expect(business.onAir?.id).toBe(eventId);
    expect(business.onAir?.status).toBe('live');
    const event = await viewer<LiveEvent>(`/api/v1/events/${eventId}`);
    expect(event.body).toMatchObject({ status: 'live', playbackUrl: '/hls/live/business/master.m3u8' });
    expect(event.body.startedAt).toBeDefined();
    expect(event.headers.get('cache-control')).toBe(
      'public, max-age=10, stale-while-revalidate=10, stale-if-error=86400',
    );
    expect(event.headers.get('surrogate-key')).toContain(`event-${eventId}`);

    const master = await fetch(stack.edgeUrl + event.body.playbackUrl!);
    expect(master.status).toBe(200);
    expect(await master.text()).toContain('#EXT-X-STREAM-INF');

    // A live cannot start twice (the régie hides the button; the API refuses).
    const twice = await staff<ApiError>('POST', `/events/${eventId}/start`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/déjà commencé/);
  });

  test('stop after a few segments, publish the replay: ffmpeg plays it through the edge', async () => {
    const startSequence = (await store.get('events', eventId))!.recording!.firstSequence;
    // Let the live run for at least 5 segments of real time.
    while ((await liveEdgeSequence()) < startSequence + 5) await new Promise((r) => setTimeout(r, 500));

    const asked = nextDialog(page, true);
    await row(TITLE).getByTestId('stop').click();
    expect(await asked).toMatch(/^Arrêter le direct « Trophées/);
    await said(page, `Direct arrêté : ${TITLE}`);
    await expectStatus('terminé');
    const ended = await staff<ApiError>('POST', `/events/${eventId}/reschedule`, {
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
    });
    expect(ended.status).toBe(409);

    await row(TITLE).getByTestId('publish').click();
    await page.getByTestId('save').click();
    await said(page, `Replay publié : ${TITLE}`);

    const event = await viewer<LiveEvent>(`/api/v1/events/${eventId}`);
    expect(event.body.status).toBe('published');
    const replayId = event.body.replayId!;
    replay = (await viewer<Replay>(`/api/v1/replays/${replayId}`)).body;
    expect(replay).toMatchObject({
      eventId,
      channelId: 'business',
      title: TITLE,
      playbackUrl: `/hls/vod/${replayId}/master.m3u8`,
    });
    expect(replay.duration).toBeGreaterThanOrEqual(10);
    const rails = await viewer<ChannelRails>('/api/v1/channels/business');
    expect(itemAt(rails.body.replays, 0).id).toBe(replayId);
    expect(rails.body.onAir?.id).not.toBe(eventId);

    // The replay is the live's own segments, in every rendition, audio and subtitle track.
    const master = await (await fetch(stack.edgeUrl + replay.playbackUrl)).text();
    const renditions = [...master.matchAll(/URI="([^"]+)"/g)]
      .map((m) => itemAt(m, 1))
      .concat(master.split('\n').filter((l) => l.endsWith('.m3u8')));
    expect(renditions.length).toBeGreaterThanOrEqual(5);
    for (const uri of renditions) {
      const media = await (await fetch(new URL(uri, stack.edgeUrl + replay.playbackUrl))).text();
      expect(media).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(media).toContain('#EXT-X-ENDLIST');
      const segments = media.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(segments.length).toBeGreaterThanOrEqual(5);
      const rendition = itemAt(uri.split('/'), 0);
      expect(segments[0]).toMatch(new RegExp(`^/hls/live/business/${rendition}/${startSequence}\\.(ts|vtt)$`));
    }

    const played = await ffmpegReads(stack.edgeUrl + replay.playbackUrl);
    expect(played).toEqual({ code: 0, stderr: '' });
  }, 120_000);

  test('cut a highlight in the régie: ffmpeg plays it, bad cuts are refused with a message', async () => {
    await page.goto(`${stack.originUrl}/regie/#/resumes`);
    await page.reload(); // the token was kept in sessionStorage: no login again
    await page.getByTestId('cut-form').waitFor();
    await page.getByTestId('replay').selectOption(replay.id);
    await page.getByTestId('clip-title').fill('Le palmarès de l’Événement');
    await page.getByTestId('clip-in').fill('0:00');
    const past = Math.ceil(replay.duration) + 30;
    await page.getByTestId('clip-out').fill(`${Math.floor(past / 60)}:${String(past % 60).padStart(2, '0')}`);
    await page.getByTestId('cut').click();
    await alerted(page, /dépasse la durée/);

    await page.getByTestId('clip-in').fill('0:03');
    await page.getByTestId('clip-out').fill('0:07');
    await page.getByTestId('cut').click();
    await said(page, 'Résumé publié : Le palmarès de l’Événement (0:06)');
    const highlightId = (await page
      .getByTestId('highlight-row')
      .filter({ hasText: 'Le palmarès' })
      .getAttribute('data-highlight-id'))!;
    highlight = (await viewer<Highlight>(`/api/v1/highlights/${highlightId}`)).body;
    expect(highlight).toMatchObject({ replayId: replay.id, channelId: 'business', inPoint: 2, outPoint: 8 });

    const played = await ffmpegReads(stack.edgeUrl + highlight.playbackUrl);
    expect(played).toEqual({ code: 0, stderr: '' });
    const rails = await viewer<ChannelRails>('/api/v1/channels/business');
    expect(itemAt(rails.body.highlights, 0).id).toBe(highlightId);
    expect(pageErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  }, 60_000);

  test('search finds the live, its replay and its highlight, without accents', async () => {
    const search = await viewer<SearchResponse>('/api/v1/search?q=evenement');
    const found = search.body.items.map((h) =>
      h.kind === 'event' ? h.event.id : h.kind === 'replay' ? h.replay.id : h.highlight.id,
    );
    expect(found).toEqual(expect.arrayContaining([eventId, replay.id, highlight.id]));
  });

  test('the audit log tells who did what', async () => {
    const log = await staff<{ items: { action: string; target: { id: string }; actor: { label: string } }[] }>(
      'GET',
      '/audit?limit=20',
    );
    const mine = log.body.items
      .filter((e) => [eventId, replay.id, highlight.id].includes(e.target.id))
      .map((e) => e.action);
    expect(mine).toEqual(['highlight.create', 'replay.publish', 'event.stop', 'event.start', 'event.create']);
  });
});
