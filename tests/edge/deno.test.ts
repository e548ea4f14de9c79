// The same edge core under Deno (Deno.serve), in front of a test upstream.
import { spawn, type ChildProcess } from 'node:child_process';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';

let upstream: TestUpstream;
let deno: ChildProcess | undefined;

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  if (deno && deno.exitCode === null) {
    const exited = new Promise((r) => deno!.once('exit', r));
    deno.kill('SIGTERM');
    await exited;
  }
  await upstream.close();
});

it('starts under Deno and serves a cached object as HIT', async () => {
  upstream.on('/hls/vod/d/v1/0.ts', { headers: { 'cache-control': 'max-age=60' }, body: 'deno-segment' });
  const root = new URL('../..', import.meta.url).pathname;
  // The binary itself (not `npx deno`), so the pid we stop is deno's.
  deno = spawn(
    `${root}node_modules/deno/deno`,
    ['run', '--allow-net', '--allow-read', '--allow-env', '--allow-write', '--node-modules-dir=manual', 'edge-origin/src/bin/edge.deno.ts'],
    { cwd: root, env: { ...process.env, EDGE_PORT: '0', UPSTREAM_URL: upstream.url }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  deno.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    deno!.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
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
}, 120_000);
