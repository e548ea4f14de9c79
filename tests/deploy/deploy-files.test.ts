// #15: deploy/ as an operator uses it. The systemd unit passes `systemd-analyze verify` and keeps
// its hardening; the example config is one the edge accepts; the Dockerfiles copy files that exist
// and that .dockerignore lets through, run as a non-root user on Node 22, and their health check
// commands tell a running edge from a stopped one; compose's edge settings are ones the edge accepts.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadEdgeConfig } from '../../edge-origin/src/edge/config.ts';
import { loadReplicaConfig } from '../../edge-origin/src/origin/replicas/config.ts';
import { buildServer, plainEnv, removeBuild, ROOT, startNode } from '../support/built.ts';
import { startOrigin } from '../support/origin.ts';
import { ensureTestMedia, MEDIA_TIMEOUT_MS } from '../support/media.ts';

const run = promisify(execFile);
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const UNIT = 'deploy/systemd/cite-tv-edge.service';

/** `Key=value` lines of a unit file, by section (comments and blank lines left out). */
function unitKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) section = line;
    else {
      const eq = line.indexOf('=');
      const key = `${section}${line.slice(0, eq)}`;
      keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1)]);
    }
  }
  return keys;
}

interface Instruction {
  op: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined. */
function dockerfile(file: string): Instruction[] {
  const joined = read(file)
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of the last stage (what the image runs). */
const finalStage = (all: Instruction[]) => all.slice(all.map((i) => i.op).lastIndexOf('FROM'));

describe('the systemd unit', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    if (!existsSync('/usr/bin/systemd-analyze')) {
      process.stderr.write('systemd-analyze not installed: the unit is only parsed\n');
      return;
    }
    // verify checks that ExecStart's program exists: point it at this machine's node if it is elsewhere.
    const dir = mkdtempSync(path.join(tmpdir(), 'unit-'));
    const unit = path.join(dir, 'cite-tv-edge.service');
    writeFileSync(unit, read(UNIT).replace('/usr/bin/node', process.execPath));
    try {
      const { stderr } = await run('systemd-analyze', ['verify', unit]);
      expect(stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the packaged edge as a throwaway user, confined, restarted on failure, reloaded with SIGHUP', () => {
    const keys = unitKeys(read(UNIT));
    const one = (key: string) => keys.get(`[Service]${key}`)?.at(-1);
    expect(one('ExecStart')).toBe('/usr/bin/node --no-memory-reducer /opt/cite-tv-edge/edge.mjs');
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(one('DynamicUser')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('Restart')).toBe('on-failure');
    expect(one('MemoryMax')).toMatch(/^\d+[KMG]$/);
    // The only place it may write under ProtectSystem=strict is where the disk tier is.
    expect(one('CacheDirectory')).toBe('cite-tv-edge');
    expect(keys.get('[Service]Environment')).toContain('EDGE_DISK_DIR=/var/cache/cite-tv-edge');
    expect(keys.get('[Service]Environment')).toContain('EDGE_CONFIG_FILE=/etc/cite-tv-edge/edge.json');
  });
});

describe('the example edge config', () => {
  it('is accepted by the edge as a config file, every key known', () => {
    const fileJson = JSON.parse(read('deploy/edge.example.json'));
    const config = loadEdgeConfig({ fileJson });
    expect(config.upstreamUrl).toBe(fileJson.upstreamUrl);
    expect(config.memoryBytes).toBe(fileJson.memoryBytes);
    // The same loader refuses a misspelt key: the check above can fail.
    expect(() => loadEdgeConfig({ fileJson: { ...fileJson, upstreamURL: 'x' } })).toThrow(/unknown key/);
  });
});

describe('the Dockerfiles', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // Docker's rules for these patterns: `**/` any folders, `*` within a name; a matched folder
  // takes its contents with it.
  const patterns = ignored.map((p) => {
    const parts = p.split('**/').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'));
    return new RegExp(`^${parts.join('(?:.*/)?')}(?:/.*)?$`);
  });
  const isIgnored = (file: string) => patterns.some((pattern) => pattern.test(file));

  for (const service of ['edge', 'origin']) {
    const file = `deploy/${service}/Dockerfile`;
    it(`${service}: multi-stage on Node 22, copies what exists, runs as a non-root user with a health check`, () => {
      const all = dockerfile(file);
      const froms = all.filter((i) => i.op === 'FROM');
      expect(froms.length).toBeGreaterThanOrEqual(2);
      for (const from of froms) expect(from.args).toMatch(/^node:22-/);
      for (const copy of all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
        const sources = copy.args.split(' ').slice(0, -1);
        for (const source of sources) {
          if (source === '.') continue;
          expect([source, existsSync(path.join(ROOT, source))]).toEqual([source, true]);
          expect([source, isIgnored(source.replace(/\/$/, ''))]).toEqual([source, false]);
        }
      }
      const last = finalStage(all);
      const user = last.filter((i) => i.op === 'USER').at(-1)?.args;
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      expect(last.some((i) => i.op === 'HEALTHCHECK')).toBe(true);
    });
  }

  it('keeps the sources in the build context, and local builds and media out of it', () => {
    expect(isIgnored('edge-origin/src/edge/config.ts')).toBe(false);
    expect(isIgnored('node_modules')).toBe(true);
    expect(isIgnored('edge-origin/media')).toBe(true);
    expect(isIgnored('tv-app/dist')).toBe(true);
  });

  it(
    "edge: the image's health check passes on a running edge and fails on a stopped one",
    async () => {
      const stage = finalStage(dockerfile('deploy/edge/Dockerfile'));
      // Run as the systemd unit runs it: without V8's memory reducer (bin/edge.node.ts).
      const cmd = stage.filter((i) => i.op === 'CMD').pop()!;
      expect(JSON.parse(cmd.args)).toEqual(['node', '--no-memory-reducer', '/app/edge.mjs']);
      const healthcheck = stage.find((i) => i.op === 'HEALTHCHECK')!;
      const command = JSON.parse(healthcheck.args.slice(healthcheck.args.indexOf('CMD') + 3)) as string[];
      expect(command[0]).toBe('node');
      expect(command.join(' ')).toContain('/_edge/health/live');

      const out = await buildServer(['edge']);
      const origin = await startOrigin();
      const edge = await startNode(
        [path.join(out, 'edge.mjs')],
        plainEnv({ UPSTREAM_URL: origin.url, EDGE_PORT: '0' }),
      );
      const port = new URL(edge.url).port;
      const check = () =>
        run(process.execPath, command.slice(1), { env: plainEnv({ EDGE_PORT: port }) }).then(
          () => 0,
          (error: { code?: number }) => error.code ?? -1,
        );
      try {
        expect(await check()).toBe(0);
        await edge.stop();
        expect(await check()).toBe(1);
      } finally {
        await edge.stop();
        await origin.close();
        removeBuild(out);
      }
    },
    MEDIA_TIMEOUT_MS,
  );
});

