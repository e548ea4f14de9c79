// The LL-HLS player simulation, parent side: the audience is cut into one slice per
// load-generator process (ll-player-process.ts), so no single event loop, and not the one of the
// origin (this process), carries every player. Origin requests are counted here, at the origin.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../edge/viewer-sim/simulate.ts';
import { TARGET_DURATION, type LlOrigin } from './ll-origin.ts';
import type { LlPlayersSlice } from './ll-players.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../../node_modules/.bin/tsx');

export interface LlPlayersResult {
  players: number;
  processes: number;
  durationMs: number;
  partRequests: number;
  reloadRequests: number;
  uniqueParts: number;
  uniqueReloads: number;
  originRequestsPerPart: number;
  originRequestsPerPlaylistVersion: number;
  /** First byte of a part, ms after it was asked for or the origin started writing it, whichever came last. */
  partTtfbMs: { p50: number; p99: number };
  /** A blocking reload's answer, ms after it was asked for or its part was complete, whichever came last. */
  reloadAfterPartMs: { p50: number; p99: number };
  stalls: number;
  /** Where they come from: how many followed a hint that skipped parts, and how many began in each
   * second of the run (the join rush is the first JOIN_SPREAD_MS). */
  stallCauses: { afterSkip: number; perSecond: number[] };
  /** Parts late players loaded as ordinary requests because a reload's hint jumped over them. */
  skippedParts: number;
  /** Reloads answered over 500 ms after their part, per second of the run. */
  slowReloadsPerSecond: number[];
  /** The slow reloads by how the cache answered them (X-Cache) and by how far behind the player was. */
  slowReloadsBy: { cache: Record<string, number>; behindParts: Record<string, number> };
  errors: number;
  errorsByStatus: Record<string, number>;
}

function runSlice(options: {
  serverUrl: string;
  epochMs: number;
  players: number;
  durationMs: number;
}): Promise<LlPlayersSlice> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(here, 'll-player-process.ts'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LlPlayersSlice)
        : reject(new Error(`bench: LL player process exited with ${code}`)),
    );
  });
}

export async function runLlPlayerSim(
  serverUrl: string,
  origin: LlOrigin,
  options: { players: number; durationMs: number; processes?: number },
): Promise<LlPlayersResult> {
  const processes = options.processes ?? Math.max(1, Math.min(os.cpus().length, Math.ceil(options.players / 250)));
  // The live edge is some segments in, and the timeline runs on from there; the processes start
  // a little later (tsx), which the players' random joins absorb.
  origin.epochMs = Date.now() - 10 * TARGET_DURATION * 1000;
  const shares = Array.from(
    { length: processes },
    (_, i) => Math.floor(options.players / processes) + (i < options.players % processes ? 1 : 0),
  );
  const slices = await Promise.all(
    shares.map((players) => runSlice({ serverUrl, epochMs: origin.epochMs, players, durationMs: options.durationMs })),
  );
  const partsAsked = new Set(slices.flatMap((s) => s.partsAsked));
  const reloadsAsked = new Set(slices.flatMap((s) => s.reloadsAsked));
  let originParts = 0;
  let originReloads = 0;
  for (const [target, count] of origin.counts) {
    if (partsAsked.has(target)) originParts += count;
    else {
      // A cache may write the directives in another order: counted by its (msn, part).
      const url = new URL(target, 'http://x');
      const normal = `${url.pathname}?_HLS_msn=${url.searchParams.get('_HLS_msn')}&_HLS_part=${url.searchParams.get('_HLS_part')}`;
      if (reloadsAsked.has(normal)) originReloads += count;
    }
  }
  const errorsByStatus: Record<string, number> = {};
  for (const s of slices)
    for (const [status, n] of Object.entries(s.errorsByStatus))
      errorsByStatus[status] = (errorsByStatus[status] ?? 0) + n;
  const pct = (values: number[], p: number) =>
    Math.round(
      percentile(
        [...values].sort((a, b) => a - b),
        p,
      ) * 10,
    ) / 10;
  const perSecond = (times: number[]) => {
    const counts = Array.from({ length: Math.ceil(options.durationMs / 1000) + 1 }, () => 0);
    for (const t of times) counts[Math.max(0, Math.min(counts.length - 1, Math.floor(t)))]! += 1;
    return counts;
  };
  const tally = (values: string[]) => {
    const out: Record<string, number> = {};
    for (const v of values) out[v] = (out[v] ?? 0) + 1;
    return out;
  };
  const stallsAt = slices.flatMap((s) => s.stallsAt);
  const partTtfb = slices.flatMap((s) => s.partTtfbMs);
  const reloadAfter = slices.flatMap((s) => s.reloadAfterPartMs);
  return {
    players: options.players,
    processes,
    durationMs: options.durationMs,
    partRequests: slices.reduce((n, s) => n + s.partRequests, 0),
    reloadRequests: slices.reduce((n, s) => n + s.reloadRequests, 0),
    uniqueParts: partsAsked.size,
    uniqueReloads: reloadsAsked.size,
    originRequestsPerPart: originParts / Math.max(1, partsAsked.size),
    originRequestsPerPlaylistVersion: originReloads / Math.max(1, reloadsAsked.size),
    partTtfbMs: { p50: pct(partTtfb, 50), p99: pct(partTtfb, 99) },
    reloadAfterPartMs: { p50: pct(reloadAfter, 50), p99: pct(reloadAfter, 99) },
    stalls: slices.reduce((n, s) => n + s.stalls, 0),
    stallCauses: {
      afterSkip: stallsAt.filter((s) => s.afterSkip).length,
      perSecond: perSecond(stallsAt.map((s) => s.atS)),
    },
    skippedParts: slices.reduce((n, s) => n + s.skippedParts, 0),
    slowReloadsPerSecond: perSecond(slices.flatMap((s) => s.slowReloads.map((r) => r.atS))),
    slowReloadsBy: {
      cache: tally(slices.flatMap((s) => s.slowReloads.map((r) => r.cache))),
      behindParts: tally(slices.flatMap((s) => s.slowReloads.map((r) => String(Math.min(r.behindParts, 8))))),
    },
    errors: Object.values(errorsByStatus).reduce((a, b) => a + b, 0),
    errorsByStatus,
  };
}
