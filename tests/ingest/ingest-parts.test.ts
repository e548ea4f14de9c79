// The ingest's small parts, each against the real thing: ffmpeg's own log lines, ffprobe's
// keyframe flags, both ffmpegs' protocol lists.
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseListenerLine, progressReader, redactLine } from '../../edge-origin/src/origin/ingest/ffmpeg-log.ts';
import { refuseInput } from '../../edge-origin/src/origin/ingest/input-check.ts';
import { keyframeScanner } from '../../edge-origin/src/origin/ingest/ts-keyframes.ts';
import { h264Level, listenerArgs } from '../../edge-origin/src/origin/ingest/commands.ts';
import { ffmpegHasSrt } from '../../edge-origin/src/origin/ingest/index.ts';
import { loadIngestConfig, IngestConfigError } from '../../edge-origin/src/origin/ingest/config.ts';
import { sameKey, newStreamKey } from '../../edge-origin/src/origin/ingest/stream-keys.ts';

const LIMITS = { maxWidth: 1920, maxHeight: 1080, maxFps: 60 };

describe('what ffmpeg says, read', () => {
  test('a listener’s lines, as Debian’s ffmpeg 5.1 prints them', () => {
    expect(parseListenerLine('[rtmp @ 0x56303ccf8180] [warning] Unexpected stream SOMEKEY, expecting key')).toEqual({
      type: 'publish-name',
      name: 'SOMEKEY',
    });
    expect(parseListenerLine("[rtmp @ 0x56303ccf8180] [warning] App field don't match up: sport <-> live")).toEqual({
      type: 'rtmp-app',
      app: 'sport',
    });
    expect(
      parseListenerLine(
        '07:10:54.340084/SRT:RcvQ:w1!W:SRT.cn: processConnectRequest: rsp(REJECT): 1010 - Incorrect passphrase',
      ),
    ).toEqual({ type: 'srt-rejected', reason: 'Incorrect passphrase' });
    expect(
      parseListenerLine("[info] Input #0, mpegts, from 'srt://127.0.0.1:19001?mode=listener&passphrase=x':"),
    ).toEqual({ type: 'input-start', format: 'mpegts' });
    expect(
      parseListenerLine(
        '[info]   Stream #0:0[0x100]: Video: h264 (Constrained Baseline) ([27][0][0][0] / 0x001B), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 30 fps, 30 tbr, 90k tbn',
      ),
    ).toEqual({
      type: 'video',
      video: { codec: 'h264', width: 1280, height: 720, fps: 30 },
    });
    expect(
      parseListenerLine(
        '[info]   Stream #0:0: Video: h264 (High), yuv420p(progressive), 1920x1080 [SAR 1:1 DAR 16:9], 59.94 fps, 59.94 tbr, 1k tbn',
      ),
    ).toMatchObject({ video: { width: 1920, height: 1080, fps: 59.94 } });
    expect(
      parseListenerLine(
        '[info]   Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, mono, fltp, 72 kb/s',
      ),
    ).toEqual({
      type: 'audio',
      audio: { codec: 'aac', sampleRate: 48000, channels: 'mono' },
    });
    expect(parseListenerLine("[info] Output #0, mpegts, to 'pipe:1':")).toEqual({ type: 'input-end' });
    expect(parseListenerLine('[info]   Duration: N/A, start: 1.400000, bitrate: N/A')).toBeNull();
  });

  test('secrets are taken out of lines before they are logged', () => {
    const line = redactLine(
      "Input #0, flv, from 'srt://h:1?mode=listener&passphrase=SECRET123456&pbkeylen=16' rtmp://h:1935/sport/SECRETKEY Unexpected stream SECRETKEY, expecting key",
    );
    expect(line).not.toContain('SECRET');
  });

  test('the transcoder’s -progress blocks', () => {
    const read = progressReader();
    const lines = [
      'frame=250',
      'fps=25.00',
      'out_time_us=10000000',
      'dup_frames=3',
      'drop_frames=1',
      'speed=1.02x',
      'progress=continue',
    ];
    const reports = lines.map(read).filter(Boolean);
    expect(reports).toEqual([{ frame: 250, fps: 25, dropFrames: 1, dupFrames: 3, speed: 1.02, outTime: 10 }]);
  });
});

describe('which feeds go on air', () => {
  const video = { codec: 'h264', width: 1920, height: 1080, fps: 60 };
  test('H.264 or HEVC up to 1080p60, AAC/Opus/MP3 or no audio', () => {
    expect(
      refuseInput({ format: 'flv', video, audio: { codec: 'aac', sampleRate: 48000, channels: 'stereo' } }, LIMITS),
    ).toBeNull();
    expect(
      refuseInput(
        {
          format: 'mpegts',
          video: { ...video, codec: 'hevc' },
          audio: { codec: 'opus', sampleRate: 48000, channels: 'stereo' },
        },
        LIMITS,
      ),
    ).toBeNull();
    expect(
      refuseInput(
        {
          format: 'mpegts',
          video: { ...video, fps: 25 },
          audio: { codec: 'mp3', sampleRate: 44100, channels: 'stereo' },
        },
        LIMITS,
      ),
    ).toBeNull();
    expect(refuseInput({ format: 'flv', video }, LIMITS)).toBeNull();
  });
  test('anything else is refused, saying why', () => {
    expect(refuseInput({ format: 'mpegts' }, LIMITS)).toMatch(/Aucune vidéo/);
    expect(refuseInput({ format: 'mpegts', video: { ...video, codec: 'mpeg2video' } }, LIMITS)).toBe(
      'Codec vidéo « mpeg2video » refusé : H.264 ou HEVC attendu',
    );
    expect(refuseInput({ format: 'mpegts', video: { ...video, width: 3840, height: 2160 } }, LIMITS)).toBe(
      'Image 3840×2160 refusée : 1920×1080 au plus',
    );
    expect(refuseInput({ format: 'mpegts', video: { ...video, fps: 120 } }, LIMITS)).toMatch(
      /120 images\/s refusées : 60 au plus/,
    );
    expect(
      refuseInput({ format: 'mpegts', video, audio: { codec: 'ac3', sampleRate: 48000, channels: '5.1' } }, LIMITS),
    ).toMatch(/Codec audio « ac3 » refusé/);
  });
});

