// A phone's photo over 4G through the edge (issue #13): its body takes longer to arrive than the
// edge waits for an origin's first byte. The wait starts once the request is sent, so the phone
// gets the origin's answer, not a 504; an origin that then says nothing still gets its 504.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { request } from 'node:http';
import { startEdge, type StartedEdge } from '../support/edge.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';

const FIRST_BYTE_MS = 500;
let upstream: TestUpstream;
let edge: StartedEdge;

beforeAll(async () => {
  upstream = await startUpstream();
  upstream.on('/upload', async (req) => {
    const bytes = (await req.arrayBuffer()).byteLength;
    return { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bytes }) };
  });
  upstream.on('/silent', async (req) => {
    await req.arrayBuffer();
    return { status: 201, delay: new Promise((r) => setTimeout(r, 5_000)), body: 'late' };
  });
  edge = await startEdge({ upstreamUrl: upstream.url, upstreamFirstByteTimeoutMs: FIRST_BYTE_MS });
});

afterAll(async () => {
  await edge?.close();
  await upstream?.close();
});

/** POSTs `parts` chunks of 16 KB, `gapMs` apart (a slow uplink), and reads the answer. */
function slowPost(path: string, parts: number, gapMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${edge.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(parts * 16384) },
      agent: false,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    let sent = 0;
    const next = () => {
      if (sent === parts) return void req.end();
      sent++;
      req.write(Buffer.alloc(16384, sent));
      setTimeout(next, gapMs);
    };
    next();
  });
}

test('an upload slower than the first-byte timeout gets the origin’s answer', async () => {
  // 8 chunks 250 ms apart: the body takes about 2 s, four times the first-byte wait.
  const answer = await slowPost('/upload', 8, 250);
  expect(answer.status).toBe(201);
  expect(JSON.parse(answer.body)).toEqual({ bytes: 8 * 16384 });
}, 30_000);

test('an origin silent after the upload still gets a 504', async () => {
  const answer = await slowPost('/silent', 2, 50);
  expect(answer.status).toBe(504);
}, 30_000);
