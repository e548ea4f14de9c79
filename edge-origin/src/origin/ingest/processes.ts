// The two kinds of ffmpeg a feed runs, as child processes: spawning, reading their output line by
// line, stopping them. Node only (child_process); the policy is elsewhere (channel-ingest.ts).
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseListenerLine, progressReader } from './ffmpeg-log.ts';
import type { ListenerEvent, TranscodeProgress } from './ffmpeg-log.ts';

/**
 * Spawns ffmpeg so that it dies with the origin: a crashed origin must not leave transcoders
 * behind (one fed silence would never see the end of its input). util-linux's setpriv sets the
 * parent-death signal; where it is missing, ffmpeg still ends when its stdin or peer closes.
 */
function spawnFfmpeg(ffmpeg: string, args: string[], options: SpawnOptions): ChildProcess {
  return SETPRIV ? spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', ffmpeg, ...args], options) : spawn(ffmpeg, args, options);
}
const SETPRIV = existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : null;

export interface Listener {
  readonly process: ChildProcess;
  /** Resolves when the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A listening ffmpeg; `onEvent` gets what its stderr says, `onLine` every line (for errors). */
export function spawnListener(
  ffmpeg: string,
  args: string[],
  onEvent: (event: ListenerEvent) => void,
  onLine: (line: string) => void,
): Listener {
  const child = spawnFfmpeg(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const event = parseListenerLine(line);
    if (event) onEvent(event);
    onLine(line);
  });
  return { process: child, exited: exitOf(child) };
}

export interface Transcoder {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The ladder's ffmpeg, in `cwd` (the session's directory); stdin is the feed. */
export function spawnTranscoder(
  ffmpeg: string,
  args: string[],
  cwd: string,
  onProgress: (p: TranscodeProgress) => void,
  onLine: (line: string) => void,
): Transcoder {
  const child = spawnFfmpeg(ffmpeg, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const read = progressReader();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const progress = read(line);
    if (progress) onProgress(progress);
  });
  createInterface({ input: child.stderr! }).on('line', onLine);
  // The feed ending while ffmpeg still writes is normal at the end of a session.
  child.stdin!.on('error', () => {});
  return { process: child, exited: exitOf(child) };
}

/** Asks politely (SIGINT: ffmpeg finishes its files), then insists after `graceMs`. */
export async function stopProcess(
  p: { process: ChildProcess; exited: Promise<unknown> },
  graceMs: number,
  signal: NodeJS.Signals = 'SIGINT',
): Promise<void> {
  if (p.process.exitCode !== null || p.process.signalCode !== null) return;
  p.process.kill(signal);
  const timer = setTimeout(() => p.process.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    child.once('error', () => resolve({ code: -1, signal: null }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}
