// A cross-process lock as a directory (mkdir is atomic): several jest workers or servers may
// ask for the demo media at once, and only one of them should run ffmpeg.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const POLL_MS = 500;
/** A lock older than this is considered abandoned even if its pid is alive (pid reuse). */
const STALE_MS = 20 * 60_000;

export async function withDirLock<T>(lockDir: string, onWait: (owner: string) => void, work: () => Promise<T>): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
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
    await writeFile(join(lockDir, 'owner'), String(process.pid));
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function isAbandoned(lockDir: string, owner: string): Promise<boolean> {
  const info = await stat(lockDir).catch(() => null);
  if (!info) return false; // released meanwhile: just retry
  if (Date.now() - info.mtimeMs > STALE_MS) return true;
  const pid = Number(owner);
  if (!owner || !Number.isInteger(pid)) return Date.now() - info.mtimeMs > 5_000; // owner not written yet
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
