// The participative screen as `npm start` serves it, through the edge in front of the origin: the
// phone page, a sending, the rate per address (the edge's last X-Forwarded-For hop, so a header the
// client forges changes nothing, while a phone on another address is not held back), and the SSE
// stream passed through to a venue screen as the moderator approves (time reported).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, FormData, fetch as undiciFetch } from 'undici';
import { openSse, testJpeg } from '../support/contributions.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { staffClient } from '../support/staff-api.ts';

const ADMIN = 'through-edge-admin-token-0123456789';
const iso = (ms: number) => new Date(ms).toISOString();
let dir: string;
let stack: Stack;
let otherAddress: Agent;
const staff = staffClient(() => stack.originUrl, ADMIN);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cite-tv-contrib-edge-'));
  stack = await startStack({
    origin: {
      staffAdminToken: ADMIN,
      contributions: { config: { mediaDir: dir, perAddressLimit: 2, perDeviceLimit: 50 } },
    },
  });
  // A second phone on another address: loopback 127.0.0.2 binds on Linux.
  otherAddress = new Agent({ localAddress: '127.0.0.2' });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await otherAddress?.close();
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function send(eventId: string, deviceId: string, options: { forwardedFor?: string; dispatcher?: Agent } = {}) {
  const form = new FormData();
  form.set('photo', new Blob([testJpeg(320, 240) as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'photo.jpg');
  form.set('firstName', 'Sam');
  form.set('message', 'Depuis les tribunes');
  form.set('terms', 'on');
  form.set('deviceId', deviceId);
  const response = await undiciFetch(`${stack.edgeUrl}/api/v1/contributions/events/${eventId}`, {
    method: 'POST',
    body: form,
    ...(options.forwardedFor ? { headers: { 'x-forwarded-for': options.forwardedFor } } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  return { status: response.status, body: (await response.json()) as { id?: string; error?: { code: string } } };
}

test('through the edge: page, sendings limited per real address, approval pushed to a screen', async () => {
  let eventId = '';
  for (let i = 0; !eventId; i++) {
    const made = await staff<{ id: string }>('POST', '/events', {
      channelId: 'culture',
      title: 'Concert',
      venue: 'Parc',
      startsAt: iso(Date.now() + 3_600_000),
      endsAt: iso(Date.now() + 7_200_000),
    });
    if (made.status === 201) eventId = made.body.id;
    else if (i > 50) throw new Error(JSON.stringify(made));
    else await new Promise((r) => setTimeout(r, 200));
  }
  await staff('PUT', `/contributions/events/${eventId}/settings`, {
    opensAt: iso(Date.now() - 60_000),
    closesAt: iso(Date.now() + 3_600_000),
  });

  const page = await fetch(`${stack.edgeUrl}/participer/${eventId}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script src="/participer/app.js"');

  const screen = openSse(`${stack.edgeUrl}/api/v1/contributions/events/${eventId}/stream`);
  await screen.next('snapshot');

  // Three sendings from one address, each claiming another one: the third is refused.
  const forged = [];
  for (const claim of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
    forged.push((await send(eventId, `phone-${claim.replaceAll('.', '-')}`, { forwardedFor: claim })).status);
  expect(forged).toEqual([201, 201, 429]);
  // Another address is not held back by that one.
  const other = await send(eventId, 'phone-other-address', { dispatcher: otherAddress });
  expect(other.status).toBe(201);

  const asked = performance.now();
  expect((await staff('POST', `/contributions/${other.body.id}/approve`, {})).status).toBe(200);
  const announced = await screen.next('approved');
  process.stderr.write(`contributions: approve → SSE through the edge in ${(announced.at - asked).toFixed(1)} ms\n`);
  expect(announced.data).toMatchObject({ item: { id: other.body.id } });

  const photo = `${stack.edgeUrl}/contributions/photos/${other.body.id}.jpg`;
  expect((await fetch(photo)).status).toBe(200);
  await staff('POST', `/contributions/${other.body.id}/reject`, {});
  expect((await screen.next('removed')).data).toEqual({ type: 'removed', id: other.body.id });
  // Not kept by the edge: once rejected it is gone for everyone at once.
  expect((await fetch(photo)).status).toBe(404);
  await screen.close();
});
