// The staff API as the tests drive it, and the flow several of them need: a live scheduled,
// started, stopped and published as a replay.
import { expect } from '@jest/globals';
import type { Replay } from '../../shared/catalog/types.ts';

export type StaffCall = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

/** Calls `/api/v1/staff<path>` with the token; `originUrl` is read per call (origins start in beforeAll). */
export function staffClient(originUrl: () => string, token: string): StaffCall {
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${originUrl()}/api/v1/staff${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // A 204 (a deletion) has no body: null.
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

/**
 * Schedules a live on `channelId` (starting a minute after `nowMs`), starts it, lets `onAir`
 * move the test's clock while it records, stops it and publishes its replay.
 */
export async function publishLiveReplay(
  staff: StaffCall,
  live: { channelId: string; title: string; nowMs: number },
  onAir: () => void,
): Promise<Replay> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const created = await staff<{ id: string }>('POST', '/events', {
    channelId: live.channelId,
    title: live.title,
    venue: 'Salle',
    startsAt: iso(live.nowMs + 60_000),
    endsAt: iso(live.nowMs + 3_600_000),
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await staff('POST', `/events/${id}/start`, {})).status).toBe(200);
  onAir();
  expect((await staff('POST', `/events/${id}/stop`, {})).status).toBe(200);
  const published = await staff<Replay>('POST', `/events/${id}/publish`, {});
  expect(published.status).toBe(201);
  return published.body;
}

/**
 * Waits until the origin's demo ads (two sponsors, one campaign each, seeded in the background
 * at start) are in the store, so a test can rely on them. Polls the staff sponsor list.
 */
export async function demoSponsorsSeeded(originUrl: string, token: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${originUrl}/api/v1/staff/sponsors`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { sponsors } = (await response.json()) as { sponsors: { id: string }[] };
    if (['velocite', 'boulangerie-du-port'].every((id) => sponsors.some((s) => s.id === id))) return;
    if (Date.now() > deadline) throw new Error('demo sponsors never seeded');
    await new Promise((r) => setTimeout(r, 100));
  }
}
