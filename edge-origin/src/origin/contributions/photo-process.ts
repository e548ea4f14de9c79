// The photos' heavy work in a process of its own (photo-child.mjs): sharp's decode and re-encode
// (about 85 ms of CPU for 12 megapixels), at a lower CPU priority (nice 10). In the origin's process the
// same work took the CPU the live packager, the TV API and (on a one-box venue) the edge need: a
// flood of 12-megapixel photos raised the live's p50 through the edge from 2 to about 70 ms. Here
// the kernel serves the live first and the photos get what is left; the line (photo-queue.ts)
// still bounds what waits. Started at the first photo, stopped after a minute without one (an
// origin that never gets a photo never starts it), started again if it dies (its jobs then fail).
// Node only (the Deno origin keeps the work inline: config `photoWorker`).
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inlineEngine, type PhotoEngine } from './photo.ts';

/**
 * The child's script: beside this source (tsx, jest, a bundle inside the repository), or beside
 * the running bundle (deploy/origin's image ships dist/ only; scripts/build-server.mjs copies it).
 */
export function photoChildScript(): string | null {
  const candidates = [fileURLToPath(new URL('./photo-child.mjs', import.meta.url))];
  const main = globalThis.process?.argv?.[1];
  if (main) candidates.push(join(dirname(main), 'photo-child.mjs'));
  return candidates.find((file) => existsSync(file)) ?? null;
}
const IDLE_STOP_MS = 60_000;

export class PhotoProcessGoneError extends Error {
  override name = 'PhotoProcessGoneError';
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The most images libvips held at once in any photo process of this origin (tests: the line's bound). */
let peakDecodes = 0;
export function photoProcessPeakDecodes(): number {
  return peakDecodes;
}

export class PhotoProcess implements PhotoEngine {
  private child: ChildProcess | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: { script: string; nice: number; threads: number }) {
    this.here = inlineEngine(options.threads);
  }

  // Cheap work stays here: a child would cost more in copies than it saves (a 345 KB message's
  // round trip took 3-4 ms of this process's CPU, a 10 MB one 16-42 ms, against 2 and 50 ms of
  // multipart parsing; the header read decodes nothing).
  private readonly here: PhotoEngine;

  form(body: Uint8Array, contentType: string) {
    return this.here.form(body, contentType);
  }

  metadata(bytes: Uint8Array) {
    return this.here.metadata(bytes);
  }

  async encode(bytes: Uint8Array, o: { maxPixels: number; width: number; height: number; quality: number }) {
    return (await this.call({ op: 'encode', bytes, ...o })) as { jpeg: Uint8Array; width: number; height: number };
  }

  /** Stops the process now (jobs in progress fail). */
  close(): void {
    clearTimeout(this.idleTimer);
    this.child?.kill();
    this.gone(this.child);
  }

  private call(message: Record<string, unknown>): Promise<unknown> {
    const child = this.started();
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, ...message }, (error) => {
        if (error) this.settle(id, (p) => p.reject(new PhotoProcessGoneError(`photo process: ${error.message}`)));
      });
    });
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.options.script, [], {
      // Plain JavaScript: no TypeScript loader, whatever ran the origin.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        CONTRIB_PHOTO_CHILD_NICE: String(this.options.nice),
        CONTRIB_PHOTO_CHILD_THREADS: String(this.options.threads),
      },
    });
    // Lowered from here too, at once: the child's own call (before its threads start) comes once
    // Node has booted, and until then it would compete at the origin's priority.
    try {
      if (child.pid !== undefined) setPriority(child.pid, this.options.nice);
    } catch {
      // Not allowed here (a container without the right): the work is still off the event loop.
    }
    // Never what keeps the origin (or a test) running.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    child.on('message', (raw) => {
      const m = raw as { id: number; ok: boolean; result?: unknown; error?: string; peak?: number };
      peakDecodes = Math.max(peakDecodes, m.peak ?? 0);
      this.settle(m.id, (p) => (m.ok ? p.resolve(m.result) : p.reject(new Error(m.error ?? 'photo process error'))));
    });
    child.on('exit', () => this.gone(child));
    child.on('error', () => this.gone(child));
    this.child = child;
    return child;
  }

  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    how(p);
    if (this.pending.size === 0 && this.child) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.close(), IDLE_STOP_MS);
      (this.idleTimer as { unref?: () => void }).unref?.();
    }
  }

  /** The process ended: what it was doing fails (the next call starts another). */
  private gone(child: ChildProcess | null): void {
    if (!child || this.child !== child) return;
    this.child = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new PhotoProcessGoneError('photo process ended'));
  }
}
