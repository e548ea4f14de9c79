// `tsx edge-origin/src/media/cli.ts [dir]`: generate the demo media (or confirm it is there).
import { ensureDemoMedia } from './ensure.ts';

const dir = process.argv[2] ?? process.env.MEDIA_DIR;
const manifest = await ensureDemoMedia({ ...(dir ? { dir } : {}), log: (msg) => console.log(msg) });
console.log(
  `media ${manifest.version} ready in ${manifest.root} (generated in ${manifest.generationSeconds} s, ${(manifest.totalBytes / 1e6).toFixed(1)} MB)`,
);
