// Facts read back from encoded segments, so the playlists advertise what was really encoded.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { byteAt } from '../../../shared/lang/byte-at.ts';

/** RFC 6381 `avc1.PPCCLL` from the first H.264 SPS found in an MPEG-TS file. */
export async function h264CodecString(tsFile: string): Promise<string> {
  const bytes = await readFile(tsFile);
  for (let i = 0; i + 6 < bytes.length; i++) {
    // Annex B start code 00 00 01, then a NAL header whose type (low 5 bits) is 7 = SPS.
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1 && (byteAt(bytes, i + 3) & 0x1f) === 7) {
      const hex = (b: number) => b.toString(16).padStart(2, '0');
      return `avc1.${hex(byteAt(bytes, i + 4))}${hex(byteAt(bytes, i + 5))}${hex(byteAt(bytes, i + 6))}`;
    }
  }
  throw new Error(`no H.264 SPS in ${tsFile}`);
}

/** The first timestamp of a media file in 90 kHz units, as ffmpeg reports it ("start: 1.400000"). */
export function startPts90k(ffmpeg: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // `ffmpeg -i file` with no output prints the file's description and exits with 1: expected.
    const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', () => {
      const match = /start: (\d+(?:\.\d+)?)/.exec(stderr);
      if (match) resolve(Math.round(Number(match[1]) * 90_000));
      else reject(new Error(`cannot read the start time of ${file}:\n${stderr.slice(-1000)}`));
    });
  });
}
