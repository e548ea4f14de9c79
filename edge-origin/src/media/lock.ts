// A cross-process lock as a directory: several jest workers or servers may ask for the demo
// media at once, and only one of them should run ffmpeg. The lock directory is prepared with
// its owner's pid inside, then renamed into place (atomic, and fails if the lock exists), so
// a waiter always knows who holds it and whether that process is still alive.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from './manifest.ts';

const POLL_MS = 500;
/** A lock older than this is considered abandoned even if its pid is alive (pid reuse). */
const STALE_MS = 20 * 60_000;

export async function withDirLock<T>(
  lockDir: string,
  onWait: (owner: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  let announced = false;
  const staging = `${lockDir}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await mkdir(staging);
  await writeFile(join(staging, 'owner'), String(process.pid));
  for (;;) {
    try {
      await rename(staging, lockDir);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
        await rm(staging, { recursive: true, force: true });
        throw error;
      }
      const owner = await readFile(join(lockDir, 'owner'), 'utf8').catch(() => '');
      if (await isAbandoned(lockDir, owner)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) onWait(owner || 'unknown');
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/**
 * Builds the directory `root` once across processes: under the lock `<root>.lock`, unless its
 * manifest appeared meanwhile, `build` fills the temporary sibling `tmp` (manifest written last),
 * which is then renamed into place, so a reader never sees half a directory. A failed build
 * leaves nothing behind.
 */
export async function buildDirOnce(
  root: string,
  tmp: string,
  onWait: (owner: string) => void,
  build: (tmp: string) => Promise<void>,
): Promise<void> {
  await withDirLock(`${root}.lock`, onWait, async () => {
    if (existsSync(join(root, MANIFEST_FILE))) return; // made while we waited
    await rm(tmp, { recursive: true, force: true });
    try {
      await build(tmp);
      await rename(tmp, root);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
  });
}

async function isAbandoned(lockDir: string, owner: string): Promise<boolean> {
  const info = await stat(lockDir).catch(() => null);
  if (!info) return false; // released meanwhile: just retry
  if (Date.now() - info.mtimeMs > STALE_MS) return true;
  const pid = Number(owner);
  if (!owner || !Number.isInteger(pid)) return true; // not one of ours (locks are created with their owner)
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
