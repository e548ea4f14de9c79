// The same edge core under Deno (Deno.serve), in front of a test upstream.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let upstream: TestUpstream;
let deno: ChildProcess | undefined;
let diskDir: string;

beforeAll(async () => {
  upstream = await startUpstream();
  diskDir = await mkdtemp(join(tmpdir(), 'edge-deno-disk-'));
});
afterAll(async () => {
  if (deno && deno.exitCode === null) {
    const exited = new Promise((r) => deno!.once('exit', r));
    deno.kill('SIGTERM');
    await exited;
  }
  await upstream.close();
  await rm(diskDir, { recursive: true, force: true });
});

it('starts under Deno, serves a cached object as HIT, keeps it on disk and exposes metrics', async () => {
  upstream.on('/hls/vod/d/v1/0.ts', { headers: { 'cache-control': 'max-age=86400' }, body: 'deno-segment' });
  const root = new URL('../..', import.meta.url).pathname;
  // The binary itself (not `npx deno`), so the pid we stop is deno's.
  deno = spawn(
    `${root}node_modules/deno/deno`,
    [
      'run',
      '--allow-net',
      '--allow-read',
      '--allow-env',
      '--allow-write',
      '--node-modules-dir=manual',
      'edge-origin/src/bin/edge.deno.ts',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        EDGE_PORT: '0',
        UPSTREAM_URL: upstream.url,
        EDGE_DISK_DIR: diskDir,
        EDGE_ACCESS_LOG: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  deno.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    deno!.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(itemAt(m, 1));
    });
    deno!.once('exit', (code) => reject(new Error(`deno exited (${code}): ${stderr}`)));
  });
  const first = await fetch(`${url}/hls/vod/d/v1/0.ts`);
  expect(first.headers.get('x-cache')).toBe('MISS');
  expect(await first.text()).toBe('deno-segment');
  const second = await fetch(`${url}/hls/vod/d/v1/0.ts`);
  expect(second.headers.get('x-cache')).toBe('HIT');
  expect(await second.text()).toBe('deno-segment');
  expect(upstream.count('/hls/vod/d/v1/0.ts')).toBe(1);
  // Readiness under Deno: no site registry (no Redis there), the upstream answers the probe.
  const ready = await fetch(`${url}/_edge/health/ready`);
  expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  // prom-client runs under Deno; the disk tier (node:fs) too.
  const metrics = await (await fetch(`${url}/_edge/metrics`)).text();
  expect(metrics).toContain('edge_requests_total{status="200",cache="HIT"} 1');
  for (let i = 0; i < 1000 && !(await readdir(diskDir)).some((f) => f.endsWith('.meta')); i++)
    await new Promise((r) => setTimeout(r, 20));
  expect((await readdir(diskDir)).filter((f) => f.endsWith('.body'))).toHaveLength(1);
}, 120_000);
