// The real live path for a test: an origin with its ingest listening on free loopback ports, an
// edge in front, Debian's ffmpeg as the encoder (test-encoder.ts) and as the viewer's client,
// tesseract reading the clock burned into the picture.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_IDS } from '../../shared/catalog/types.ts';
import type { ChannelId } from '../../shared/catalog/types.ts';
import { ORIGIN_DEFAULTS } from '../../edge-origin/src/origin/options.ts';
import { loadIngestConfig, startIngest } from '../../edge-origin/src/origin/ingest/index.ts';
import type { Ingest, IngestConfig, IngestLogEntry } from '../../edge-origin/src/origin/ingest/index.ts';
import { openRecordStore } from '../../edge-origin/src/origin/store/open-store.ts';
import type { RecordStore } from '../../edge-origin/src/origin/store/record-store.ts';
import { testEncoderArgs } from '../../edge-origin/src/media/test-encoder.ts';
import type { TestEncoderOptions } from '../../edge-origin/src/media/test-encoder.ts';
import { ensureTestManifest, ensureTestMedia } from './media.ts';
import { runFfmpeg } from './ffmpeg.ts';
import type { FfmpegRun } from './ffmpeg.ts';
import type { LiveEvent } from '../../shared/catalog/types.ts';
import { streamKey } from '../../edge-origin/src/origin/ingest/stream-keys.ts';
import { eventually } from './browser.ts';
import { startStack } from './stack.ts';
import type { Stack } from './stack.ts';

export const ADMIN = 'test-admin-token';

/** An ingest on free loopback ports, over a memory store, ready to hand to an origin. */
export interface TestIngest {
  ingest: Ingest;
  store: RecordStore;
  config: IngestConfig;
  /** Every structured line the ingest logged, in order. */
  logs: IngestLogEntry[];
  /** Starts a test encoder pushing to the channel (with its stream key unless `key` is given). */
  encoder(
    channel: ChannelId,
    options: Partial<TestEncoderOptions> & Pick<TestEncoderOptions, 'protocol'>,
  ): Promise<Encoder>;
  /** What the origin needs to use this ingest. */
  originOptions: { store: RecordStore; ingest: Ingest; staffAdminToken: string };
  close(): Promise<void>;
}

export interface IngestStack extends Stack, Omit<TestIngest, 'close'> {
  /** The channel's stream key, as an admin reads it from the staff API. */
  key(channel: ChannelId): Promise<string>;
}

export interface Encoder {
  process: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(): Promise<void>;
}

/** Cuts a channel's feed: its encoder is killed, and the ingest has seen it go (no longer `receiving`). */
export async function cutFeed(ingest: Ingest, channel: ChannelId, encoder: Encoder): Promise<void> {
  await encoder.kill();
  await eventually(
    async () => ingest.status(channel)!,
    (s) => s.state !== 'receiving',
    20_000,
    'feed lost',
  );
}

