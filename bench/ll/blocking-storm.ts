// "Blocking storm": `clients` LL-HLS players waiting on the same blocking playlist reload, which
// the origin holds `holdMs` until the part it names exists (every viewer of a channel asks for the
// next part within milliseconds). Per round: how many requests reached the origin, and when each
// client had its whole answer, counted from the moment the origin let the part out.
import http from 'node:http';
import { PLAYLIST_PATH, partReadyAt, PARTS_PER_SEGMENT, PART_MS, type LlOrigin } from './ll-origin.ts';
import { percentile } from '../edge/viewer-sim/simulate.ts';

export interface BlockingStormResult {
  clients: number;
  rounds: number;
  holdMs: number;
  /** Requests for the round's reload that reached the origin, per round. */
  originRequests: number[];
  /** Whole answer received, ms after the origin released the part (all rounds' clients together). */
  afterHoldMs: { p50: number; p95: number; max: number };
  failures: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Origin requests for (msn, part), whatever order the cache wrote the directives in. */
function originRequestsFor(origin: LlOrigin, msn: number, part: number): number {
  let n = 0;
  for (const [target, count] of origin.counts) {
    const url = new URL(target, 'http://x');
    if (
      url.pathname === PLAYLIST_PATH &&
      url.searchParams.get('_HLS_msn') === String(msn) &&
      url.searchParams.get('_HLS_part') === String(part)
    )
      n += count;
  }
  return n;
}

export async function runBlockingStorm(
  serverUrl: string,
  origin: LlOrigin,
  options: { clients: number; rounds: number; holdMs: number; firstMsn: number },
): Promise<BlockingStormResult> {
  const base = new URL(serverUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const after: number[] = [];
  const originRequests: number[] = [];
  let failures = 0;
  // A player's first load (the plain playlist) before its blocking reloads.
  await get(base, PLAYLIST_PATH, agent);
  for (let round = 0; round < options.rounds; round++) {
    const msn = options.firstMsn + round * 10;
    const part = 1;
    // The live edge moves so that this part appears holdMs from now, less 0, 167 or 333 ms (the
    // origin answers 503 past three target durations): a cache that polls (nginx's lock waiters,
    // every 500 ms) is sampled at several phases.
    const t0 = Date.now();
    const hold = options.holdMs - Math.round(((round % 3) * 500) / 3);
    origin.epochMs = t0 + hold - (msn * PARTS_PER_SEGMENT + part + 1) * PART_MS;
    const released = partReadyAt(origin, msn, part);
    const target = `${PLAYLIST_PATH}?_HLS_msn=${msn}&_HLS_part=${part}`;
    const answers = await Promise.all(Array.from({ length: options.clients }, () => get(base, target, agent)));
    for (const a of answers) {
      if (a.status !== 200 || !a.body.includes(`URI="${msn}.${part}.m4s"`)) failures++;
      else after.push(a.doneAt - released);
    }
    originRequests.push(originRequestsFor(origin, msn, part));
    await sleep(200);
  }
  agent.destroy();
  const sorted = [...after].sort((a, b) => a - b);
  return {
    clients: options.clients,
    rounds: options.rounds,
    holdMs: options.holdMs,
    originRequests,
    afterHoldMs: {
      p50: round1(percentile(sorted, 50)),
      p95: round1(percentile(sorted, 95)),
      max: round1(percentile(sorted, 100)),
    },
    failures,
  };
}

function get(base: URL, path: string, agent: http.Agent): Promise<{ status: number; body: string; doneAt: number }> {
  return new Promise((resolve) => {
    const req = http.get({ host: base.hostname, port: base.port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, doneAt: Date.now() }));
      res.on('error', () => resolve({ status: 0, body, doneAt: Date.now() }));
    });
    req.on('error', () => resolve({ status: 0, body: '', doneAt: Date.now() }));
  });
}