describe("the origin image's layout", () => {
  it(
    'runs origin.mjs with only what the image copies: node_modules, edge-origin/{data,dist}, tv-app/dist',
    async () => {
      const mediaDir = await ensureTestMedia();
      const out = await buildServer(['origin']);
      // /app of the image, in a folder of its own: the bundle at the same depth below it as it was
      // built (it finds its folders from there), no sources.
      const app = mkdtempSync(path.join(tmpdir(), 'origin-image-'));
      const bundleDir = path.join(app, path.relative(ROOT, out));
      const copiesFrom = (stage: string, root: string) =>
        finalStage(dockerfile('deploy/origin/Dockerfile'))
          .filter((i) => i.op === 'COPY' && i.args.startsWith(`--from=${stage} `))
          .map((i) => i.args.split(' ')[1]!.replace(root, ''));
      const copies = copiesFrom('build', '/src/');
      const installed = copiesFrom('deps', '/app/');
      expect(installed).toContain('node_modules');
      let origin: Awaited<ReturnType<typeof startNode>> | undefined;
      try {
        // What the deps stage installs is this checkout's (the same lockfile): linked, not copied.
        for (const folder of installed) {
          mkdirSync(path.dirname(path.join(app, folder)), { recursive: true });
          symlinkSync(path.join(ROOT, folder), path.join(app, folder));
        }
        for (const copy of copies.filter((c) => c !== 'edge-origin/dist'))
          cpSync(path.join(ROOT, copy), path.join(app, copy), { recursive: true });
        for (const page of ['regie', 'participer'])
          cpSync(path.join(ROOT, 'edge-origin/dist', page), path.join(app, 'edge-origin/dist', page), {
            recursive: true,
          });
        mkdirSync(bundleDir, { recursive: true });
        cpSync(path.join(out, 'origin.mjs'), path.join(bundleDir, 'origin.mjs'));
        expect(existsSync(path.join(app, 'edge-origin/src'))).toBe(false);
        origin = await startNode(
          [path.join(bundleDir, 'origin.mjs')],
          plainEnv({
            ORIGIN_PORT: '0',
            INGEST_ENABLED: 'false',
            // The demo media's folder (MEDIA_DIR holds one folder per media version).
            MEDIA_DIR: path.dirname(mediaDir),
            CONTRIB_DIR: path.join(app, 'contributions'),
          }),
          app,
        );
        expect((await fetch(`${origin.url}/api/v1/home`)).status).toBe(200);
        const tvApp = await fetch(`${origin.url}/`);
        expect(tvApp.status).toBe(200);
        expect(await tvApp.text()).toContain('<title>Cité TV</title>');
        expect((await fetch(`${origin.url}/regie/`)).status).toBe(200);
        expect((await fetch(`${origin.url}/hls/live/agglo/v240/index.m3u8`)).status).toBe(200);
      } finally {
        await origin?.stop();
        rmSync(app, { recursive: true, force: true });
        removeBuild(out);
      }
    },
    MEDIA_TIMEOUT_MS,
  );
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('deploy/compose.yaml')) as {
    services: Record<
      string,
      {
        build?: { context: string; dockerfile: string };
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        sysctls?: Record<string, number | string>;
      }
    >;
  };

  it('runs Redis, two origin replicas and the edge in front of them, each built from its Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['edge', 'origin', 'origin-2', 'redis']);
    for (const name of ['edge', 'origin', 'origin-2']) {
      const build = compose.services[name]!.build!;
      expect(existsSync(path.join(ROOT, 'deploy', build.context, build.dockerfile))).toBe(true);
    }
    expect(compose.services.origin!.depends_on?.redis?.condition).toBe('service_healthy');
    expect(compose.services.edge!.depends_on?.origin?.condition).toBe('service_healthy');
    expect(compose.services.origin!.environment?.REDIS_URL).toBe('redis://redis:6379');
    // Replicas: both on the same Redis, each advertising its own address (service name, image port), valid for the origin.
    const originPort = /ORIGIN_PORT=(\d+)/.exec(read('deploy/origin/Dockerfile'))?.[1];
    for (const name of ['origin', 'origin-2']) {
      const env = compose.services[name]!.environment ?? {};
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(loadReplicaConfig({ env }).advertiseUrl).toBe(`http://${name}:${originPort}`);
    }
  });

  it("gives the edge settings it accepts, its upstream being the origin's port", () => {
    // ${VAR:?message} is compose's required variable: give it a value as the operator would.
    const env = Object.fromEntries(
      Object.entries(compose.services.edge!.environment ?? {}).map(([k, v]) => [
        k,
        String(v).replace(/\$\{[^}]+\}/g, 'x'),
      ]),
    );
    const config = loadEdgeConfig({ env });
    const originPort = /ORIGIN_PORT=(\d+)/.exec(read('deploy/origin/Dockerfile'))?.[1];
    expect(config.upstreamUrl).toBe(`http://origin:${originPort}`);
    expect(config.fallbackUpstreamUrls).toEqual([`http://origin-2:${originPort}`]);
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.workers).toBe(2);
    // Its image runs the native front door: with two workers, a dying one's waiting connections
    // move to the other (tests/edge/queued-connections.test.ts) rather than being reset.
    expect(read('deploy/edge/Dockerfile')).toMatch(/EDGE_NATIVE_FRONT_DOOR=true/);
    expect(compose.services.edge!.sysctls?.['net.ipv4.tcp_migrate_req']).toBe(1);
  });
});