/** Four consecutive free ports (one per channel), from a random base. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(CHANNEL_IDS.map((_, i) => tcpFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** Resolves once something listens on 127.0.0.1:`port` (read from /proc/net/tcp: no connection made). */
async function tcpListening(port: number, timeoutMs = 15_000): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const table = await readFile('/proc/net/tcp', 'utf8');
    // Columns: sl local_address rem_address st…; st 0A is LISTEN.
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1] === local && line.trim().split(/\s+/)[3] === '0A'))
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startTestIngest(overrides: Partial<IngestConfig> = {}): Promise<TestIngest> {
  const manifest = await ensureTestManifest();
  const dir = await mkdtemp(join(tmpdir(), 'ingest-'));
  const store = openRecordStore({});
  const [srtBasePort, rtmpBasePort] = [await freeBase(), await freeBase()];
  const config = loadIngestConfig({
    overrides: { dir, ffmpegPath: 'ffmpeg', srtBasePort, rtmpBasePort, x264Preset: 'ultrafast', ...overrides },
  });
  const logs: IngestLogEntry[] = [];
  const clock = {
    epochMs: ORIGIN_DEFAULTS.live.epochMs,
    windowSize: ORIGIN_DEFAULTS.live.windowSize,
    segmentDuration: manifest.segmentDuration,
  };
  const ingest = await startIngest({
    config,
    mediaDir: manifest.root,
    store,
    clock,
    staffAdminToken: ADMIN,
    log: (e) => logs.push(e),
  });
  const encoders: Encoder[] = [];
  return {
    ingest,
    store,
    config,
    logs,
    originOptions: { store, ingest, staffAdminToken: ADMIN },
    async encoder(channel, options) {
      const i = CHANNEL_IDS.indexOf(channel);
      const port = options.protocol === 'srt' ? srtBasePort + i : rtmpBasePort + i;
      // An RTMP client gives up at once on a refused connection: wait for the listener (or the
      // busy guard) to be there. SRT callers retry their handshake by themselves.
      if (options.protocol === 'rtmp') await tcpListening(port);
      const key = options.key ?? (await streamKey(store, channel));
      const args = testEncoderArgs({
        host: '127.0.0.1',
        port,
        channel,
        width: 640,
        height: 360,
        fps: 25,
        ...options,
        key,
      });
      const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      // The venue's encoder has a machine of its own: here it shares two cores with the origin's
      // transcoders and the other test files, so it goes first (a starved encoder falls silent, and
      // the ingest rightly cuts a silent feed). Needs root, as in CI; else it runs at the same rank.
      try {
        if (child.pid) setPriority(child.pid, -5);
      } catch {
        /* not allowed here */
      }
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-5000)));
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      const encoder: Encoder = {
        process: child,
        stderr: () => stderr,
        exited,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      };
      encoders.push(encoder);
      return encoder;
    },
    async close() {
      await Promise.all(encoders.map((e) => e.kill()));
      await ingest.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An ingest, an origin using it and an edge in front. */
export async function startIngestStack(overrides: Partial<IngestConfig> = {}): Promise<IngestStack> {
  const ingest = await startTestIngest(overrides);
  const stack = await startStack({ origin: { mediaDir: await ensureTestMedia(), ...ingest.originOptions } });
  return {
    ...stack,
    ...ingest,
    async key(channel) {
      const response = await fetch(`${stack.originUrl}/api/v1/staff/ingest/${channel}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      if (!response.ok) throw new Error(`GET ingest/${channel}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { streamKey: string }).streamKey;
    },
    async close() {
      await stack.close();
      await ingest.close();
    },
  };
}

/** The staff API with the admin token: the body of a 2xx answer, else an Error naming the call. */
// (Not staff-api.ts's client: this module also serves the benchmarks, which run outside jest.)
export function adminStaff(originUrl: string): <T>(method: string, path: string, body?: unknown) => Promise<T> {
  return async <T>(method: string, path: string, body: unknown = {}) => {
    const response = await fetch(`${originUrl}/api/v1/staff${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/** An event of `channel` put on air now by the staff (scheduled for later, then started). */
export async function eventOnAir(originUrl: string, channel: ChannelId, title: string): Promise<LiveEvent> {
  const staff = adminStaff(originUrl);
  const event = await staff<LiveEvent>('POST', '/events', {
    channelId: channel,
    title,
    venue: 'Salle de la Cité',
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 7200_000).toISOString(),
  });
  await staff('POST', `/events/${event.id}/start`);
  return event;
}

/**
 * A viewer's client (ffmpeg) reads `seconds` of a live through `url`, its first video and audio,
 * and reports only errors. Counted in frames, not timestamps: on a loaded machine a slot of slate
 * may come in between, and timestamps restart there (`-t` would then never be reached).
 */
export function readLive(url: string, seconds: number): Promise<FfmpegRun> {
  const frames = (n: number) => String(Math.round(n * seconds));
  return runFfmpeg(
    [
      '-v',
      'error',
      '-i',
      url,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0',
      '-frames:v',
      frames(25),
      '-frames:a',
      frames(48000 / 1024),
      '-f',
      'null',
      '-',
    ],
    60_000,
  );
}

/** The live media playlist of a rendition, fetched through the edge. */
export async function livePlaylist(stack: Stack, channel: ChannelId, rendition = 'v360'): Promise<string> {
  const response = await fetch(`${stack.edgeUrl}/hls/live/${channel}/${rendition}/index.m3u8`);
  return response.text();
}

/** The segment URIs of a playlist text with their discontinuity marks. */
export function playlistSegments(
  text: string,
): { uri: string; discontinuity: boolean; duration: number; gap: boolean }[] {
  const out: { uri: string; discontinuity: boolean; duration: number; gap: boolean }[] = [];
  let discontinuity = false;
  let gap = false;
  let duration = 0;
  for (const line of text.split('\n')) {
    if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line === '#EXT-X-GAP') gap = true;
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) {
      out.push({ uri: line, discontinuity, duration, gap });
      discontinuity = false;
      gap = false;
    }
  }
  return out;
}

/** Reads the burned-in clock (UTC h:m:s.ms, in seconds of the day) of a PNG of the picture, or null. */
export async function readClock(png: string, width: number, height: number): Promise<number | null> {
  // The clock box sits at the left, a sixth of the way down (test-encoder.ts): crop it, light text →
  // black on white, ×2.
  const cropped = `${png}.clock.png`;
  const crop = `crop=${Math.round(width * 0.55)}:${Math.round(height * 0.2)}:0:${Math.round(height * 0.12)}`;
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    png,
    '-vf',
    `${crop},format=gray,lut=y='if(gt(val\\,128)\\,0\\,255)',scale=iw*2:ih*2`,
    cropped,
  ]);
  const text = await run('tesseract', [cropped, '-', '--psm', '7', '-c', 'tessedit_char_whitelist=0123456789:.']);
  const m = /(\d{2}):(\d{2}):(\d{2})\.(\d{3})/.exec(text);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000 : null;
}

/** Grabs one frame of the live (the newest segment's start) as a PNG, through `url`. */
export async function grabLiveFrame(url: string, png: string, videoStream = 1): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-live_start_index',
    '-1',
    '-i',
    url,
    '-map',
    `0:v:${videoStream}`,
    '-frames:v',
    '1',
    '-update',
    '1',
    png,
  ]);
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited ${code}: ${err.slice(-1000)}`));
    });
  });
}

/** Seconds of the day (UTC) now. */
export function secondsOfDay(ms = Date.now()): number {
  return (ms / 1000) % 86400;
}

export { CHANNEL_IDS };
