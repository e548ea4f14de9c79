// Child processes for the benchmark: start a server, wait until it answers, read its CPU time
// and peak memory from /proc (Linux), stop it by pid. Kept apart so every server (our edge,
// nginx, the origin) is measured the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { itemAt } from '../../shared/lang/item-at.ts';

export interface Started {
  name: string;
  proc: ChildProcess;
  pids(): number[];
  stop(): Promise<void>;
}

export function startProcess(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Started {
  const proc = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.on('exit', (code) => {
    if (code && code !== 0 && !stopping) console.error(`bench: ${name} exited with ${code}\n${tail}`);
  });
  let stopping = false;
  return {
    name,
    proc,
    pids: () => processTree(proc.pid!),
    async stop() {
      stopping = true;
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, sleep(3000)]);
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}

/** A port nobody listens on right now (the box is shared: fixed ports collide). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `url` answers; fails at once if `server` (when given) has exited meanwhile. */
export async function waitForHttp(url: string, timeoutMs = 120_000, server?: Started): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (server && server.proc.exitCode !== null)
      throw new Error(`bench: ${server.name} exited before answering ${url}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`bench: ${url} did not answer within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The pid and all its descendants (nginx workers, tsx's node child). */
export function processTree(root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      /* exited */
    }
  }
  return out;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User + system CPU seconds used so far by these pids. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      /* exited */
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Current resident memory of these pids, bytes. */
export function rssBytes(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      /* exited */
    }
  }
  return kb * 1024;
}

/**
 * The whole machine while a measurement runs (every process, ours and anyone else's): cores
 * busy, and connections the kernel refused because a listen queue was full (a client then
 * retries its SYN after 1 s, 3 s, 7 s…: seen by a viewer as a very slow start).
 */
export class MachineMeter {
  private readonly cpu0 = machineJiffies();
  private readonly overflows0 = listenOverflows();
  stop(): { busyCores: number; listenOverflows: number } {
    const now = machineJiffies();
    const all = now.all - this.cpu0.all;
    return {
      busyCores: all > 0 ? ((now.busy - this.cpu0.busy) / all) * now.cores : NaN,
      listenOverflows: listenOverflows() - this.overflows0,
    };
  }
}

function machineJiffies(): { busy: number; all: number; cores: number } {
  const text = readFileSync('/proc/stat', 'utf8');
  // cpu  user nice system idle iowait irq softirq steal …
  const f = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const all = f.reduce((a, b) => a + b, 0);
  const idle = itemAt(f, 3) + itemAt(f, 4);
  const cores = (text.match(/^cpu\d+ /gm) ?? []).length;
  return { busy: all - idle, all, cores };
}

/** TcpExt ListenOverflows from /proc/net/netstat (machine-wide; 0 where unreadable). */
function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('TcpExt:'));
    const [header = '', counts = ''] = lines;
    const names = header.split(/\s+/);
    const values = counts.split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')] ?? 0);
  } catch {
    return 0;
  }
}

/** Samples CPU and RSS of a server while a measurement runs. */
export class ResourceMeter {
  private peakRss = 0;
  private timer: NodeJS.Timeout | undefined;
  private cpu0 = 0;
  private t0 = 0;
  constructor(private readonly target: Pick<Started, 'pids'>) {}
  start(): void {
    this.cpu0 = cpuSeconds(this.target.pids());
    this.t0 = performance.now();
    this.peakRss = rssBytes(this.target.pids());
    this.timer = setInterval(() => {
      this.peakRss = Math.max(this.peakRss, rssBytes(this.target.pids()));
    }, 250);
  }
  stop(): { cpuCores: number; peakRssBytes: number } {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu = cpuSeconds(this.target.pids()) - this.cpu0;
    return { cpuCores: cpu / seconds, peakRssBytes: Math.max(this.peakRss, rssBytes(this.target.pids())) };
  }
}
