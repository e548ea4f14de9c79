// The same origin under Deno (Deno.serve), started the documented way from the npm `deno`; and
// as an origin replica (ORIGIN_REPLICA_URL + REDIS_URL, a real redis-server): it takes the free
// leases, proxies a channel another replica holds, and releases its leases on SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createClient } from 'redis';
import type { ChannelsResponse } from '../../shared/catalog/types.ts';
import { MEDIA_TIMEOUT_MS, ensureTestMedia } from '../support/media.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { until } from '../support/replicas.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const started: ChildProcess[] = [];
let redis: TestRedis | undefined;
let fakeHolder: Server | undefined;

beforeAll(() => ensureTestMedia(), MEDIA_TIMEOUT_MS);
afterAll(async () => {
  for (const deno of started) await stopDeno(deno);
  fakeHolder?.close();
  await redis?.stop();
});

async function stopDeno(deno: ChildProcess): Promise<void> {
  if (deno.exitCode !== null || deno.signalCode !== null) return;
  const exited = new Promise((resolve) => deno.once('exit', resolve));
  deno.kill('SIGTERM');
  await exited;
}

/** origin.deno.ts under the deno binary itself (not `npx deno`, so the pid we stop is deno's); its URL once listening. */
async function startDeno(env: Record<string, string>): Promise<{ deno: ChildProcess; url: string }> {
  const deno = spawn(
    `${ROOT}node_modules/deno/deno`,
    [
      'run',
      '--allow-net',
      '--allow-read',
      '--allow-env',
      '--allow-write',
      '--allow-sys',
      '--node-modules-dir=manual',
      'edge-origin/src/bin/origin.deno.ts',
    ],
    {
      cwd: ROOT,
      // The « listening » line is the logger's, at info.
      env: { ...process.env, ORIGIN_PORT: '0', ORIGIN_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.push(deno);
  let stderr = '';
  deno.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    deno.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (match) resolve(itemAt(match, 1));
    });
    deno.once('exit', (code) => reject(new Error(`deno exited (${code}): ${stderr}`)));
  });
  return { deno, url };
}

test('origin.deno.ts serves the catalog and live HLS under Deno', async () => {
  const { url } = await startDeno({});

  const response = await fetch(`${url}/api/v1/channels`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as ChannelsResponse;
  expect(body.channels.map((c) => c.name)).toEqual(["C'Sport", "C'Culture", "C'Business", "C'Agglo"]);

  const playlist = await fetch(`${url}/hls/live/business/v360/index.m3u8`);
  expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  // The newest whole segment: the last URI line (LL-HLS tags may follow it).
  const last = (await playlist.text())
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .at(-1)!;
  const segment = await fetch(`${url}/hls/live/business/v360/${last}`);
  expect(segment.status).toBe(200);
  expect(new Uint8Array(await segment.arrayBuffer())[0]).toBe(0x47);
}, 120_000);

test('origin.deno.ts is an origin replica with ORIGIN_REPLICA_URL and REDIS_URL', async () => {
  redis = await startRedis();
  const client: ReturnType<typeof createClient> = createClient({ url: redis.url });
  await client.connect();
  try {
    // Another replica holds culture: a stand-in answering every path with a playlist of its own.
    const hops: (string | undefined)[] = [];
    fakeHolder = createServer((req, res) => {
      hops.push(req.headers['x-origin-replica-hop'] as string | undefined);
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end('#EXTM3U\n# from the holder\n');
    });
    const holderPort = await freePort();
    await new Promise<void>((resolve) => fakeHolder!.listen(holderPort, '127.0.0.1', resolve));
    await client.set(
      'citetv:live:lease:culture',
      JSON.stringify({ id: 'other', url: `http://127.0.0.1:${holderPort}`, fence: 7 }),
      { PX: 60_000 },
    );

    const port = await freePort();
    const token = 'deno-replica-staff-token-0123';
    const { deno, url } = await startDeno({
      ORIGIN_PORT: String(port),
      REDIS_URL: redis.url,
      ORIGIN_REPLICA_URL: `http://127.0.0.1:${port}`,
      // Long enough that a lease gone within a second of SIGTERM was released, not expired.
      ORIGIN_LIVE_LEASE_MS: '20000',
      ORIGIN_LIVE_LEASE_RENEW_MS: '500',
      STAFF_ADMIN_TOKEN: token,
    });
    // The free channels' leases are its own (the default id: random, not the host's name).
    const sport = await until('the Deno replica to take the free leases', async () => {
      const value = await client.get('citetv:live:lease:sport');
      return value ? (JSON.parse(value) as { id: string; url: string }) : undefined;
    });
    expect(sport.url).toBe(`http://127.0.0.1:${port}`);
    expect(sport.id).toMatch(/^r-[0-9a-f]{8}$/);
    // The held channel is asked of its holder (once the lease is read: its first tick).
    const proxied = await until('the Deno replica to proxy culture', async () => {
      const res = await fetch(`${url}/hls/live/culture/v360/index.m3u8`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      return text.includes('from the holder') ? { res, text } : undefined;
    });
    expect(proxied.res.headers.get('x-origin-replica')).toBe('proxied other#7');
    // Sent on with the replicas' shared secret as its hop mark (not a name a viewer could forge).
    expect(hops.at(-1)).toBe(await client.get('citetv:live:hop'));
    // Its own channel is its own timeline.
    const own = await fetch(`${url}/hls/live/sport/v360/index.m3u8`);
    expect(await own.text()).toMatch(/#EXT-X-MEDIA-SEQUENCE:\d+/);

    // A clean stop releases its leases at once (the other replicas take them at their next tick).
    const stoppedAt = Date.now();
    await stopDeno(deno);
    expect(await client.get('citetv:live:lease:sport')).toBeNull();
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await client.get('citetv:live:lease:culture')).not.toBeNull(); // not its own to release
  } finally {
    await client.quit();
  }
}, 120_000);
