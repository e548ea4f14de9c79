// What the origin-replica ingest tests share: a venue encoder pushing SRT to one replica, waiting
// for a state, and who holds a channel's live lease in Redis (origin/replicas/live-lease.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import type { createClient } from 'redis';
import { testEncoderArgs } from '../../edge-origin/src/media/test-encoder.ts';

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
