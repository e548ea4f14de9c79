// The catalog API as the TV app sees it, on a real origin over HTTP.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type {
  ApiError,
  ChannelRails,
  ChannelsResponse,
  HomeResponse,
  LiveEvent,
  Replay,
} from '../../shared/catalog/types.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin } from '../support/origin.ts';
import type { TestOrigin } from '../support/origin.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let origin: TestOrigin;
const START = Date.UTC(2026, 10, 28, 19, 0, 0);
let nowMs = START;

beforeAll(async () => {
  origin = await startOrigin({ now: () => nowMs });
}, MEDIA_TIMEOUT_MS);
afterAll(() => origin?.close());

async function getJson<T>(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(origin.url + path, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

describe('GET /api/v1/home', () => {
  test('lists the four channels, each with a live on air, upcoming lives, replays and highlights', async () => {
    const { status, headers, body } = await getJson<HomeResponse>('/api/v1/home');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.channels.map((r) => r.channel.id)).toEqual(['sport', 'culture', 'business', 'agglo']);
    expect(body.channels.map((r) => r.channel.name)).toEqual(["C'Sport", "C'Culture", "C'Business", "C'Agglo"]);
    for (const rails of body.channels) {
      expect(rails.channel.color).toMatch(/^#[0-9A-F]{6}$/);
      expect(rails.channel.logo).toMatch(/^\/images\/.+\.png$/);
      expect(rails.channel.liveUrl).toBe(`/hls/live/${rails.channel.id}/master.m3u8`);
      expect(rails.onAir).not.toBeNull();
      const onAir = rails.onAir!;
      expect(onAir.status).toBe('live');
      expect(onAir.playbackUrl).toBe(rails.channel.liveUrl);
      expect(Date.parse(onAir.startsAt)).toBeLessThanOrEqual(nowMs);
      expect(Date.parse(onAir.endsAt)).toBeGreaterThan(nowMs);

      expect(rails.upcoming.length).toBeGreaterThanOrEqual(2);
      expect(rails.upcoming.length).toBeLessThanOrEqual(3);
      const starts = rails.upcoming.map((e) => Date.parse(e.startsAt));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      for (const e of rails.upcoming) {
        expect(e.status).toBe('scheduled');
        expect(Date.parse(e.startsAt)).toBeGreaterThan(nowMs);
        expect(e.playbackUrl).toBeUndefined();
      }

      expect(rails.replays).toHaveLength(2);
      for (const r of rails.replays) {
        expect(r.channelId).toBe(rails.channel.id);
        expect(r.playbackUrl).toBe(`/hls/vod/${r.id}/master.m3u8`);
        expect(r.chapters.length).toBeGreaterThan(0);
        expect(itemAt(r.chapters, 0).start).toBe(0);
        expect(r.chapters.every((ch) => ch.start < r.duration)).toBe(true);
      }
      const published = rails.replays.map((r) => Date.parse(r.publishedAt));
      expect(published).toEqual([...published].sort((a, b) => b - a));
      expect(rails.highlights).toHaveLength(2);
      expect(rails.highlights.every((h) => h.duration >= 10 && h.duration <= 15)).toBe(true);
    }
  });

  test('times are relative to the clock, and statuses follow it', async () => {
    const before = await getJson<HomeResponse>('/api/v1/home');
    const sport = itemAt(before.body.channels, 0);
    const next = itemAt(sport.upcoming, 0);
    // Move the clock into the next event: it is now on air, and no longer upcoming.
    nowMs = Date.parse(next.startsAt) + 60_000;
    try {
      const after = await getJson<ChannelRails>('/api/v1/channels/sport');
      expect(after.body.upcoming.map((e) => e.id)).not.toContain(next.id);
      const event = await getJson<LiveEvent>(`/api/v1/events/${next.id}`);
      expect(event.body.status).toBe('live');
      expect(event.body.playbackUrl).toBe('/hls/live/sport/master.m3u8');
    } finally {
      nowMs = START;
    }
  });

  test('French titles keep their accents', async () => {
    const { body } = await getJson<HomeResponse>('/api/v1/home');
    const titles = body.channels.flatMap((r) => [
      r.onAir!.title,
      ...r.upcoming.map((e) => e.title),
      ...r.replays.map((x) => x.title),
    ]);
    expect(titles).toContain('Handball : HBC Cité – Nantes');
    expect(titles.some((t) => /[éèêàçœ]/.test(t))).toBe(true);
  });
});

describe('single resources', () => {
  test('channels, a channel, an event, a replay and a highlight', async () => {
    const channels = await getJson<ChannelsResponse>('/api/v1/channels');
    expect(channels.body.channels).toHaveLength(4);
    const culture = await getJson<ChannelRails>('/api/v1/channels/culture');
    expect(culture.status).toBe(200);
    expect(culture.body.channel.name).toBe("C'Culture");
    const replayId = itemAt(culture.body.replays, 0).id;
    const replay = await getJson<Replay>(`/api/v1/replays/${replayId}`);
    expect(replay.body).toEqual(culture.body.replays[0]);
    const event = await getJson<LiveEvent>(`/api/v1/events/${replay.body.eventId}`);
    expect(event.body.status).toBe('published');
    expect(event.body.replayId).toBe(replayId);
    const highlight = await getJson<{ id: string; replayId: string }>(
      `/api/v1/highlights/${itemAt(culture.body.highlights, 0).id}`,
    );
    expect(highlight.status).toBe(200);
    expect(culture.body.replays.map((r) => r.id)).toContain(highlight.body.replayId);
  });

  test.each([
    ['/api/v1/channels/tennis', 'channel_not_found'],
    ['/api/v1/events/no-such-event', 'event_not_found'],
    ['/api/v1/replays/no-such-replay', 'replay_not_found'],
    ['/api/v1/highlights/no-such-clip', 'highlight_not_found'],
    ['/api/v1/nothing-here', 'not_found'],
    ['/api/v2/home', 'not_found'],
  ])('%s → 404 ApiError', async (path, code) => {
    const { status, body } = await getJson<ApiError>(path);
    expect(status).toBe(404);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  test.each(['/api/v1/events/Bad%20Id', '/api/v1/replays/..%2F..%2Fetc', '/api/v1/channels/SPORT'])(
    '%s → 400 ApiError',
    async (path) => {
      const { status, body } = await getJson<ApiError>(path);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'invalid_id', field: 'id' });
    },
  );
});

describe('caching', () => {
  test('short Cache-Control and an ETag; If-None-Match answers 304 without a body', async () => {
    const first = await fetch(`${origin.url}/api/v1/home`);
    await first.arrayBuffer();
    expect(first.headers.get('cache-control')).toBe(
      'public, max-age=10, stale-while-revalidate=10, stale-if-error=86400',
    );
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[^"]+"$/);

    const again = await fetch(`${origin.url}/api/v1/home`, { headers: { 'If-None-Match': tag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('cache-control')).toBe(
      'public, max-age=10, stale-while-revalidate=10, stale-if-error=86400',
    );

    const other = await fetch(`${origin.url}/api/v1/home`, { headers: { 'If-None-Match': '"something-else"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  test('errors carry the short Cache-Control too', async () => {
    const response = await fetch(`${origin.url}/api/v1/replays/nope`);
    await response.arrayBuffer();
    expect(response.headers.get('cache-control')).toBe(
      'public, max-age=10, stale-while-revalidate=10, stale-if-error=86400',
    );
  });
});
