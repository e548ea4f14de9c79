// Several upstreams (origin replicas): a GET that meets a 5xx or an unreachable origin is asked of
// the next one; an origin found unreachable is tried last for a while, so a dead origin costs
// viewers one retry, not one per request; a POST is never replayed.
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { startEdge, type StartedEdge } from '../support/edge.ts';

let first: TestUpstream;
let second: TestUpstream;
const started: StartedEdge[] = [];
let n = 0;
beforeAll(async () => {
  [first, second] = await Promise.all([startUpstream(), startUpstream()]);
});
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
  await Promise.all([first.close(), second.close()]);
});
async function edgeWith(config: Record<string, unknown> = {}) {
  const e = await startEdge({ upstreamUrl: first.url, fallbackUpstreamUrls: [second.url], ...config });
  started.push(e);
  return e;
}
const noStore = { 'cache-control': 'no-store' };
const seen = (u: TestUpstream, prefix: string) => u.requests.filter((r) => r.path.startsWith(prefix)).length;

it('asks the next upstream when the first answers 5xx, and answers its 200', async () => {
  const edge = await edgeWith();
  const p = `/five${++n}.m3u8`;
  first.on(p, { status: 503, headers: noStore, body: 'holder gone' });
  second.on(p, { headers: noStore, body: 'from the replica' });
  const res = await fetch(`${edge.url}${p}`);
  expect([res.status, await res.text()]).toEqual([200, 'from the replica']);
  expect([first.count(p), second.count(p)]).toEqual([1, 1]);
});

it('answers the last 5xx when every upstream fails', async () => {
  const edge = await edgeWith();
  const p = `/both${++n}.m3u8`;
  first.on(p, { status: 502, headers: noStore, body: 'one' });
  second.on(p, { status: 504, headers: noStore, body: 'two' });
  const res = await fetch(`${edge.url}${p}`);
  expect(res.status).toBe(504);
  expect([first.count(p), second.count(p)]).toEqual([1, 1]);
});

it('does not replay a POST that met a 5xx', async () => {
  const edge = await edgeWith();
  const p = `/post${++n}`;
  first.on(p, { status: 503, headers: noStore, body: 'busy' });
  second.on(p, { body: 'should not be reached' });
  const res = await fetch(`${edge.url}${p}`, { method: 'POST', body: 'x' });
  expect(res.status).toBe(503);
  expect(second.count(p)).toBe(0);
});

it('tries an upstream found unreachable after the others while it is remembered down', async () => {
  const edge = await edgeWith({ upstreamDownMemoryMs: 60_000 });
  const prefix = `/down${++n}-`;
  for (let i = 0; i < 5; i++) {
    const p = `${prefix}${i}.ts`;
    first.on(p, { reset: true });
    second.on(p, { headers: noStore, body: `segment ${i}` });
    const res = await fetch(`${edge.url}${p}`);
    expect([res.status, await res.text()]).toEqual([200, `segment ${i}`]);
  }
  // One connection lost to the first upstream, then straight to the second.
  expect([seen(first, prefix), seen(second, prefix)]).toEqual([1, 5]);
});

it('with no memory, asks the first upstream every time', async () => {
  const edge = await edgeWith({ upstreamDownMemoryMs: 0 });
  const prefix = `/nomem${++n}-`;
  for (let i = 0; i < 3; i++) {
    const p = `${prefix}${i}.ts`;
    first.on(p, { reset: true });
    second.on(p, { headers: noStore, body: 'ok' });
    expect((await fetch(`${edge.url}${p}`)).status).toBe(200);
  }
  expect([seen(first, prefix), seen(second, prefix)]).toEqual([3, 3]);
});
