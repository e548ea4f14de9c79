// The origin's signing of the TV's API answers (origin/access/sign-playback.ts), on a small Hono
// app shaped like the catalog (its own ETag middleware inside) with a clock the test moves: which
// paths get signed, and that revalidations never keep a body whose tokens have expired.
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { expiryStepSeconds, signPlaybackUrls } from '../../edge-origin/src/origin/access/sign-playback.ts';
import { Keyring } from '../../shared/signing/url-signing.ts';
import type { AccessConfig } from '../../shared/signing/access-config.ts';

const access: AccessConfig = {
  keys: [{ id: 'k2026a', secret: 'the-city-tv-signing-secret' }],
  restrictedPrefixes: ['/hls/live/sport/'],
  ttlSeconds: 3600,
};
const STEP_MS = 600_000;
let nowMs = Math.floor(Date.parse('2026-12-03T14:00:00Z') / STEP_MS) * STEP_MS + 1000;

const body = {
  live: { playbackUrl: '/hls/live/sport/master.m3u8', poster: '/images/posters/a/card.jpg' },
  others: ['/hls/live/culture/master.m3u8'],
};

function app(): Hono {
  const a = new Hono();
  const signing = signPlaybackUrls(access, () => nowMs);
  if (!signing) throw new Error('signing off');
  a.use('/api/v1/*', signing);
  a.use('/api/v1/*', etag());
  a.get('/api/v1/home', (c) => c.json(body));
  a.get('/api/v1/staff/events/x', (c) => c.json(body));
  return a;
}

describe('the origin signs restricted URLs in the TV API', () => {
  it('signs paths under a restricted prefix only, with a token the edge accepts for the whole prefix', async () => {
    const res = await app().request('/api/v1/home');
    const json = (await res.json()) as typeof body;
    const signed = new URL(json.live.playbackUrl, 'http://edge');
    expect(signed.pathname).toBe('/hls/live/sport/master.m3u8');
    const verdict = await new Keyring(access.keys).verify(
      new URL(`/hls/live/sport/v360/1.ts${signed.search}`, signed),
      nowMs / 1000,
    );
    expect(verdict).toMatchObject({ ok: true, prefix: '/hls/live/sport/', keyId: 'k2026a' });
    // At least the configured lifetime, rounded up to the next 10-minute step.
    if (!verdict.ok) throw new Error('refused');
    expect(verdict.expires * 1000 - nowMs).toBeGreaterThanOrEqual(3600_000);
    expect(verdict.expires % 600).toBe(0);
    expect(json.live.poster).toBe(body.live.poster);
    expect(json.others).toEqual(body.others);
  });

  it('rounds expiries to 10 minutes, or to a quarter of a lifetime under 40 minutes', () => {
    expect(expiryStepSeconds(6 * 3600)).toBe(600);
    expect(expiryStepSeconds(3600)).toBe(600);
    expect(expiryStepSeconds(80)).toBe(20); // a short test token lasts 80 to 100 s, not up to 680
    expect(expiryStepSeconds(2)).toBe(1);
  });

  it('leaves the staff API as stored (the régie would save a signed URL back)', async () => {
    const res = await app().request('/api/v1/staff/events/x');
    expect(await res.json()).toEqual(body);
  });

  it('keeps one ETag within a step (304), and a new body with a new ETag after it', async () => {
    const a = app();
    const first = await a.request('/api/v1/home');
    const tag = first.headers.get('etag') ?? '';
    const firstText = await first.text();
    expect(tag).toMatch(/^"[0-9a-f]{40}"$/);
    nowMs += 60_000;
    const same = await a.request('/api/v1/home', { headers: { 'if-none-match': tag } });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe(tag);
    nowMs += STEP_MS;
    // The catalog's own ETag (of the unsigned body, unchanged) must not answer 304 here.
    const later = await a.request('/api/v1/home', { headers: { 'if-none-match': tag } });
    expect(later.status).toBe(200);
    expect(later.headers.get('etag')).not.toBe(tag);
    expect(await later.text()).not.toBe(firstText);
  });
});
