// The bench's bursts (`tsx burst.ts <base url> <post|get> <concurrency> <rounds> <post bytes>`), in a
// process of their own so their work does not slow the bench's clock: each round sends <concurrency>
// requests at once, POSTs with a body of <post bytes> (an audience ping, a small upload) or GET
// beacons answered no-store, each on a connection of its own (as TVs after an ad break's signal:
// their keep-alive connection is gone), then waits for all of them. Prints one JSON line: answers by
// status, failures, and each round's wall time in ms.
import { Agent, request } from 'undici';

const [base = '', kind = 'post', concurrency = '200', rounds = '10', postBytes = '4096'] = process.argv.slice(2);
const body = Buffer.alloc(Number(postBytes), 'x');
const statuses: Record<string, number> = {};
let failed = 0;
const roundsMs: number[] = [];

async function one(i: number, round: number): Promise<void> {
  // A connection of its own: a new Agent per request, closed after it.
  const agent = new Agent({ connections: 1, pipelining: 0 });
  try {
    const post = kind === 'post';
    const res = await request(`${base}${post ? '/api/v1/audience/ping' : '/ads/track'}?r=${round}&i=${i}`, {
      method: post ? 'POST' : 'GET',
      body: post ? body : undefined,
      headers: post ? { 'content-type': 'application/octet-stream' } : {},
      dispatcher: agent,
    });
    await res.body.dump();
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
  } catch {
    failed++;
  } finally {
    void agent.close().catch(() => {});
  }
}

for (let r = 0; r < Number(rounds); r++) {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Number(concurrency) }, (_, i) => one(i, r)));
  roundsMs.push(Math.round(performance.now() - t0));
}
console.log(JSON.stringify({ statuses, failed, roundsMs }));
