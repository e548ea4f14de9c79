// Running the edge: purge API, metrics, access log, upstream timeouts and failover, request
// limits, configuration errors and graceful shutdown.
import { startUpstream, gate, deadPort, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { loadEdgeConfig } from '../../edge-origin/src/edge/config.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

let upstream: TestUpstream;
const started: StartedEdge[] = [];
let n = 0;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
  await upstream.close();
});
async function edgeWith(config: Record<string, unknown> = {}, deps = {}) {
  const e = await startEdge({ upstreamUrl: upstream.url, ...config }, deps);
  started.push(e);
  return e;
}
const cacheOf = async (url: string) => (await fetch(url)).headers.get('x-cache');

describe('purge API', () => {
  const token = 'purge-secret-for-tests';
  let edge: StartedEdge;
  beforeAll(async () => {
    edge = await edgeWith({ adminToken: token });
  });
  const purge = (body: unknown, auth = `Bearer ${token}`) =>
    fetch(`${edge.url}/_edge/purge`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a missing or wrong bearer token', async () => {
    expect((await purge({ prefix: '/' }, 'Bearer nope')).status).toBe(401);
    expect((await purge({ prefix: '/' }, '')).status).toBe(401);
    const disabled = await edgeWith();
    const res = await fetch(`${disabled.url}/_edge/purge`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
      body: '{"prefix":"/"}',
    });
    expect(res.status).toBe(403);
  });

  it('rejects a body that is not exactly one of url, prefix, tag', async () => {
    expect((await purge({ url: '/a', prefix: '/b' })).status).toBe(400);
    expect((await purge({})).status).toBe(400);
  });

  it('purges by exact URL (query included), by prefix, and by surrogate key', async () => {
    const d = `/p${++n}`;
    for (const name of ['a', 'b', 'c']) {
      upstream.on(`${d}/${name}.ts`, {
        headers: {
          'cache-control': 'max-age=600',
          'surrogate-key': `all-${n} item-${name}`,
          'cache-tag': `ct-${name}`,
        },
        body: name,
      });
    }
    upstream.on(`/other${n}.ts`, { headers: { 'cache-control': 'max-age=600' }, body: 'o' });
    const urls = ['a', 'b', 'c'].map((x) => `${edge.url}${d}/${x}.ts`);
    for (const u of [...urls, `${edge.url}/other${n}.ts`]) await fetch(u);
    expect(await Promise.all(urls.map(cacheOf))).toEqual(['HIT', 'HIT', 'HIT']);

    expect(await (await purge({ url: `${d}/a.ts` })).json()).toEqual({ purged: 1 });
    expect(await cacheOf(itemAt(urls, 0))).toBe('MISS');
    expect(await cacheOf(itemAt(urls, 1))).toBe('HIT');

    expect(await (await purge({ tag: 'item-b' })).json()).toEqual({ purged: 1 });
    expect(await cacheOf(itemAt(urls, 1))).toBe('MISS');
    expect(await (await purge({ tag: 'ct-c' })).json()).toEqual({ purged: 1 });
    expect(await cacheOf(itemAt(urls, 2))).toBe('MISS');

    for (const x of urls) await fetch(x);
    // The origin's purge client sends every surrogate key of a write at once.
    expect(await (await purge({ surrogateKeys: ['item-a', 'ct-b'] })).json()).toEqual({ purged: 2 });
    expect(await Promise.all(urls.map(cacheOf))).toEqual(['MISS', 'MISS', 'HIT']);

    expect((await (await purge({ prefix: `${d}/` })).json()).purged).toBe(3);
    expect(await Promise.all(urls.map(cacheOf))).toEqual(['MISS', 'MISS', 'MISS']);
    expect(await cacheOf(`${edge.url}/other${n}.ts`)).toBe('HIT');
  });

  it('a purge during a fetch in flight keeps the old object out of the cache', async () => {
    const p = `/inflight${++n}.ts`;
    const release = gate();
    upstream.on(p, {
      headers: { 'cache-control': 'max-age=600' },
      body: ['old-', { wait: release.promise }, 'content'],
    });
    const pending = fetch(`${edge.url}${p}`).then((r) => r.text());
    while (upstream.count(p) < 1) await new Promise((r) => setTimeout(r, 5));
    await purge({ url: p });
    release.open();
    expect(await pending).toBe('old-content');
    expect(await cacheOf(`${edge.url}${p}`)).toBe('MISS');
  });
});

