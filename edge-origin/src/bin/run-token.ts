// Where a local run leaves its staff admin token and origin URL for the developer's tools
// (`npm run encoder` reads a channel's stream key with it): `.run/staff.json`, mode 600, git-ignored.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const RUN_FILE = fileURLToPath(new URL('../../../.run/staff.json', import.meta.url));

export async function writeRunToken(token: string, originUrl: string): Promise<void> {
  await mkdir(new URL('../../../.run/', import.meta.url), { recursive: true, mode: 0o700 });
  await writeFile(RUN_FILE, JSON.stringify({ token, originUrl }), { mode: 0o600 });
  await chmod(RUN_FILE, 0o600);
}

export async function readRunToken(): Promise<{ token: string; originUrl: string } | null> {
  try {
    return JSON.parse(await readFile(RUN_FILE, 'utf8')) as { token: string; originUrl: string };
  } catch {
    return null;
  }
}
