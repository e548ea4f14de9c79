// Simulated LL-HLS players, one load-generator process's share (ll-player-process.ts): each joins at a random moment,
// loads the plain playlist once, then does what hls.js does at the live edge in low-latency mode: asks for
// the hinted part (before it exists) and, at the same time, the blocking reload for that part;
// when the reload answers it moves on to the next hint (a late player whose reload answered a newer
// playlist first loads the parts listed in between, as hls.js does). It plays parts in order once it holds
// PART-HOLD-BACK of them and counts a stall whenever the next part is not complete when due.
// Read at the origin: requests per part and per playlist version (each (msn, part) reload).
import http from 'node:http';
import { PART_MS, PARTS_PER_SEGMENT, PLAYLIST_PATH, partReadyAt } from './ll-origin.ts';

/** What one load-generator process saw (raw samples: the parent merges them). */
export interface LlPlayersSlice {
  partRequests: number;
  reloadRequests: number;
  /** Part paths and reload targets asked for (the parent counts the origin's requests for them). */
  partsAsked: string[];
  reloadsAsked: string[];
  /** First byte of a part, ms after it was asked for or the origin started writing it, whichever came last. */
  partTtfbMs: number[];
  /** A blocking reload's answer, ms after it was asked for or its part was complete, whichever came last. */
  reloadAfterPartMs: number[];
  stalls: number;
  /** Where the stalls come from: s after the start of the run at which each began, and whether the
   * reload before it answered a newer playlist than the part asked for (a late player). */
  stallsAt: { atS: number; afterSkip: boolean }[];
  /** Parts between the one asked for and the hint its reload answered (a late player catching up:
   * it loads them as ordinary requests, as hls.js loads the parts a playlist lists). */
  skippedParts: number;
  /** The slow reloads (over 500 ms after their part), s after the start of the run, and how slow. */
  slowReloads: { atS: number; ms: number; cache: string; behindParts: number }[];
  /** Failed requests by status ("0": no answer). */
  errorsByStatus: Record<string, number>;
}

const HOLD_BACK_PARTS = 3;
const JOIN_SPREAD_MS = 3000;
const HINT = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.m4s"/;

/** `origin`: the timeline the origin follows (its epochMs, on the Date.now() clock). */
export async function runLlPlayers(
  serverUrl: string,
  origin: { epochMs: number },
  options: { players: number; durationMs: number },
): Promise<LlPlayersSlice> {
  const base = new URL(serverUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const start = Date.now();
  const end = start + options.durationMs;
  const partTtfb: number[] = [];
  const reloadAfter: number[] = [];
  const partsAsked = new Set<string>();
  const reloadsAsked = new Set<string>();
  let partRequests = 0;
  let reloadRequests = 0;
  let stalls = 0;
  const stallsAt: { atS: number; afterSkip: boolean }[] = [];
  let skippedParts = 0;
  const slowReloads: { atS: number; ms: number; cache: string; behindParts: number }[] = [];
  const errorsByStatus: Record<string, number> = {};
  const failed = (status: number) => {
    errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
  };

  /** A GET; `onFirstByte` marks a part, whose bytes are counted, not kept (the load generator's CPU
   * goes to asking, not to copying 64 KB parts into strings). */
  function get(path: string, onFirstByte?: () => void): Promise<{ status: number; body: string; cache: string }> {
    return new Promise((resolve) => {
      const req = http.get({ host: base.hostname, port: base.port, path, agent }, (res) => {
        let body = '';
        let first = true;
        res.on('data', (c: Buffer) => {
          if (first) onFirstByte?.();
          first = false;
          if (!onFirstByte) body += c.toString('latin1');
        });
        // X-Cache: how a cache answered (our edge and the Varnish config say it; nginx does not).
        const cache = String(res.headers['x-cache'] ?? '-');
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cache }));
        res.on('error', () => resolve({ status: 0, body: '', cache: '-' }));
      });
      req.on('error', () => resolve({ status: 0, body: '', cache: '-' }));
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
    while (Date.now() < end) {
      const [m, p] = [msn, part];
      const partPath = `/ll/v1/${m}.${p}.m4s`;
      const reloadPath = `${PLAYLIST_PATH}?_HLS_msn=${m}&_HLS_part=${p}`;
      partsAsked.add(partPath);
      reloadsAsked.add(reloadPath);
      partRequests++;
      reloadRequests++;
      // What the cache adds: from when the origin could answer (the part being written, the
      // reload's part complete) or the request, whichever came last.
      const sent = Date.now();
      const ready = Math.max(sent, partReadyAt(origin, m, p));
      const writing = Math.max(sent, partReadyAt(origin, m, p) - PART_MS);
      const partDone = get(partPath, () => partTtfb.push(Date.now() - writing)).then((r) => {
        if (r.status !== 200) failed(r.status);
        arrived.push(Date.now());
      });
      const reload = await get(reloadPath);
      if (reload.status !== 200) {
        failed(reload.status);
        await partDone;
        continue;
      }
      const after = Date.now() - ready;
      reloadAfter.push(after);
      if (after > 500) {
        // How far behind the live edge the player was when it asked (0: the part was not out yet).
        const behindParts = Math.max(0, Math.floor((sent - partReadyAt(origin, m, p)) / PART_MS));
        slowReloads.push({ atS: (Date.now() - start) / 1000, ms: after, cache: reload.cache, behindParts });
      }
      const next = HINT.exec(reload.body);
      if (!next) return void failed(reload.status);
      [msn, part] = [Number(next[1]), Number(next[2])];
      const skipped = msn * PARTS_PER_SEGMENT + part - (m * PARTS_PER_SEGMENT + p) - 1;
      await partDone;
      if (skipped > 0) {
        // The reload answered a newer playlist (a late player): as hls.js does, load the parts it
        // lists in between (they exist), in order, rather than jumping to the hint.
        skippedParts += skipped;
        const from = m * PARTS_PER_SEGMENT + p + 1;
        const times = await Promise.all(
          Array.from({ length: skipped }, async (_, i) => {
            const path = `/ll/v1/${Math.floor((from + i) / PARTS_PER_SEGMENT)}.${(from + i) % PARTS_PER_SEGMENT}.m4s`;
            partsAsked.add(path);
            partRequests++;
            const r = await get(path, () => {});
            if (r.status !== 200) failed(r.status);
            return Date.now();
          }),
        );
        let last = 0;
        for (const t of times) arrived.push((last = Math.max(last, t)));
      }
      // Each part is due PART_MS after the one before; late: a stall, and playback shifts.
      while (arrived.length > 0) {
        const at = arrived.shift()!;
        if (playStart === undefined) {
          if (played === 0) playStart = at + HOLD_BACK_PARTS * PART_MS;
        } else {
          const due = playStart + played * PART_MS;
          if (at > due) {
            stalls++;
            stallsAt.push({ atS: (due - start) / 1000, afterSkip: skipped > 0 });
            playStart += at - due;
          }
        }
        played++;
      }
    }
  }

  await Promise.all(Array.from({ length: options.players }, () => player()));
  agent.destroy();
  return {
    partRequests,
    reloadRequests,
    partsAsked: [...partsAsked],
    reloadsAsked: [...reloadsAsked],
    partTtfbMs: partTtfb,
    reloadAfterPartMs: reloadAfter,
    stalls,
    stallsAt,
    skippedParts,
    slowReloads,
    errorsByStatus,
  };
}