test('video keyframes in the listener’s MPEG-TS, as ffprobe flags them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyframes-'));
  const file = join(dir, 'feed.ts');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x240:r=25:d=6',
    '-f',
    'lavfi',
    '-i',
    'sine=d=6',
    '-c:v',
    'libx264',
    '-g',
    '20',
    '-c:a',
    'aac',
    '-f',
    'mpegts',
    file,
  ]);
  const probed = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  const expected = probed.split('\n').filter((f) => f.startsWith('K')).length;
  let seen = 0;
  const scan = keyframeScanner(() => seen++);
  const bytes = readFileSync(file);
  // In uneven chunks, as a pipe delivers them.
  for (let i = 0; i < bytes.length; i += 1000 + (i % 7)) scan(bytes.subarray(i, i + 1000 + (i % 7)));
  expect(expected).toBe(8); // 150 frames, a GOP of 20
  expect(seen).toBe(expected);
});

test('SRT: Debian’s ffmpeg has it, the npm static one does not (the ingest then offers RTMP only)', () => {
  expect(ffmpegHasSrt('ffmpeg')).toBe(true);
  const staticFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  expect(ffmpegHasSrt(staticFfmpeg)).toBe(false);
});

test('the listener command lines: RTMP names the channel, SRT carries the passphrase and latency', () => {
  const rtmp = listenerArgs({
    protocol: 'rtmp',
    channel: 'sport',
    host: '0.0.0.0',
    port: 1935,
    key: 'k',
    srtLatencyMs: 120,
  });
  expect(rtmp).toContain('rtmp://0.0.0.0:1935/sport/key');
  const srt = listenerArgs({
    protocol: 'srt',
    channel: 'sport',
    host: '127.0.0.1',
    port: 9000,
    key: 'abcdefghijklmnop',
    srtLatencyMs: 200,
  });
  expect(srt).toContain('srt://127.0.0.1:9000?mode=listener&passphrase=abcdefghijklmnop&pbkeylen=16&latency=200000');
  expect(h264Level('avc1.42c01f')).toBe('3.1');
  expect(h264Level('avc1.42c015')).toBe('2.1');
});

test('stream keys: long enough for SRT, URL-safe, compared whole', async () => {
  const key = newStreamKey();
  expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(await sameKey(key, key)).toBe(true);
  expect(await sameKey(key.slice(0, -1), key)).toBe(false);
  expect(await sameKey('', key)).toBe(false);
});

test('a bad ingest setting stops the start with the key named', () => {
  expect(() => loadIngestConfig({ env: { INGEST_SRT_BASE_PORT: 'x' }, overrides: { dir: '/tmp' } })).toThrow(
    IngestConfigError,
  );
  expect(() => loadIngestConfig({ env: { INGEST_SRT_BASE_PORT: '70000' }, overrides: { dir: '/tmp' } })).toThrow(
    /srtBasePort \(env INGEST_SRT_BASE_PORT\)/,
  );
  expect(loadIngestConfig({ env: { INGEST_RTMP: 'false' }, overrides: { dir: '/tmp' } }).rtmp).toBe(false);
});

test('a unit the transcoder never listed is measured from its bytes on disk (its frames, first to last, plus one)', async () => {
  const { unitDurationsOnDisk } = await import('../../edge-origin/src/origin/ingest/unit-watcher.ts');
  const { LOWEST_VIDEO_RENDITION } = await import('../../shared/hls/ladder.ts');
  const { ensureTestManifest } = await import('../support/media.ts');
  const { copyFileSync, mkdirSync, writeFileSync } = await import('node:fs');
  const manifest = await ensureTestManifest();
  const loop = manifest.live.sport;
  const session = mkdtempSync(join(tmpdir(), 'cite-tv-unit-'));
  const dir = join(session, LOWEST_VIDEO_RENDITION.id);
  mkdirSync(dir);
  copyFileSync(join(manifest.root, loop.dir, LOWEST_VIDEO_RENDITION.id, '0.ts'), join(dir, '0.ts'));
  const expected = loop.renditions[LOWEST_VIDEO_RENDITION.id]!.segmentDurations[0]!;
  const measured = await unitDurationsOnDisk(session, 0);
  expect(measured!.video).toBeCloseTo(expected, 2);
  expect(measured!.audio).toBe(measured!.video);
  // Nothing written yet, or not a frame: no durations (the slot then becomes the slate).
  expect(await unitDurationsOnDisk(session, 1)).toBeUndefined();
  writeFileSync(join(dir, '2.ts'), new Uint8Array(0));
  expect(await unitDurationsOnDisk(session, 2)).toBeUndefined();
}, 120_000);
