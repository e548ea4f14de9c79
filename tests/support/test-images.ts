// Pictures for upload tests (posters, logos): ffmpeg's test pattern at the sizes asked, in a temp
// dir made before the file's tests and removed after them. Uses jest's hooks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStarted } from './use-started.ts';

/** `{ 'affiche.jpg': '1280x720' }` → `images.path('affiche.jpg')`, the format told by the name. */
export function useTestImages(sizes: Record<string, string>): { dir: string; path: (name: string) => string } {
  return useStarted(
    'useTestImages',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cite-tv-images-'));
      for (const [name, size] of Object.entries(sizes)) {
        execFileSync('/usr/bin/ffmpeg', [
          '-v',
          'error',
          '-f',
          'lavfi',
          '-i',
          `testsrc2=size=${size}`,
          '-frames:v',
          '1',
          '-y',
          join(dir, name),
        ]);
      }
      return { dir, path: (name: string) => join(dir, name) };
    },
    async ({ dir }) => rmSync(dir, { recursive: true, force: true }),
  );
}
