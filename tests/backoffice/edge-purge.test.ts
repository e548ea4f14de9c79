// What the origin sends to the edges after a back-office write, seen by a fake edge over real
// HTTP: the wire format (one place: purge/edge-purge-client.ts), the per-tag fallback, and that
// a purge failing (edge down, edge refusing) never fails the write. Then a real edge in front of
// the origin: the sponsor list it caches is replaced right after each sponsor write.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgePurgeClient } from '../../edge-origin/src/origin/purge/edge-purge-client.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { demoSponsorsSeeded } from '../support/staff-api.ts';
import type { Sponsor } from '../../shared/catalog/types.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** A fake edge: records every request; answers `reply(body)`'s status. */
async function fakeEdge(
  reply: (body: unknown) => number,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = text ? JSON.parse(text) : null;
      seen.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, body });
      res.writeHead(reply(body), { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('edge purge client', () => {
  test('POST /_edge/purge with the bearer token and {"surrogateKeys": [...]}', async () => {
    const edge = await fakeEdge(() => 200);
    try {
      const outcomes = await new EdgePurgeClient({ urls: [edge.url], token: 'secret' }).purge(['catalog', 'event-x']);
      expect(outcomes).toEqual([{ url: `${edge.url}/_edge/purge`, ok: true, status: 200 }]);
      expect(edge.seen).toEqual([
        {
          method: 'POST',
          path: '/_edge/purge',
          authorization: 'Bearer secret',
          body: { surrogateKeys: ['catalog', 'event-x'] },
        },
      ]);
    } finally {
      await edge.close();
    }
  });

  test('an edge that answers 400 to the list gets one {"tag"} per key', async () => {
    const edge = await fakeEdge((body) => (body && typeof body === 'object' && 'tag' in body ? 200 : 400));
    try {
      const [outcome] = await new EdgePurgeClient({ urls: [edge.url], token: 't' }).purge(['catalog', 'event-x']);
      expect(outcome!.ok).toBe(true);
      expect(edge.seen.map((s) => s.body)).toEqual([
        { surrogateKeys: ['catalog', 'event-x'] },
        { tag: 'catalog' },
        { tag: 'event-x' },
      ]);
    } finally {
      await edge.close();
    }
  });

  test('an unreachable edge is logged, never thrown', async () => {
    const logs: string[] = [];
    const outcomes = await new EdgePurgeClient({ urls: ['http://127.0.0.1:1'], log: (m) => logs.push(m) }).purge([
      'catalog',
    ]);
    expect(itemAt(outcomes, 0).ok).toBe(false);
    expect(logs[0]).toMatch(/purge: .* failed/);
  });
});

describe('the origin purges after each committed write, and only then', () => {
  let origin: TestOrigin;
  let edge: Awaited<ReturnType<typeof fakeEdge>>;
  const urls: string[] = [];

  beforeAll(async () => {
    edge = await fakeEdge(() => 500); // an edge in trouble: writes must still succeed
    urls.push(edge.url, 'http://127.0.0.1:1');
    origin = await startOrigin({ staffAdminToken: 'admin', edgePurge: { urls, token: 'edge-token', log: () => {} } });
  }, MEDIA_TIMEOUT_MS);
  afterAll(async () => {
    await origin?.close();
    await edge?.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${origin.url}/api/v1/staff${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a committed write purges catalog + the event on every edge, even when they fail', async () => {
    const response = await post('/events', {
      channelId: 'agglo',
      title: 'Conseil',
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 7200_000).toISOString(),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(edge.seen).toEqual([
      {
        method: 'POST',
        path: '/_edge/purge',
        authorization: 'Bearer edge-token',
        body: { surrogateKeys: ['catalog', `event-${id}`] },
      },
    ]);
  });

  test('a refused write purges nothing', async () => {
    edge.seen.length = 0;
    const response = await post('/events', { channelId: 'agglo', title: '' });
    expect(response.status).toBe(400);
    expect(edge.seen).toEqual([]);
  });
});

describe('a real edge in front: the TV sponsor list changes right after each sponsor write', () => {
  let stack: Stack;
  const ADMIN = 'edge-sponsors-admin';

  beforeAll(async () => {
    stack = await startStack({ origin: { staffAdminToken: ADMIN }, purgeEdge: true });
    await demoSponsorsSeeded(stack.originUrl, ADMIN);
  }, MEDIA_TIMEOUT_MS);
  afterAll(async () => {
    await stack?.close();
  });

  const staff = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.originUrl}/api/v1/staff${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  /** What a TV gets through the edge, and whether the edge answered from its cache. */
  const viaEdge = async () => {
    const response = await fetch(`${stack.edgeUrl}/api/v1/sponsors`);
    const { sponsors } = (await response.json()) as { sponsors: Sponsor[] };
    return { cache: response.headers.get('x-cache'), names: sponsors.map((s) => s.name).sort() };
  };
  /** The list is in the edge's cache (fresh for 10 s): without a purge the edge would keep serving it. */
  const cached = async () => {
    await viaEdge();
    const again = await viaEdge();
    expect(again.cache).toBe('HIT');
    return again.names;
  };

  test('create, edit, delete: each is seen through the edge at once', async () => {
    expect(await cached()).toEqual(['Boulangerie du Port', 'Vélocité']);

    const created = await staff('POST', '/sponsors', { name: 'Fromagerie Lebrun', url: 'https://fromagerie.example' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as Sponsor;
    expect((await viaEdge()).names).toEqual(['Boulangerie du Port', 'Fromagerie Lebrun', 'Vélocité']);

    expect(await cached()).toContain('Fromagerie Lebrun');
    expect((await staff('PATCH', `/sponsors/${id}`, { name: 'Fromagerie Lebrun & Fille' })).status).toBe(200);
    expect((await viaEdge()).names).toEqual(['Boulangerie du Port', 'Fromagerie Lebrun & Fille', 'Vélocité']);

    expect(await cached()).toContain('Fromagerie Lebrun & Fille');
    expect((await staff('DELETE', `/sponsors/${id}`)).status).toBe(204);
    expect((await viaEdge()).names).toEqual(['Boulangerie du Port', 'Vélocité']);
  });
});
