// The staff page for ads and audience (/staff/ads/) in Chromium, on a real origin: viewers now
// per channel, a break launched from the live event's row, the sponsor chosen for an event, and
// the sponsor report of the event — peak, average, minutes and a chart of viewers over time.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ACTIVE_WINDOW_MS } from '../../shared/audience/keys.ts';
import { MemoryAudience } from '../../edge-origin/src/origin/audience/index.ts';
import { launchTv, screenshot, type TvBrowser } from '../support/browser.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';

const ADMIN = 'console-admin-token-0123456789';
const audience = new MemoryAudience();
let origin: TestOrigin;
let browser: TvBrowser;

beforeAll(async () => {
  origin = await startOrigin({ staffAdminToken: ADMIN, ads: { audience: { store: audience, sampleEveryMs: 0 } } });
  browser = await launchTv();
}, MEDIA_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await origin?.close();
});

const staff = (path: string) => fetch(`${origin.url}/api/v1/staff${path}`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.json());

test('viewers now, a live break and the event sponsor from the page; the report shows the figures and the chart', async () => {
  // Ten minutes of handball audience, sampled every 30 s: 10 viewers, then 40, then 25.
  const now = Date.now();
  const start = now - 10 * 60_000;
  const viewersAt = (t: number) => (t < start + 3 * 60_000 ? 10 : t < start + 7 * 60_000 ? 40 : 25);
  const samples: number[] = [];
  for (let t = start; t <= now; t += 10_000) {
    const n = viewersAt(t);
    await audience.record(Array.from({ length: n }, (_, i) => ({ channel: 'sport', viewer: `sid:v${i}`, seenMs: t })));
    if ((t - start) % 30_000 === 0) samples.push((await audience.sample('sport', t)).viewers);
  }
  expect(Math.max(...samples)).toBe(40);

  const { page } = browser;
  await page.goto(`${origin.url}/staff/ads/`);
  await page.fill('[data-testid="token"]', ADMIN);
  await page.click('#login button');
  await page.waitForSelector('[data-testid="viewers-sport"]');
  // Viewers now: those seen in the last 30 s (the last sighting was at `now`).
  expect(Number(await page.textContent('[data-testid="viewers-sport"]'))).toBe(Date.now() - now < ACTIVE_WINDOW_MS ? 25 : 0);

  // A 30 s break in the live handball, from its row.
  await page.fill('[data-testid="break-duration-sport-hbc-nantes"]', '30');
  await page.click('[data-testid="break-sport-hbc-nantes"]');
  await page.waitForSelector('[data-testid="message"].ok');
  expect(await page.textContent('[data-testid="message"]')).toMatch(/^Coupure de 30 s lancée/);
  const breaks = (await staff('/ads/breaks')) as { breaks: { target: { eventId: string }; durationSeconds: number }[] };
  expect(breaks.breaks.map((b) => [b.target.eventId, b.durationSeconds])).toEqual([['sport-hbc-nantes', 30]]);

  // The event's sponsor.
  await page.selectOption('[data-testid="sponsor-sport-hbc-nantes"]', 'velocite');
  await page.waitForFunction(() => document.querySelector('[data-testid="message"]')?.textContent === 'Partenaire enregistré');
  const events = (await staff('/events')) as { events: { id: string; sponsorId?: string }[] };
  expect(events.events.find((e) => e.id === 'sport-hbc-nantes')!.sponsorId).toBe('velocite');

  // The report: figures and one chart point per sample.
  await page.click('[data-testid="report-sport-hbc-nantes"]');
  await page.waitForSelector('[data-testid="chart"]');
  expect(await page.textContent('[data-testid="peak"]')).toMatch(/^40/);
  const report = (await staff('/audience/events/sport-hbc-nantes/report')) as { audience: { average: number; minutesWatched: number; samples: unknown[] }; sponsor: { id: string } };
  expect(report.sponsor.id).toBe('velocite');
  expect(report.audience.samples).toHaveLength(samples.length);
  expect(report.audience.average).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 1);
  // Minutes: every viewer present at consecutive 10 s sightings watched those 10 s.
  expect(report.audience.minutesWatched).toBeGreaterThan(0);
  expect(await page.textContent('[data-testid="average"]')).toContain(String(report.audience.average));
  expect(await page.textContent('[data-testid="minutes"]')).toContain(String(report.audience.minutesWatched));
  const points = await page.getAttribute('[data-testid="chart"] polyline', 'points');
  expect(points!.trim().split(/\s+/)).toHaveLength(samples.length);
  await page.locator('[data-testid="report"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-ads-report');
  expect(browser.errors).toEqual([]);
}, 120_000);
