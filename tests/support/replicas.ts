// What the origin-replica tests share: a replica process on a Redis, a venue encoder pushing SRT to
// one replica, waiting for a state, and who holds a channel's live lease in Redis
// (origin/replicas/live-lease.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { createClient } from 'redis';
import { testEncoderArgs } from '../../edge-origin/src/media/test-encoder.ts';
import { ROOT, plainEnv, startNode, type Running } from './built.ts';
import { freePort } from './redis.ts';

/** An ffmpeg encoder pushing 360p25 SRT to `channel`'s door at `srtPort` (channel 0's port). */
export function srtEncoder(srtPort: number, channel: string, key: string, label: string): ChildProcess {
  const args = testEncoderArgs({
    protocol: 'srt',
    host: '127.0.0.1',
    port: srtPort,
    channel,
    key,
    width: 640,
    height: 360,
    fps: 25,
    label,
  });
  return spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** Polls `probe` every 200 ms until it gives a value. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The id of the replica holding `channel`'s live lease, or undefined. */
export async function leaseHolder(
  redis: ReturnType<typeof createClient>,
  channel: string,
): Promise<string | undefined> {
  const value = await redis.get(`citetv:live:lease:${channel}`);
  return value ? (JSON.parse(value) as { id: string }).id : undefined;
}

export interface ReplicaProcess extends Running {
  /** With the ingest on: channel 0's SRT port and the ingest's own folder. */
  ingest?: { srtPort: number; dir: string };
}

/**
 * An origin replica as a process of its own (origin.node.ts through tsx) on loopback, its lease
 * timings given, advertising its own address; `ingest`: SRT on a random base port, RTMP off, a
 * folder of its own (removed by `stop`). `port`: when the caller needs it before the start.
 */
export async function startReplicaProcess(o: {
  id: string;
  redisUrl: string;
  leaseMs: number;
  renewMs: number;
  adminToken: string;
  ingest?: boolean;
  port?: number;
}): Promise<ReplicaProcess> {
  const port = o.port ?? (await freePort());
  const ingest = o.ingest
    ? {
        srtPort: 20_000 + Math.floor(Math.random() * 20_000),
        dir: await mkdtemp(join(tmpdir(), `replica-${o.id}-`)),
      }
    : undefined;
  const running = await startNode(
    ['--import', 'tsx', 'edge-origin/src/bin/origin.node.ts'],
    plainEnv({
      ORIGIN_PORT: String(port),
      ORIGIN_HOST: '127.0.0.1',
      REDIS_URL: o.redisUrl,
      ORIGIN_REPLICA_URL: `http://127.0.0.1:${port}`,
      ORIGIN_REPLICA_ID: o.id,
      ORIGIN_LIVE_LEASE_MS: String(o.leaseMs),
      ORIGIN_LIVE_LEASE_RENEW_MS: String(o.renewMs),
      STAFF_ADMIN_TOKEN: o.adminToken,
      LOG_LEVEL: 'info',
      ...(ingest
        ? {
            INGEST_ENABLED: 'true',
            INGEST_FFMPEG: 'ffmpeg',
            INGEST_DIR: ingest.dir,
            INGEST_BIND_HOST: '127.0.0.1',
            INGEST_SRT_BASE_PORT: String(ingest.srtPort),
            INGEST_RTMP: 'false',
            INGEST_X264_PRESET: 'ultrafast',
          }
        : { INGEST_ENABLED: 'false' }),
    }),
    ROOT,
  ).catch(async (error: unknown) => {
    if (ingest) await rm(ingest.dir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...running,
    ...(ingest ? { ingest } : {}),
    async stop() {
      await running.stop();
      if (ingest) await rm(ingest.dir, { recursive: true, force: true });
    },
  };
}
