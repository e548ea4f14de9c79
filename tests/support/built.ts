// The built servers (scripts/build-server.mjs) as an operator runs them: `node <file>.mjs`, plain
// Node, no tsx, no loader, started as separate processes and read from their first log line.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const run = promisify(execFile);

/** Builds entry points into a fresh folder inside edge-origin/dist (the non-edge bundles find
 * node_modules and the repo's folders from there); returns the folder. */
export async function buildServer(names: string[]): Promise<string> {
  const out = mkdtempSync(path.join(ROOT, 'edge-origin/dist/.test-'));
  await run(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--out', out, ...names], { cwd: ROOT });
  return out;
}

export function removeBuild(out: string): void {
  rmSync(out, { recursive: true, force: true });
}

/** The environment of a process an operator starts: no NODE_OPTIONS (jest's), no loader. */
export function plainEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  return { ...env, ...extra };
}

export interface Running {
  child: ChildProcess;
  /** The URL its first "listening on <url>" line gave. */
  url: string;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node <args>` (this Node, or the `node` binary given) and waits for its "listening on http://..." line. */
export function startNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
  timeoutMs = 60_000,
  node = process.execPath,
): Promise<Running> {
  const child = spawn(node, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`node ${args.join(' ')}: no "listening on" line in ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/[^\s"',]+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => text, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited (${code ?? signal}) before listening:\n${text}`));
    });
  });
}

/** The command line of a running process, as the kernel has it. */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** Processes whose parent is `pid` (tsx runs the program in a child Node, esbuild in another). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** Resident memory of a process, in MiB. */
export function residentMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}
