// #15: the edge-only package an ISP installs (scripts/pack-edge.mjs), taken as an operator takes
// it: installed from the tarball with npm offline into an empty folder outside the repository, run
// as the command npm linked (node alone) on the example config (its upstreamUrl set) in front of
// a real origin, reloaded with SIGHUP as `systemctl reload` does.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { commandLine, plainEnv, ROOT, startNode, type Running } from '../support/built.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';

const run = promisify(execFile);
let dir = '';
let tarball = '';
let installed = '';
let origin: TestOrigin | undefined;
let edge: Running | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'edge-package-'));
  const packed = await run(process.execPath, [path.join(ROOT, 'scripts/pack-edge.mjs'), '--out', dir], { cwd: ROOT });
  tarball = packed.stdout.trim().split('\n').pop()!;
  // No registry: the package must carry everything it needs.
  await run('npm', ['install', '--offline', '--omit=dev', '--no-audit', '--no-fund', '--prefix', dir, tarball], {
    cwd: dir,
  });
  installed = path.join(dir, 'node_modules/cite-tv-edge');
  origin = await startOrigin();
  const config = JSON.parse(readFileSync(path.join(installed, 'edge.example.json'), 'utf8'));
  writeFileSync(
    path.join(dir, 'edge.json'),
    JSON.stringify({ ...config, upstreamUrl: origin.url, fallbackUpstreamUrls: [], host: '127.0.0.1', port: 0 }),
  );
  // The command npm linked, run as one (its first line starts node).
  edge = await startNode(
    [],
    plainEnv({
      EDGE_CONFIG_FILE: path.join(dir, 'edge.json'),
      EDGE_DISK_DIR: path.join(dir, 'cache'),
    }),
    dir,
    60_000,
    path.join(dir, 'node_modules/.bin/cite-tv-edge'),
  );
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await edge?.stop();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the edge-only package', () => {
  it('holds the edge, its README, example config, systemd unit and licenses, and nothing else', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    expect(stdout.trim().split('\n').sort()).toEqual(
      [
        'LICENSE',
        'README.md',
        'THIRD-PARTY-NOTICES',
        'cite-tv-edge.service',
        'edge.example.json',
        'edge.mjs',
        // The native front door's add-on (built here with g++, npm test installs it).
        'front-door.node',
        'package.json',
      ].map((f) => `package/${f}`),
    );
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    const edgeFile = readFileSync(path.join(installed, 'edge.mjs'), 'utf8');
    // None of the origin's or the tests' heavy parts came along.
    expect(edgeFile).not.toMatch(/from ['"](sharp|@ffmpeg-installer|playwright|deno)/);
    expect(readFileSync(tarball).length).toBeLessThan(2 * 1024 * 1024);
  });

  it('runs as a command (the bin link) with the V8 flag the unit and the image pass', () => {
    const args = commandLine(edge!.child.pid!);
    expect(args).toContain('--no-memory-reducer');
    expect(args.at(-1)).toMatch(/cite-tv-edge$/);
  });

  it('runs with node alone, from the config file, and serves HLS from the origin', async () => {
    const home = await fetch(`${edge!.url}/api/v1/home`);
    expect(home.status).toBe(200);
    const playlist = await fetch(`${edge!.url}/hls/live/sport/v240/index.m3u8`);
    expect(playlist.status).toBe(200);
    expect((await playlist.text()).startsWith('#EXTM3U')).toBe(true);
    expect(playlist.headers.get('via')).toContain('cite-tv-edge');
    expect(origin!.requests.count('/hls/live/sport/v240/index.m3u8')).toBe(1);
    // The example config runs the native door; the add-on it ships loaded beside the installed
    // edge.mjs (not from the repository).
    expect(edge!.output()).toMatch(/listening on \S+ → upstream \S+, native front door/);
    expect(edge!.output()).not.toContain('native front door unavailable');
  });

  it('keeps serving through a reload (SIGHUP), and says what changed in the config', async () => {
    const config = JSON.parse(readFileSync(path.join(dir, 'edge.json'), 'utf8'));
    writeFileSync(path.join(dir, 'edge.json'), JSON.stringify({ ...config, memoryBytes: 512 * 1024 * 1024 }));
    edge!.child.kill('SIGHUP');
    await waitFor(() => /reload: config valid; changed: memoryBytes/.test(edge!.output()));
    writeFileSync(path.join(dir, 'edge.json'), JSON.stringify({ ...config, memoryBytes: 'lots' }));
    edge!.child.kill('SIGHUP');
    await waitFor(() => /reload: .*memoryBytes.*still running/.test(edge!.output()));
    expect(edge!.child.exitCode).toBeNull();
    expect((await fetch(`${edge!.url}/_edge/health`)).status).toBe(200);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not seen within ${timeoutMs} ms:\n${edge?.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
