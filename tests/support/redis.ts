// A real redis-server for tests: a free port on 127.0.0.1, a temporary directory (append-only
// file, so `restart()` keeps the data, as a real deployment would), stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server and removes its directory (afterAll). */
  stop(): Promise<void>;
  /** An outage: stops the process, keeping its data on disk for `restart`. */
  crash(): Promise<void>;
  /** Starts it again (after `crash`, or restarts a running one) on the same port and data. */
  restart(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server on 127.0.0.1:`port` keeping its files in `dir`, with `extra` settings; resolves once it accepts connections. */
export function launchRedisServer(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'no', ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on ${port}:\n${out}`));
    }, 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
}

/** Stops a server started here (by pid) and resolves once it has exited. */
export function stopRedisServer(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Append-only, fsync'd at every write: `restart()` finds the data as a real deployment would. */
const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always'];
const launch = (port: number, dir: string) => launchRedisServer(port, dir, DURABLE);

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'cite-tv-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async crash() {
      await stopRedisServer(child);
      child = undefined;
    },
    async restart() {
      await stopRedisServer(child);
      child = await launch(port, dir);
    },
    async stop() {
      await stopRedisServer(child);
      child = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
