// #15: the edge and the origin as `npm run build` makes them (scripts/build-server.mjs), run as an
// operator runs them: `node edge.mjs`, plain Node, no tsx and no loader, each one process. The edge,
// in front of the built origin, serves a live playlist and a segment of it. `npm run edge` runs the
// build when it is fresh, and says so and runs the sources through tsx when it is not.
import {
  buildServer,
  childrenOf,
  commandLine,
  plainEnv,
  removeBuild,
  residentMiB,
  ROOT,
  startNode,
  type Running,
} from '../support/built.ts';
import { ensureTestMedia, MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { parseMediaPlaylistUris } from '../support/hls.ts';
import { itemAt } from '../../shared/lang/item-at.ts';
import path from 'node:path';
import { readFileSync, utimesSync } from 'node:fs';

let out = '';
let origin: Running | undefined;
let edge: Running | undefined;

beforeAll(async () => {
  await ensureTestMedia();
  out = await buildServer(['edge', 'origin']);
  // The origin on its defaults (media found from the bundle's place in the repo), no encoder ports.
  origin = await startNode([path.join(out, 'origin.mjs')], plainEnv({ ORIGIN_PORT: '0', INGEST_ENABLED: 'false' }));
  edge = await startNode(
    [path.join(out, 'edge.mjs')],
    plainEnv({ UPSTREAM_URL: origin.url, EDGE_PORT: '0', EDGE_ACCESS_LOG: 'false' }),
  );
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await edge?.stop();
  await origin?.stop();
  if (out) removeBuild(out);
});

describe('the built edge (node edge.mjs) in front of the built origin', () => {
  it('serves a live playlist and its segment through the edge', async () => {
    const playlistPath = '/hls/live/culture/v240/index.m3u8';
    const playlist = await fetch(edge!.url + playlistPath);
    expect(playlist.status).toBe(200);
    const text = await playlist.text();
    expect(text.startsWith('#EXTM3U')).toBe(true);
    expect(playlist.headers.get('x-cache')).toBe('MISS');
    expect(playlist.headers.get('via')).toContain('cite-tv-edge');

    const segment = new URL(itemAt(parseMediaPlaylistUris(text), 0), `http://x${playlistPath}`).pathname;
    const first = await fetch(edge!.url + segment);
    const body = Buffer.from(await first.arrayBuffer());
    expect(first.status).toBe(200);
    expect(body[0]).toBe(0x47); // MPEG-TS sync byte: real media
    const again = await fetch(edge!.url + segment);
    await again.arrayBuffer();
    expect(again.headers.get('x-cache')).toBe('HIT');

    const health = await fetch(`${edge!.url}/_edge/health`);
    expect(health.status).toBe(200);
  });

  it('runs each server as one plain Node process: no tsx, no loader, no child process', () => {
    for (const [name, running] of [
      ['edge', edge!],
      ['origin', origin!],
    ] as const) {
      const pid = running.child.pid!;
      expect(commandLine(pid)).toEqual([process.execPath, path.join(out, `${name}.mjs`)]);
      expect(childrenOf(pid)).toEqual([]);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toMatch(/NODE_OPTIONS|tsx/);
      process.stderr.write(`built ${name}: one process, ${residentMiB(pid).toFixed(0)} MiB resident\n`);
    }
    // Nothing of tsx inside the edge's single file either (it would need tsx installed).
    expect(readFileSync(path.join(out, 'edge.mjs'), 'utf8')).not.toMatch(/from ['"]tsx/);
  });
});

describe('npm run edge (scripts/run.mjs)', () => {
  const script = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.edge as string;
  const runEdge = () =>
    startNode(
      [path.join(ROOT, 'scripts/run.mjs'), 'edge'],
      plainEnv({ SERVER_DIST_DIR: out, UPSTREAM_URL: origin!.url, EDGE_PORT: '0', EDGE_ACCESS_LOG: 'false' }),
    );

  it('runs the build in its own process when it is newer than the sources', async () => {
    expect(script).toBe('node scripts/run.mjs edge');
    const edgeByScript = await runEdge();
    try {
      expect((await fetch(`${edgeByScript.url}/hls/live/culture/v240/index.m3u8`)).status).toBe(200);
      expect(childrenOf(edgeByScript.child.pid!)).toEqual([]);
      expect(edgeByScript.output()).not.toMatch(/tsx/);
    } finally {
      await edgeByScript.stop();
    }
  });

  it('says the build is older than the sources and runs them through tsx instead', async () => {
    const old = new Date('2000-01-01T00:00:00Z');
    utimesSync(path.join(out, 'edge.mjs'), old, old);
    const edgeBySources = await runEdge();
    try {
      expect(edgeBySources.output()).toMatch(
        /edge\.mjs is older than its sources \(.+ changed\): running the TypeScript sources with tsx/,
      );
      expect((await fetch(`${edgeBySources.url}/hls/live/culture/v240/index.m3u8`)).status).toBe(200);
    } finally {
      await edgeBySources.stop();
    }
  });
});
