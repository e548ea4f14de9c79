// #15: Node 22 LTS is the target (Node 20, on which jest runs here, is out of support). The edge
// and the origin as `npm run build` makes them, run by the official Node 22 binary (from the npm
// registry, tests/support/node-lts.ts): the edge serves a live playlist and its segment from the
// origin, and the origin's native image pipeline (sharp) takes a poster upload and serves it.
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { buildServer, plainEnv, removeBuild, startNode, type Running } from '../support/built.ts';
import { nodeBinary } from '../support/node-lts.ts';
import { ensureTestMedia, MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { parseMediaPlaylistUris } from '../support/hls.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const ADMIN = 'node22-admin-token-0123456789';
let out = '';
let origin: Running | undefined;
let edge: Running | undefined;

beforeAll(async () => {
  const [node] = await Promise.all([nodeBinary(22), ensureTestMedia()]);
  out = await buildServer(['edge', 'origin']);
  origin = await startNode(
    [path.join(out, 'origin.mjs')],
    plainEnv({ ORIGIN_PORT: '0', INGEST_ENABLED: 'false', STAFF_ADMIN_TOKEN: ADMIN }),
    undefined,
    undefined,
    node,
  );
  edge = await startNode(
    [path.join(out, 'edge.mjs')],
    plainEnv({ UPSTREAM_URL: origin.url, EDGE_PORT: '0', EDGE_ACCESS_LOG: 'false' }),
    undefined,
    undefined,
    node,
  );
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await edge?.stop();
  await origin?.stop();
  if (out) removeBuild(out);
});

describe('the built services on Node 22 LTS', () => {
  it('runs both processes on Node 22', () => {
    const binaryOf = (pid: number) => readlinkSync(`/proc/${pid}/exe`);
    expect(binaryOf(edge!.child.pid!)).toContain('/node-22/');
    expect(binaryOf(origin!.child.pid!)).toContain('/node-22/');
  });

  it('serves a live playlist and its segment through the edge', async () => {
    const playlistPath = '/hls/live/culture/v240/index.m3u8';
    const playlist = await fetch(edge!.url + playlistPath);
    expect(playlist.status).toBe(200);
    const text = await playlist.text();
    expect(text.startsWith('#EXTM3U')).toBe(true);
    const segment = new URL(itemAt(parseMediaPlaylistUris(text), 0), `http://x${playlistPath}`).pathname;
    const first = await fetch(edge!.url + segment);
    const body = Buffer.from(await first.arrayBuffer());
    expect(first.status).toBe(200);
    expect(body[0]).toBe(0x47); // MPEG-TS sync byte: real media
    const again = await fetch(edge!.url + segment);
    await again.arrayBuffer();
    expect(again.headers.get('x-cache')).toBe('HIT');
  });

  it('takes a poster upload through its native image pipeline and serves the card', async () => {
    const png = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();
    const upload = await fetch(`${origin!.url}/api/v1/staff/posters`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(upload.status).toBe(201);
    const { poster } = (await upload.json()) as { poster: string };
    const card = await fetch(edge!.url + poster);
    expect(card.status).toBe(200);
    const meta = await sharp(Buffer.from(await card.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeGreaterThan(0);
  });
});
