// The participative screen as tests drive it: pictures made on purpose (a JPEG carrying EXIF GPS
// and an orientation, a PNG whose header claims 30,000 × 30,000 pixels), a sending as the phone
// page makes it (multipart), and a Server-Sent Events reader over fetch.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** A test-pattern JPEG of `width`×`height` from ffmpeg. */
export function testJpeg(width: number, height: number): Uint8Array {
  return new Uint8Array(
    execFileSync('/usr/bin/ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${width}x${height}`,
      '-frames:v',
      '1',
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      'pipe:1',
    ]),
  );
}

/** The same JPEG with an EXIF APP1 segment: Orientation 6 (turn right) and a GPS latitude. */
export function withExifGps(jpeg: Uint8Array): Uint8Array {
  // TIFF, little-endian: IFD0 at 8 (Orientation, GPS pointer), GPS IFD at 38 (LatitudeRef, Latitude).
  const tiff = Buffer.alloc(100);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(2, 8);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    if (type === 3) tiff.writeUInt16LE(value, at + 8);
    else tiff.writeUInt32LE(value, at + 8);
  };
  entry(10, 0x0112, 3, 1, 6);
  entry(22, 0x8825, 4, 1, 38);
  tiff.writeUInt32LE(0, 34);
  tiff.writeUInt16LE(2, 38);
  entry(40, 0x0001, 2, 2, 0);
  tiff.write('N\0', 48, 'latin1');
  entry(52, 0x0002, 5, 3, 68);
  tiff.writeUInt32LE(0, 64);
  for (const [i, v] of [48, 51, 24].entries()) {
    tiff.writeUInt32LE(v, 68 + i * 8);
    tiff.writeUInt32LE(1, 72 + i * 8);
  }
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff.subarray(0, 92)]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return new Uint8Array(
    Buffer.concat([Buffer.from(jpeg.subarray(0, 2)), app1, payload, Buffer.from(jpeg.subarray(2))]),
  );
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head, body, crc]);
}

/** A few hundred bytes whose header says `width`×`height` (RGB): a decompression bomb's shape. */
export function hugePngHeader(width = 30_000, height = 30_000): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      pngChunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** An executable renamed `photo.jpg`. */
export function renamedExecutable(): Uint8Array {
  return new Uint8Array(readFileSync('/usr/bin/ls'));
}

export interface SendFields {
  photo?: Uint8Array;
  fileName?: string;
  firstName?: string;
  message?: string;
  terms?: boolean;
  deviceId?: string;
}

/** POST /api/v1/contributions/events/<id> as the phone page sends it. */
export async function sendContribution(originUrl: string, eventId: string, fields: SendFields) {
  const form = new FormData();
  if (fields.photo)
    form.set(
      'photo',
      new Blob([fields.photo as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
      fields.fileName ?? 'photo.jpg',
    );
  form.set('firstName', fields.firstName ?? 'Léa');
  form.set('message', fields.message ?? 'Allez les verts !');
  if (fields.terms ?? true) form.set('terms', 'on');
  form.set('deviceId', fields.deviceId ?? 'device-test-0001');
  const response = await fetch(`${originUrl}/api/v1/contributions/events/${eventId}`, { method: 'POST', body: form });
  const body = (await response.json()) as {
    id?: string;
    code?: string;
    state?: string;
    firstName?: string;
    message?: string;
    error?: { code: string; message: string; field?: string };
  };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

export interface SseMessage {
  event: string;
  id: string;
  data: unknown;
  /** ms (performance.now) when it was read. */
  at: number;
}

/** Reads an SSE stream into `messages`; `next(type)` waits for the next one of that type. */
export function openSse(url: string, lastEventId?: string) {
  const controller = new AbortController();
  const messages: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  const done = (async () => {
    const response = await fetch(url, {
      signal: controller.signal,
      headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    });
    if (!response.body) throw new Error(`no stream: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const m = /^([a-z]+): ?(.*)$/i.exec(line);
          if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2]);
        }
        if (!fields.has('data')) continue;
        messages.push({
          event: fields.get('event') ?? 'message',
          id: fields.get('id') ?? '',
          data: JSON.parse(fields.get('data') ?? 'null'),
          at: performance.now(),
        });
        for (const wake of waiters.splice(0)) wake();
      }
    }
  })().catch(() => undefined);
  return {
    messages,
    async next(event: string, after = 0, timeoutMs = 20_000): Promise<SseMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.slice(after).find((m) => m.event === event);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no "${event}" event; got ${JSON.stringify(messages.map((m) => m.event))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}
