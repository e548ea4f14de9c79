// Simulated LL-HLS players (one event loop, the bench's): each joins at a random moment, loads the
// plain playlist once, then does what hls.js does at the live edge in low-latency mode: asks for
// the hinted part (before it exists) and, at the same time, the blocking reload for that part;
// when the reload answers it moves on to the next hint. It plays parts in order once it holds
// PART-HOLD-BACK of them and counts a stall whenever the next part is not complete when due.
// Read at the origin: requests per part and per playlist version (each (msn, part) reload).
import http from 'node:http';
import { PART_MS, PLAYLIST_PATH, partReadyAt, TARGET_DURATION, type LlOrigin } from './ll-origin.ts';
import { percentile } from '../edge/viewer-sim/simulate.ts';

export interface LlPlayersResult {
  players: number;
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
  errors: number;
  /** Failed requests by status ("0": no answer). */
  errorsByStatus: Record<string, number>;
}

const HOLD_BACK_PARTS = 3;
const JOIN_SPREAD_MS = 3000;
const HINT = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.m4s"/;

export async function runLlPlayers(
  serverUrl: string,
  origin: LlOrigin,
  options: { players: number; durationMs: number },
): Promise<LlPlayersResult> {
  const base = new URL(serverUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  // The live edge is some segments in: the timeline runs on from here.
  origin.epochMs = performance.now() - 10 * TARGET_DURATION * 1000;
  const start = performance.now();
  const end = start + options.durationMs;
  const partTtfb: number[] = [];
  const reloadAfter: number[] = [];
  const partsAsked = new Set<string>();
  const reloadsAsked = new Set<string>();
  let partRequests = 0;
  let reloadRequests = 0;
  let stalls = 0;
  let errors = 0;
  const errorsByStatus: Record<string, number> = {};
  const failed = (status: number) => {
    errors++;
    errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
  };

  function get(path: string, onFirstByte?: () => void): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const req = http.get({ host: base.hostname, port: base.port, path, agent }, (res) => {
        let body = '';
        let first = true;
        res.setEncoding('latin1');
        res.on('data', (c: string) => {
          if (first) onFirstByte?.();
          first = false;
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      });
      req.on('error', () => resolve({ status: 0, body: '' }));
    });
  }

  async function player(): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.random() * JOIN_SPREAD_MS));
    const first = await get(PLAYLIST_PATH);
    const hint = HINT.exec(first.body);
    if (first.status !== 200 || !hint) return void failed(first.status);
    let msn = Number(hint[1]);
    let part = Number(hint[2]);
    /** Playback: when the first part is due, parts in order every PART_MS after it. */
    let playStart: number | undefined;
    let played = 0;
    const arrived: number[] = [];
    while (performance.now() < end) {
      const [m, p] = [msn, part];
      const partPath = `/ll/v1/${m}.${p}.m4s`;
      const reloadPath = `${PLAYLIST_PATH}?_HLS_msn=${m}&_HLS_part=${p}`;
      partsAsked.add(partPath);
      reloadsAsked.add(reloadPath);
      partRequests++;
      reloadRequests++;
      // What the cache adds: from when the origin could answer (the part being written, the
      // reload's part complete) or the request, whichever came last.
      const sent = performance.now();
      const ready = Math.max(sent, partReadyAt(origin, m, p));
      const writing = Math.max(sent, partReadyAt(origin, m, p) - PART_MS);
      const partDone = get(partPath, () => partTtfb.push(performance.now() - writing)).then((r) => {
        if (r.status !== 200) failed(r.status);
        arrived.push(performance.now());
      });
      const reload = await get(reloadPath);
      if (reload.status !== 200) {
        failed(reload.status);
        await partDone;
        continue;
      }
      reloadAfter.push(performance.now() - ready);
      const next = HINT.exec(reload.body);
      if (!next) return void failed(reload.status);
      [msn, part] = [Number(next[1]), Number(next[2])];
      await partDone;
      // Each part is due PART_MS after the one before; late: a stall, and playback shifts.
      while (arrived.length > 0) {
        const at = arrived.shift()!;
        if (playStart === undefined) {
          if (played === 0) playStart = at + HOLD_BACK_PARTS * PART_MS;
        } else {
          const due = playStart + played * PART_MS;
          if (at > due) {
            stalls++;
            playStart += at - due;
          }
        }
        played++;
      }
    }
  }

  await Promise.all(Array.from({ length: options.players }, () => player()));
  agent.destroy();
  let originParts = 0;
  let originReloads = 0;
  for (const [target, count] of origin.counts) {
    if (partsAsked.has(target)) originParts += count;
    else if (reloadsAsked.has(target)) originReloads += count;
    else {
      // A cache may write the directives in another order: count it by its (msn, part).
      const url = new URL(target, 'http://x');
      const normal = `${url.pathname}?_HLS_msn=${url.searchParams.get('_HLS_msn')}&_HLS_part=${url.searchParams.get('_HLS_part')}`;
      if (reloadsAsked.has(normal)) originReloads += count;
    }
  }
  const pct = (values: number[], p: number) =>
    Math.round(
      percentile(
        [...values].sort((a, b) => a - b),
        p,
      ) * 10,
    ) / 10;
  return {
    players: options.players,
    durationMs: options.durationMs,
    partRequests,
    reloadRequests,
    uniqueParts: partsAsked.size,
    uniqueReloads: reloadsAsked.size,
    originRequestsPerPart: originParts / Math.max(1, partsAsked.size),
    originRequestsPerPlaylistVersion: originReloads / Math.max(1, reloadsAsked.size),
    partTtfbMs: { p50: pct(partTtfb, 50), p99: pct(partTtfb, 99) },
    reloadAfterPartMs: { p50: pct(reloadAfter, 50), p99: pct(reloadAfter, 99) },
    stalls,
    errors,
    errorsByStatus,
  };
}
