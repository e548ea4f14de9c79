// A synthetic LL-HLS origin for the benchmarks (RFC 8216bis): one rendition whose parts appear
// on a timeline the bench sets, blocking playlist reloads held until the part they name exists
// (503 past three target durations, as the spec says), and hinted parts held until produced,
// then sent in chunks as they would be written. Every request that reaches it is counted by its
// full target (path and query): the offload figures are read here, where they happen.
import http from 'node:http';

export const TARGET_DURATION = 2;
export const PARTS_PER_SEGMENT = 4;
export const PART_MS = (TARGET_DURATION * 1000) / PARTS_PER_SEGMENT;
export const PLAYLIST_PATH = '/ll/v1/index.m3u8';
const PART_BYTES = 64 * 1024;
const PART_BODY = Buffer.alloc(PART_BYTES, 0x47);

export interface LlOrigin {
  url: string;
  /** Requests received, by path and query as sent. */
  counts: Map<string, number>;
  /**
   * The timeline: part `index` (counted over the whole stream, segment = index / 4) exists from
   * `epochMs + (index + 1) × PART_MS` (Date.now() clock). Moving the epoch moves the live edge.
   */
  epochMs: number;
  /** How long a blocking reload may be held before a 503 (three target durations). */
  readonly maxHoldMs: number;
  reset(): void;
  close(): Promise<void>;
}

/** When part (msn, part) exists, on the Date.now() clock. */
export function partReadyAt(origin: Pick<LlOrigin, 'epochMs'>, msn: number, part: number): number {
  return origin.epochMs + (msn * PARTS_PER_SEGMENT + part + 1) * PART_MS;
}

/** The newest part that exists at `now`: [msn, part], or null before the first. */
function livePart(origin: Pick<LlOrigin, 'epochMs'>, now: number): [number, number] | null {
  const index = Math.floor((now - origin.epochMs) / PART_MS) - 1;
  return index < 0 ? null : [Math.floor(index / PARTS_PER_SEGMENT), index % PARTS_PER_SEGMENT];
}

/** The playlist once part (msn, part) exists: the last 4 segments, the parts of the last 2 and of msn. */
export function llPlaylist(msn: number, part: number): string {
  const first = Math.max(0, msn - 4);
  let text = `#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:${TARGET_DURATION}\n`;
  text += `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(PART_MS * 3) / 1000},CAN-SKIP-UNTIL=${TARGET_DURATION * 6}\n`;
  text += `#EXT-X-PART-INF:PART-TARGET=${PART_MS / 1000}\n#EXT-X-MEDIA-SEQUENCE:${first}\n`;
  for (let s = first; s < msn; s++) {
    if (s >= msn - 2)
      for (let p = 0; p < PARTS_PER_SEGMENT; p++)
        text += `#EXT-X-PART:DURATION=${PART_MS / 1000},URI="${s}.${p}.m4s"\n`;
    text += `#EXTINF:${TARGET_DURATION}.0,\n${s}.m4s\n`;
  }
  for (let p = 0; p <= part; p++) text += `#EXT-X-PART:DURATION=${PART_MS / 1000},URI="${msn}.${p}.m4s"\n`;
  const next = part + 1 < PARTS_PER_SEGMENT ? `${msn}.${part + 1}` : `${msn + 1}.0`;
  return `${text}#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${next}.m4s"\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function startLlOrigin(): Promise<LlOrigin> {
  const counts = new Map<string, number>();
  const state = { epochMs: Date.now() };
  const maxHoldMs = 3 * TARGET_DURATION * 1000;
  const server = http.createServer((req, res) => void answer(req, res));

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    counts.set(target, (counts.get(target) ?? 0) + 1);
    const url = new URL(target, 'http://origin.invalid');
    if (url.pathname === PLAYLIST_PATH) {
      const msnText = url.searchParams.get('_HLS_msn');
      if (msnText === null) {
        // A plain reload: the playlist as it is now, kept half a target duration.
        const now = livePart(state, Date.now()) ?? [0, 0];
        return void send(
          res,
          200,
          'application/vnd.apple.mpegurl',
          `max-age=${TARGET_DURATION / 2}`,
          llPlaylist(now[0], now[1]),
        );
      }
      const msn = Number(msnText);
      const part = Number(url.searchParams.get('_HLS_part') ?? PARTS_PER_SEGMENT - 1);
      const wait = partReadyAt(state, msn, part) - Date.now();
      if (wait > maxHoldMs) return void send(res, 503, 'text/plain', 'no-store', 'not within three target durations\n');
      await sleep(wait);
      // The playlist as it is now: it contains the part asked for, maybe more (a late request).
      const now = livePart(state, Date.now());
      const [m, p] = now && (now[0] > msn || (now[0] === msn && now[1] > part)) ? now : [msn, part];
      // The spec's caching appendix: a blocking reload's answer may be kept six target durations.
      return void send(res, 200, 'application/vnd.apple.mpegurl', `max-age=${TARGET_DURATION * 6}`, llPlaylist(m, p));
    }
    const partMatch = /^\/ll\/v1\/(\d+)\.(\d+)\.m4s$/.exec(url.pathname);
    if (partMatch) {
      const ready = partReadyAt(state, Number(partMatch[1]), Number(partMatch[2]));
      // A hinted part is asked for before it exists: held until the packager starts writing it
      // (one part earlier than complete), then sent in four chunks as it is written.
      const start = ready - PART_MS;
      if (start - Date.now() > maxHoldMs) return void send(res, 404, 'text/plain', 'max-age=1', 'not yet\n');
      await sleep(start - Date.now());
      res.writeHead(200, { 'content-type': 'video/mp4', 'cache-control': `max-age=${TARGET_DURATION * 6}` });
      for (let i = 0; i < 4; i++) {
        if (i > 0) await sleep(start + (i * PART_MS) / 3 - Date.now());
        res.write(PART_BODY.subarray((i * PART_BYTES) / 4, ((i + 1) * PART_BYTES) / 4));
      }
      res.end();
      return;
    }
    send(res, 404, 'text/plain', 'max-age=1', 'not found\n');
  }

  function send(res: http.ServerResponse, status: number, type: string, cacheControl: string, body: string): void {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': cacheControl,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    get epochMs() {
      return state.epochMs;
    },
    set epochMs(value: number) {
      state.epochMs = value;
    },
    maxHoldMs,
    reset: () => counts.clear(),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