describe('observability', () => {
  it('counts requests by status and cache result, bytes, upstream latency, objects and collapsed waiters', async () => {
    const edge = await edgeWith();
    const p = `/m${++n}.ts`;
    upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'x'.repeat(1000) });
    await fetch(`${edge.url}${p}`).then((r) => r.text());
    await fetch(`${edge.url}${p}`).then((r) => r.text());
    const text = await (await fetch(`${edge.url}/_edge/metrics`)).text();
    expect(text).toContain('edge_requests_total{status="200",cache="MISS"} 1');
    expect(text).toContain('edge_requests_total{status="200",cache="HIT"} 1');
    expect(text).toContain('edge_bytes_served_total 2000');
    expect(text).toContain('edge_upstream_requests_total{status="200"} 1');
    expect(text).toMatch(/edge_upstream_response_seconds_count 1/);
    expect(text).toContain('edge_cache_objects 1');
    expect(text).toMatch(/edge_cache_bytes [1-9]\d*/);
    expect(text).toMatch(/edge_collapsed_waiters_count 1/);
  });

  it('writes one structured access log line per request, with CMCD, and none when turned off', async () => {
    const lines: Record<string, unknown>[] = [];
    const edge = await edgeWith({ accessLog: true }, { log: (l: Record<string, unknown>) => lines.push(l) });
    const p = `/log${++n}.ts`;
    upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'log' });
    await fetch(`${edge.url}${p}?CMCD=bl%3D2000`).then((r) => r.text());
    await fetch(`${edge.url}${p}`, { headers: { 'cmcd-request': 'bl=3000' } }).then((r) => r.text());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      method: 'GET',
      path: `${p}?CMCD=bl%3D2000`,
      status: 200,
      cache: 'MISS',
      cmcd: 'bl=2000',
    });
    expect(lines[1]).toMatchObject({ cache: 'HIT', cmcd: 'bl=3000' });
    // Upstream time: on the line of the request that went upstream, not on the hit's.
    expect(itemAt(lines, 0).upstream_ms).toEqual(expect.any(Number));
    expect(itemAt(lines, 1).upstream_ms).toBeUndefined();
    const quiet: unknown[] = [];
    const off = await edgeWith({ accessLog: false }, { log: (l: unknown) => quiet.push(l) });
    await fetch(`${off.url}${p}`).then((r) => r.text());
    expect(quiet).toHaveLength(0);
  });
});

