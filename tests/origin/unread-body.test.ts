// A refusal is answered before the upload's body is read (a phone on 4G hears "busy" without
// sending its photo), and the connection is not closed on the bytes still coming: the reset that
// follows such a close can destroy the answer in flight (an edge in front then says 502 for the
// origin's 404/429/503). The origin reads the rest and drops it (origin/node/serve-origin.ts).
import { connect } from 'node:net';
import { LINGER_DEFAULTS } from '../../edge-origin/src/origin/node/serve-origin.ts';
import { startOrigin, type TestOrigin } from '../support/origin.ts';

let origin: TestOrigin;
beforeAll(async () => {
  origin = await startOrigin();
});
afterAll(() => origin.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection to the origin, with what it received and how it ended. */
async function open() {
  const socket = connect(Number(new URL(origin.url).port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const state = { socket, received: '', error: null as Error | null, ended: false };
  socket.on('data', (chunk: Buffer) => {
    state.received += chunk.toString('latin1');
  });
  socket.on('error', (error) => {
    state.error = error;
  });
  socket.on('end', () => {
    state.ended = true;
  });
  return state;
}

async function waitFor<T>(read: () => T | null, ms = 10_000): Promise<T> {
  for (const until = Date.now() + ms; ; ) {
    const value = read();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error('timed out');
    await pause(20);
  }
}

const head = (length: number) =>
  'POST /api/v1/contributions/events/no-such-event HTTP/1.1\r\nHost: origin\r\n' +
  `Content-Type: multipart/form-data; boundary=x\r\nContent-Length: ${length}\r\n\r\n`;

test('an upload refused before its body is read is answered at once, and its connection stays whole while the body comes in', async () => {
  const conn = await open();
  // 3 MiB over about 2 s, as a phone on 4G: longer than @hono/node-server's own 500 ms drain.
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const chunks = 48;
  conn.socket.write(head(chunk.byteLength * chunks));
  conn.socket.write(chunk);
  const answer = await waitFor(() => (conn.received.includes('\r\n\r\n') ? conn.received : null));
  expect(answer).toMatch(/^HTTP\/1\.1 404 /);
  for (let i = 1; i < chunks && !conn.error && !conn.ended; i++) {
    conn.socket.write(chunk);
    await pause(40);
  }
  await pause(200);
  expect(conn.error).toBeNull();
  expect(conn.ended).toBe(false);

  // Keep-alive: the next request on the same connection is answered.
  conn.received = '';
  conn.socket.write('GET /api/v1/channels HTTP/1.1\r\nHost: origin\r\n\r\n');
  const next = await waitFor(() => (conn.received.includes('\r\n\r\n') ? conn.received : null));
  expect(next).toMatch(/^HTTP\/1\.1 200 /);
  expect(conn.error).toBeNull();
  conn.socket.destroy();
});

test('a sender that goes on past the largest upload is cut', async () => {
  const conn = await open();
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  conn.socket.write(head(LINGER_DEFAULTS.maxBytes * 4));
  for (let i = 0; i < (LINGER_DEFAULTS.maxBytes * 4) / chunk.byteLength && !conn.error && !conn.ended; i++) {
    if (!conn.socket.write(chunk)) await new Promise((resolve) => conn.socket.once('drain', resolve));
  }
  await waitFor(() => (conn.error || conn.ended || conn.socket.destroyed ? true : null));
  expect(conn.received).toMatch(/^HTTP\/1\.1 404 /);
  conn.socket.destroy();
});
