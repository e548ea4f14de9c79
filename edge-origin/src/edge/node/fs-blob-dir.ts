// BlobDir on the file system (node:fs, which Deno also provides). Writes go to a temporary file
// renamed into place, so a crash never leaves a half-written blob under its real name.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobDir } from '../cache/disk-tier.ts';

export async function fsBlobDir(root: string): Promise<BlobDir> {
  await mkdir(root, { recursive: true });
  let counter = 0;
  return {
    async list() {
      return (await readdir(root)).filter((n) => !n.startsWith('.tmp-'));
    },
    async read(name) {
      try {
        return new Uint8Array(await readFile(join(root, name)));
      } catch {
        return undefined;
      }
    },
    async write(name, bytes) {
      const tmp = join(root, `.tmp-${crypto.randomUUID()}-${++counter}`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(root, name));
    },
    async remove(name) {
      await rm(join(root, name), { force: true });
    },
  };
}
