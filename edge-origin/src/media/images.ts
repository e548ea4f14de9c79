// Posters and logos: a card in the channel's colour with its name and the title, drawn by ffmpeg.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EncodeContext } from './encode.ts';
import { runFfmpeg } from './ffmpeg.ts';
import type { ImageSpec } from './spec.ts';
import { wrapText } from './text.ts';

export async function renderImage(image: ImageSpec, index: number, ctx: EncodeContext): Promise<void> {
  const out = image.path.slice(1); // `/images/...` → `images/...` under the root
  await mkdir(join(ctx.root, dirname(out)), { recursive: true });
  const text = `${ctx.scratch}/img-${index}`;
  await mkdir(join(ctx.root, text), { recursive: true });
  const h = image.height;
  const font = (ratio: number) => Math.max(10, Math.round(h * ratio));
  const draw = (fontFile: string, file: string, opts: string) =>
    `drawtext=fontfile=${fontFile}:textfile=${text}/${file}:fontcolor=white:${opts}`;

  // lavfi sources round odd sizes down in yuv420p (225 → 224): draw a larger even canvas in RGB,
  // then crop to the exact size.
  const filters: string[] = [`format=rgb24`, `crop=${image.width}:${h}:0:0`];
  await writeFile(join(ctx.root, text, 'name.txt'), image.channelName);
  if (!image.title) {
    // Logo: the channel's name, centred.
    filters.push(draw(ctx.fonts.bold, 'name.txt', `fontsize=${font(0.24)}:x=(w-tw)/2:y=(h-th)/2`));
  } else {
    const titleSize = font(0.075);
    await writeFile(join(ctx.root, text, 'badge.txt'), image.badge);
    await writeFile(
      join(ctx.root, text, 'title.txt'),
      wrapText(image.title, Math.floor(image.width / (titleSize * 0.62)), 3),
    );
    filters.push(
      `drawbox=x=0:y=ih*0.62:w=iw:h=ih*0.38:color=black@0.3:t=fill`,
      draw(ctx.fonts.bold, 'name.txt', `fontsize=${font(0.15)}:x=${font(0.06)}:y=${font(0.06)}`),
      draw(
        ctx.fonts.bold,
        'badge.txt',
        `fontsize=${font(0.06)}:box=1:boxcolor=black@0.35:boxborderw=${font(0.015)}:x=${font(0.07)}:y=${font(0.27)}`,
      ),
      draw(ctx.fonts.regular, 'title.txt', `fontsize=${titleSize}:line_spacing=${font(0.02)}:x=${font(0.06)}:y=h*0.66`),
    );
  }
  await runFfmpeg(
    ctx.ffmpeg,
    [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `color=c=0x${image.color.slice(1)}:s=${even(image.width)}x${even(h)}:d=1`,
      '-vf',
      filters.join(','),
      '-frames:v',
      '1',
      ...(out.endsWith('.jpg') ? ['-q:v', '3'] : []),
      out,
    ],
    ctx.root,
  );
}

function even(n: number): number {
  return n % 2 === 0 ? n : n + 1;
}
