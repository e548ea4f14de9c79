// Cached-hit throughput with wrk (Debian's), the load generator of choice for a box this small:
// one C process, so the server under test gets the other core.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface HitThroughput {
  requestsPerSecond: number;
  gbitPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function toBytes(value: string): number {
  const m = /^([\d.]+)([KMG]?)B$/.exec(value.trim());
  if (!m) return NaN;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

/** Runs wrk without blocking this process: the bench's upstream lives in it and must keep
 * answering (a blocked upstream would freeze every refresh of a live playlist). */
export async function runWrk(url: string, seconds: number, connections: number): Promise<HitThroughput> {
  const { stdout: out } = await promisify(execFile)(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url],
    {
      encoding: 'utf8',
    },
  );
  const pick = (re: RegExp) => re.exec(out)?.[1] ?? '';
  return {
    requestsPerSecond: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    gbitPerSecond: (toBytes(pick(/Transfer\/sec:\s+([\d.]+[KMG]?B)/)) * 8) / 1e9,
    p50Ms: toMs(pick(/\s50%\s+([\d.]+\w+)/)),
    p99Ms: toMs(pick(/\s99%\s+([\d.]+\w+)/)),
    non2xx: Number(pick(/Non-2xx or 3xx responses:\s+(\d+)/) || 0),
  };
}
