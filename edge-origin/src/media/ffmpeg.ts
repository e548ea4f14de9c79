// Finding and running ffmpeg, and the font drawtext needs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Debian's ffmpeg when installed (newer, faster), else the static build from npm. */
export function findFfmpeg(): string {
  if (existsSync('/usr/bin/ffmpeg')) return '/usr/bin/ffmpeg';
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/**
 * DejaVu from npm for both ffmpegs: the 2018 static build has no fontconfig, and the same
 * font everywhere keeps the pictures (and the spec hash) identical across machines.
 */
export function fontFiles(): { regular: string; bold: string } {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
}

export class FfmpegError extends Error {}

/** Runs ffmpeg to completion; rejects with the end of its stderr when it fails. Resolves to stderr. */
export function runFfmpeg(ffmpeg: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stderr);
      else reject(new FfmpegError(`ffmpeg exited with ${code} in ${cwd}:\n${stderr.slice(-3000)}`));
    });
  });
}
