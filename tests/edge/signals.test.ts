// The real `npm run edge` entry point (bin/edge.node.ts via tsx) as a service manager drives it:
// SIGHUP reloads the config file and keeps serving (knobs read on each use apply at once, the
// others at the next restart, an invalid file changes nothing); SIGTERM stops accepting, lets
// responses in progress finish, and exits within its grace even if one never does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startUpstream, gate, type TestUpstream } from '../support/upstream.ts';

const root = new URL('../..', import.meta.url).pathname;
let upstream: TestUpstream;
let dir: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  upstream = await startUpstream();
  dir = mkdtempSync(path.join(tmpdir(), 'edge-signals-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

interface EdgeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

async function spawnEdge(file: string, config: Record<string, unknown>, args: string[] = []): Promise<EdgeProcess> {
  writeFileSync(file, JSON.stringify(config));
  // tsx's loader in this very process (the tsx CLI runs a child and would relay SIGHUP to nobody).
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}edge-origin/src/bin/edge.node.ts`, ...args], {
    cwd: root,
    env: { ...process.env, EDGE_CONFIG_FILE: file, EDGE_PORT: '0', EDGE_ACCESS_LOG: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(
    () => /listening on (http:\/\/\S+)/.test(output),
    () => output,
    30_000,
  );
  const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
  return { child, url, output: () => output, exited };
}

async function waitFor(check: () => boolean, output: () => string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not seen within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SIGHUP', () => {
  it('reloads the config file and keeps serving: reloadable knobs now, the rest at the next restart', async () => {
    const file = path.join(dir, 'reload.json');
    const config = { upstreamUrl: upstream.url, allowedMethods: ['GET', 'HEAD'] };
    upstream.on('/reload/item', { headers: { 'cache-control': 'max-age=600' }, body: 'item' });
    const edge = await spawnEdge(file, config);
    expect((await fetch(`${edge.url}/reload/item`)).status).toBe(200);
    expect((await fetch(`${edge.url}/reload/item`, { method: 'DELETE' })).status).toBe(405);

    writeFileSync(file, JSON.stringify({ ...config, allowedMethods: ['GET', 'HEAD', 'DELETE'], memoryBytes: 1e6 }));
    edge.child.kill('SIGHUP');
    await waitFor(() => /reload: config valid; changed: /.test(edge.output()), edge.output);
    expect(edge.output()).toMatch(/applied now: allowedMethods; at the next restart: memoryBytes/);
    const deleted = await fetch(`${edge.url}/reload/item`, { method: 'DELETE' });
    expect(deleted.status).toBe(200); // the upstream's answer: the edge let it through
    expect(upstream.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    // Same process, same cache: the stored item survived the reload.
    expect(edge.child.exitCode).toBeNull();

    writeFileSync(file, JSON.stringify({ ...config, memoryBytes: 'lots' }));
    edge.child.kill('SIGHUP');
    await waitFor(() => /reload: .*memoryBytes.*still running/.test(edge.output()), edge.output);
    expect((await fetch(`${edge.url}/reload/item`, { method: 'DELETE' })).status).toBe(200); // unchanged
    expect(edge.child.exitCode).toBeNull();
    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
  }, 60_000);
});

describe('SIGHUP with several workers', () => {
  it('the primary checks the config and passes the signal on: every worker applies it', async () => {
    const file = path.join(dir, 'workers.json');
    const config = { upstreamUrl: upstream.url, allowedMethods: ['GET', 'HEAD'] };
    upstream.on('/workers/item', { body: 'item' });
    const edge = await spawnEdge(file, config, ['--workers', '2']);
    writeFileSync(file, JSON.stringify({ ...config, allowedMethods: ['GET', 'HEAD', 'DELETE'] }));
    edge.child.kill('SIGHUP');
    // Each worker says so: it applied the change, or (forked while the file changed) started with it.
    const workerLines = /reload: config valid(?:; changed: allowedMethods; applied now: allowedMethods|, unchanged)/g;
    await waitFor(() => (edge.output().match(workerLines) ?? []).length === 2, edge.output);
    expect(edge.output()).toMatch(/passed on to the workers/);
    // Each request on its own connection, taken by either worker: each answers it as allowed now.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${edge.url}/workers/item`, { method: 'DELETE', headers: { connection: 'close' } }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual(Array(20).fill(200));
    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
  }, 60_000);

  it('starts its workers with V8 flags of their own: no memory reducer (it collected idle-looking workers over and over)', async () => {
    const edge = await spawnEdge(path.join(dir, 'flags.json'), { upstreamUrl: upstream.url }, ['--workers', '2']);
    const pid = edge.child.pid!;
    const workers = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const flags = (p: number) => readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
    expect(workers).toHaveLength(2);
    for (const worker of workers) expect(flags(worker)).toContain('--no-memory-reducer');
    // The primary keeps the command line it was given.
    expect(flags(pid)).not.toContain('--no-memory-reducer');
    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
  }, 60_000);
});

describe('SIGTERM', () => {
  it('stops accepting, finishes the response in progress, then exits 0', async () => {
    const release = gate();
    upstream.on('/drain/segment.ts', {
      headers: { 'cache-control': 'max-age=600' },
      body: ['first half, ', { wait: release.promise }, 'second half'],
    });
    const edge = await spawnEdge(path.join(dir, 'drain.json'), { upstreamUrl: upstream.url, shutdownGraceMs: 20_000 });
    const inFlight = await fetch(`${edge.url}/drain/segment.ts`);
    const body = inFlight.text();
    edge.child.kill('SIGTERM');
    // New connections are refused while the response in progress goes on.
    await expect(refused(edge.url)).resolves.toBe(true);
    expect(edge.child.exitCode).toBeNull();
    release.open();
    expect(await body).toBe('first half, second half');
    expect(await edge.exited).toBe(0);
  }, 60_000);

  it('exits within its grace even when a response never ends, cutting it', async () => {
    const never = gate();
    upstream.on('/drain/stuck.ts', { body: ['begun', { wait: never.promise }, 'never'] });
    const edge = await spawnEdge(path.join(dir, 'stuck.json'), { upstreamUrl: upstream.url, shutdownGraceMs: 500 });
    const inFlight = await fetch(`${edge.url}/drain/stuck.ts`);
    const body = inFlight.text().then(
      (text) => ({ cut: false, text }),
      () => ({ cut: true, text: '' }),
    );
    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
    expect(await body).toEqual({ cut: true, text: '' });
    never.open();
  }, 60_000);
});

/** Whether a new connection to the edge is refused (tries for a few seconds while it stops listening). */
async function refused(url: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`${url}/drain/other`, { signal: AbortSignal.timeout(1000) });
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
