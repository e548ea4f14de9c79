// Ad breaks as HLS Interstitials, on a real origin behind a real edge: staff trigger a break in
// a live, and every viewer's live playlist (the same for all, cached by the edge) announces it
// with an EXT-X-DATERANGE whose asset list is the ad-decision endpoint; a replay gets a pre-roll
// and a mid-roll at a chapter; ffmpeg (which knows nothing of interstitials) keeps reading the
// programme through the edge without an error; the spots themselves are cached like segments.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import HlsParser from 'hls-parser';
import type { MediaPlaylist as ParsedMedia } from 'hls-parser/types';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { runFfmpeg as ffmpeg } from '../support/ffmpeg.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'ads-admin-token-0123456789';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ origin: { staffAdminToken: ADMIN } });
}, MEDIA_TIMEOUT_MS);
afterAll(() => stack?.close());

async function staff(path: string, body?: unknown): Promise<Response> {
  return fetch(`${stack.originUrl}/api/v1/staff/ads${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function interstitials(text: string) {
  return text
    .split('\n')
    .filter((l) => l.startsWith('#EXT-X-DATERANGE:') && l.includes('CLASS="com.apple.hls.interstitial"'));
}

const decodedSeconds = (stderr: string) => {
  const last = [...stderr.matchAll(/time=(\d+):(\d+):(\d+\.\d+)/g)].at(-1);
  return last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : 0;
};

describe('live break', () => {
  let breakId: string;
  let startsAt: string;

  test('staff trigger a 20 s break in the live event: 201, it starts at the next segment boundary', async () => {
    const before = Date.now();
    const res = await staff('/events/sport-hbc-nantes/breaks', { durationSeconds: 20 });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      startsAt: string;
      durationSeconds: number;
      target: { channelId: string };
    };
    breakId = body.id;
    startsAt = body.startsAt;
    expect(body.target.channelId).toBe('sport');
    expect(Date.parse(startsAt)).toBeGreaterThanOrEqual(before - 2000);
    expect(Date.parse(startsAt) % 2000).toBe(0);
  });

  test('a break cannot be triggered in an event that is not on air (409) nor with a bad duration (400)', async () => {
    expect((await staff('/events/sport-basket-derby/breaks', { durationSeconds: 20 })).status).toBe(409);
    expect((await staff('/events/sport-hbc-nantes/breaks', { durationSeconds: 2 })).status).toBe(400);
    expect(
      (
        await fetch(`${stack.originUrl}/api/v1/staff/ads/events/sport-hbc-nantes/breaks`, {
          method: 'POST',
          body: '{"durationSeconds":20}',
        })
      ).status,
    ).toBe(401);
  });

  test('every rendition of the live playlist, through the edge, announces it as an interstitial', async () => {
    for (const rendition of ['v360', 'audio-fr', 'subs-fr']) {
      // The playlist a viewer refreshes announces it within a few refreshes (the edge may serve the
      // version it holds while it fetches a new one's parts).
      let text = '';
      for (const deadline = Date.now() + 8000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
        const res = await fetch(`${stack.edgeUrl}/hls/live/sport/${rendition}/index.m3u8`);
        expect(res.status).toBe(200);
        text = await res.text();
        if (interstitials(text).length > 0) break;
      }
      const tags = interstitials(text);
      expect(tags).toHaveLength(1);
      expect(tags[0]).toContain(`ID="ad-${breakId}"`);
      expect(tags[0]).toContain(`START-DATE="${new Date(startsAt).toISOString()}"`);
      expect(tags[0]).toContain('DURATION=20.000');
      expect(tags[0]).toContain(`X-ASSET-LIST="/api/v1/ads/breaks/${breakId}/asset-list"`);
      expect(tags[0]).toContain('X-RESTRICT="SKIP,JUMP"');
      // Live: no resume offset, so the player comes back at the live point.
      expect(tags[0]).not.toContain('X-RESUME-OFFSET');
      // An independent parser reads it, with the program date times that place it.
      const parsed = HlsParser.parse(text) as ParsedMedia;
      expect(parsed.segments.every((s) => s.programDateTime)).toBe(true);
    }
    // Other channels are not interrupted.
    expect(interstitials(await (await fetch(`${stack.edgeUrl}/hls/live/culture/v360/index.m3u8`)).text())).toEqual([]);
  });

  test('the asset list answers spots for the viewer, private and never stored by the edge', async () => {
    const url = `${stack.edgeUrl}/api/v1/ads/breaks/${breakId}/asset-list?_HLS_primary_id=viewer-signaling-1`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('private, no-store');
    const body = (await first.json()) as {
      ASSETS: { URI: string; DURATION: number; 'X-CITETV-AD': { creativeId: string; kind: string } }[];
    };
    // A 20 s break on C'Sport: the bakery (targets sport, priority 20), then Vélocité (all channels).
    expect(body.ASSETS.map((a) => a['X-CITETV-AD'].creativeId)).toEqual(['ad-boulangerie-du-port', 'ad-velocite']);
    expect(body.ASSETS.map((a) => a.DURATION)).toEqual([10, 10]);
    expect(first.headers.get('x-cache')).not.toBe('HIT');
    // Asked again (a retry): the same answer, still not from the cache.
    const again = await fetch(url);
    expect(again.headers.get('x-cache')).not.toBe('HIT');
    expect(((await again.json()) as typeof body).ASSETS.map((a) => a.URI)).toEqual(body.ASSETS.map((a) => a.URI));
  });

  test('the spots are HLS streams the edge caches like any segment', async () => {
    const master = await fetch(`${stack.edgeUrl}/hls/ads/ad-velocite/master.m3u8`);
    expect(master.status).toBe(200);
    expect(await master.text()).toContain('v360/index.m3u8');
    const media = await (await fetch(`${stack.edgeUrl}/hls/ads/ad-velocite/v360/index.m3u8`)).text();
    expect(media).toContain('#EXT-X-ENDLIST');
    const seg = `${stack.edgeUrl}/hls/ads/ad-velocite/v360/0.ts`;
    const a = await fetch(seg);
    await a.arrayBuffer();
    const b = await fetch(seg);
    expect(b.status).toBe(200);
    expect((await b.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(b.headers.get('x-cache')).toBe('HIT');
  });

  test('ffmpeg reads the same live playlist through the edge without an error', async () => {
    const run = await ffmpeg(['-i', `${stack.edgeUrl}/hls/live/sport/master.m3u8`, '-t', '8', '-f', 'null', '-']);
    expect(run.stderr.split(/\r?\n|\r/).filter((l) => /error/i.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    expect(decodedSeconds(run.stderr)).toBeGreaterThanOrEqual(7.5);
  }, 60_000);
});

describe('replay breaks', () => {
  const replay = 'replay-hbc-montpellier';

  test('staff schedule a pre-roll and a mid-roll at a chapter boundary', async () => {
    const pre = await staff(`/replays/${replay}/breaks`, { durationSeconds: 10 });
    expect(pre.status).toBe(201);
    expect(((await pre.json()) as { offset: number }).offset).toBe(0);
    const mid = await staff(`/replays/${replay}/breaks`, { durationSeconds: 10, chapter: 2 });
    expect(mid.status).toBe(201);
    expect(((await mid.json()) as { offset: number }).offset).toBe(26);
    expect((await staff(`/replays/${replay}/breaks`, { durationSeconds: 10 })).status).toBe(409);
    expect((await staff(`/replays/${replay}/breaks`, { durationSeconds: 10, chapter: 0 })).status).toBe(400);
  });

  test('the replay playlist places them by date: PRE at the start, a mid-roll at 26 s, both resuming where the programme was', async () => {
    const text = await (await fetch(`${stack.edgeUrl}/hls/vod/${replay}/v360/index.m3u8`)).text();
    const parsed = HlsParser.parse(text) as ParsedMedia;
    const pdt0 = itemAt(parsed.segments, 0).programDateTime!.getTime();
    const tags = interstitials(text);
    expect(tags).toHaveLength(2);
    const start = (tag: string) => Date.parse(itemAt(/START-DATE="([^"]+)"/.exec(tag)!, 1));
    expect(start(itemAt(tags, 0)) - pdt0).toBe(0);
    expect(tags[0]).toContain('X-CUE="PRE"');
    expect(start(itemAt(tags, 1)) - pdt0).toBe(26_000);
    expect(tags[1]).not.toContain('X-CUE');
    for (const tag of tags) expect(tag).toContain('X-RESUME-OFFSET=0');
    expect(text).toContain('#EXT-X-ENDLIST');
  });

  test('ffmpeg reads the whole replay through the edge, programme only', async () => {
    const run = await ffmpeg(['-i', `${stack.edgeUrl}/hls/vod/${replay}/master.m3u8`, '-f', 'null', '-']);
    expect(run.stderr.split(/\r?\n|\r/).filter((l) => /error/i.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    expect(decodedSeconds(run.stderr)).toBeGreaterThanOrEqual(47.5);
  }, 60_000);
});