describe('upstream failures', () => {
  it('answers 504 when the upstream sends no headers within the first-byte timeout', async () => {
    const edge = await edgeWith({ upstreamFirstByteTimeoutMs: 200 });
    const p = `/slow${++n}`;
    const never = gate();
    upstream.on(p, { delay: never.promise, body: 'late' });
    const res = await fetch(`${edge.url}${p}`);
    expect(res.status).toBe(504);
    expect(await res.text()).toMatch(/200 ms/);
    never.open();
  });

  it('answers 504 when the upstream does not accept the connection within the connect timeout', async () => {
    // An upstream whose accept queue is full: the kernel drops new SYNs, so connecting hangs.
    const { spawn } = await import('node:child_process');
    const { connect } = await import('node:net');
    const listener = spawn(
      'python3',
      [
        '-c',
        "import socket,time\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(0)\nprint(s.getsockname()[1], flush=True)\ntime.sleep(120)",
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const fillers: import('node:net').Socket[] = [];
    try {
      const port = await new Promise<number>((resolve) =>
        listener.stdout!.once('data', (d) => resolve(Number(String(d).trim()))),
      );
      for (let i = 0; i < 4; i++) fillers.push(connect(port, '127.0.0.1').on('error', () => {}));
      await new Promise((r) => setTimeout(r, 200));
      const edge = await edgeWith({
        upstreamUrl: `http://127.0.0.1:${port}`,
        upstreamConnectTimeoutMs: 300,
        upstreamFirstByteTimeoutMs: 20_000,
      });
      const res = await fetch(`${edge.url}/stuck`);
      expect(res.status).toBe(504);
      expect(await res.text()).toMatch(/could not connect .* within 300 ms/);
    } finally {
      for (const s of fillers) s.destroy();
      listener.kill('SIGTERM');
    }
  });

  it('cuts a body that goes idle past the idle timeout, and does not store it', async () => {
    const edge = await edgeWith({ upstreamIdleTimeoutMs: 200 });
    const p = `/idle${++n}.ts`;
    const never = gate();
    upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: ['start', { wait: never.promise }, 'end'] });
    await expect(fetch(`${edge.url}${p}`).then((r) => r.text())).rejects.toThrow();
    never.open();
    upstream.on(p, { headers: { 'cache-control': 'max-age=600' }, body: 'whole' });
    expect(await fetch(`${edge.url}${p}`).then((r) => r.text())).toBe('whole');
  });

  it('fails over to the next upstream when the first is unreachable (idempotent request)', async () => {
    const dead = await deadPort();
    const edge = await edgeWith({ upstreamUrl: `http://127.0.0.1:${dead}`, fallbackUpstreamUrls: [upstream.url] });
    const p = `/fo${++n}`;
    upstream.on(p, { body: 'from the second upstream' });
    const res = await fetch(`${edge.url}${p}`);
    expect([res.status, await res.text()]).toEqual([200, 'from the second upstream']);
  });

  it('does not replay a POST on another upstream', async () => {
    const dead = await deadPort();
    const edge = await edgeWith({ upstreamUrl: `http://127.0.0.1:${dead}`, fallbackUpstreamUrls: [upstream.url] });
    const p = `/post${++n}`;
    upstream.on(p, { body: 'should not be reached' });
    const res = await fetch(`${edge.url}${p}`, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(502);
    expect(upstream.count(p)).toBe(0);
  });
});

describe('limits and configuration', () => {
  it('answers 414, 431 and 405 with clear messages instead of proxying', async () => {
    const edge = await edgeWith({ maxUrlLength: 200, maxHeaderBytes: 2000, allowedMethods: ['GET', 'HEAD'] });
    const long = await fetch(`${edge.url}/${'a'.repeat(300)}`);
    expect(long.status).toBe(414);
    const headers = await fetch(`${edge.url}/h`, { headers: { 'x-big': 'b'.repeat(3000) } });
    expect(headers.status).toBe(431);
    const method = await fetch(`${edge.url}/m`, { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, HEAD');
    expect(await method.text()).toMatch(/DELETE/);
    expect(upstream.requests.some((r) => r.path === '/h' || r.path === '/m')).toBe(false);
  });

  it("asks the kernel for a long accept queue (thousands of TVs reconnecting at once), not Node's 511", async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    const edge = await edgeWith({ listenBacklog: 3000 });
    const port = new URL(edge.url).port;
    // For a listening socket, ss shows the accept queue's size in Send-Q.
    const line = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim();
    expect(Number(line.split(/\s+/)[2])).toBe(Math.min(3000, somaxconn));
  });

  it('refuses a bad configuration at start, naming the key and its environment variable', () => {
    expect(() => loadEdgeConfig({ env: { EDGE_MEMORY_BYTES: 'lots' } })).toThrow(
      /memoryBytes \(env EDGE_MEMORY_BYTES\)/,
    );
    expect(() => loadEdgeConfig({ env: { UPSTREAM_URL: 'ftp://x' } })).toThrow(/upstreamUrl/);
    expect(() => loadEdgeConfig({ fileJson: { memoryByte: 1 } })).toThrow(/unknown key.*memoryByte/);
    const ok = loadEdgeConfig({
      env: { EDGE_PORT: '9000', EDGE_ACCESS_LOG: 'true' },
      fileJson: { memoryBytes: 1000, port: 1 },
    });
    expect([ok.port, ok.memoryBytes, ok.accessLog, ok.upstreamUrl]).toEqual([
      9000,
      1000,
      true,
      'http://127.0.0.1:8081',
    ]);
  });

  it('stops `npm run edge` at start on a bad value, naming the key (environment and JSON file)', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const root = new URL('../..', import.meta.url).pathname;
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(`${root}node_modules/.bin/tsx`, [`${root}edge-origin/src/bin/edge.node.ts`], {
          env: { ...process.env, EDGE_PORT: '0', ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d) => (stderr += d));
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const bad = await run({ EDGE_MEMORY_BYTES: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/memoryBytes \(env EDGE_MEMORY_BYTES\)/);
    const dir = await mkdtemp(`${tmpdir()}/edge-config-`);
    try {
      await writeFile(`${dir}/edge.json`, JSON.stringify({ teeMaxLagBytes: -1 }));
      const badFile = await run({ EDGE_CONFIG_FILE: `${dir}/edge.json` });
      expect(badFile.code).toBe(2);
      expect(badFile.stderr).toMatch(/teeMaxLagBytes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('shuts down gracefully: a response in progress completes, new connections are refused', async () => {
    const edge = await startEdge({ upstreamUrl: upstream.url });
    const p = `/graceful${++n}.ts`;
    const release = gate();
    upstream.on(p, {
      headers: { 'cache-control': 'max-age=600' },
      body: ['first-', { wait: release.promise }, 'second'],
    });
    const res = await fetch(`${edge.url}${p}`);
    const body = res.text();
    const closing = edge.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${edge.url}${p}`)).rejects.toThrow();
    release.open();
    expect(await body).toBe('first-second');
    await closing;
  });
});
