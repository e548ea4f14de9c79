// The origin's logs (issue #14) on a real origin over HTTP, its logger writing into a stream the
// test reads: one JSON access line per request with its method, path (the query and its secrets
// left out), status, bytes sent, duration and the request id echoed to the client.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '../../edge-origin/src/origin/log/logger.ts';
import { MEDIA_TIMEOUT_MS } from '../support/media.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
let origin: TestOrigin;

beforeAll(async () => {
  origin = await startOrigin({ logger: createLogger({ level: 'info' }, sink) });
}, MEDIA_TIMEOUT_MS);

afterAll(async () => {
  await origin?.close();
});

const accessLines = (path: string) => lines.filter((l) => l.msg === 'request' && l.path === path);

/** The line is written once the body is sent: wait for it. */
async function lineFor(path: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100 && accessLines(path).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const found = accessLines(path);
  expect(found).toHaveLength(1);
  return found[0]!;
}

test('a request gives one JSON access line: method, path without the query, status, bytes, ms, request id', async () => {
  const response = await fetch(`${origin.url}/api/v1/channels?token=secret-123&sig=abc`);
  const body = await response.arrayBuffer();
  expect(response.status).toBe(200);
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

  const line = await lineFor('/api/v1/channels');
  expect(line).toMatchObject({
    level: 30,
    service: 'origin',
    msg: 'request',
    method: 'GET',
    path: '/api/v1/channels',
    status: 200,
    bytes: body.byteLength,
    reqId: requestId,
  });
  expect(typeof line.ms).toBe('number');
  expect(line.ms as number).toBeGreaterThanOrEqual(0);
  expect(typeof line.time).toBe('string');
  expect(JSON.stringify(lines)).not.toContain('secret-123');

  // A 404, and a caller's own request id kept.
  const missing = await fetch(`${origin.url}/nowhere/at/all`, { headers: { 'x-request-id': 'edge-abc.42' } });
  await missing.arrayBuffer();
  expect(missing.headers.get('x-request-id')).toBe('edge-abc.42');
  expect(await lineFor('/nowhere/at/all')).toMatchObject({ status: 404, reqId: 'edge-abc.42', method: 'GET' });
});

test('a live segment is logged with its full size once sent', async () => {
  const playlist = await (await fetch(`${origin.url}/hls/live/sport/v360/index.m3u8`)).text();
  const segment = playlist
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .at(-1)!;
  const response = await fetch(`${origin.url}/hls/live/sport/v360/${segment}`);
  const bytes = (await response.arrayBuffer()).byteLength;
  expect(bytes).toBeGreaterThan(10_000);
  expect(await lineFor(`/hls/live/sport/v360/${segment}`)).toMatchObject({ status: 200, bytes });
});
