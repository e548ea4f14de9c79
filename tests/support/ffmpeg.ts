// ffmpeg as an HLS client nobody here wrote: the tests' independent check that what the origin
// and the edge serve really plays. One helper for every suite.
import { spawn } from 'node:child_process';

export interface FfmpegRun {
  code: number | null;
  /** Everything ffmpeg printed on stderr (with `-v error`: only the errors). */
  stderr: string;
}

/** Runs ffmpeg with `args`; a client that stalls (e.g. on timestamps going back) is killed after
 * `timeoutMs` so it fails the test instead of hanging it. */
export function runFfmpeg(args: string[], timeoutMs = 45_000): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-nostdin', '-hide_banner', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stderr });
    });
  });
}

/** Reads a whole stream (or `seconds` of it) and reports only errors. */
export function ffmpegReads(url: string, seconds?: number): Promise<FfmpegRun> {
  return runFfmpeg(['-v', 'error', '-i', url, ...(seconds ? ['-t', String(seconds)] : []), '-f', 'null', '-']);
}
