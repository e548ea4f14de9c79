// A file on disk as an HTTP response: streamed in chunks (never read whole into memory),
// with HEAD, a single byte Range (206/416), ETag and Last-Modified. Web-standard Response and
// ReadableStream on top of node:fs/promises, which Node and Deno both provide.
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { contentTypeFor } from './content-types.ts';

const CHUNK_BYTES = 64 * 1024;

export interface FileResponseOptions {
  cacheControl: string;
  contentType?: string;
  /** Default: derived from size and mtime. */
  etag?: string;
  /** ms since the epoch; default: the file's mtime. */
  lastModified?: number;
  /** Rewrites the file's bytes before serving. The file is then read whole: for small files (segments). */
  transform?: (bytes: Uint8Array) => Uint8Array;
}

/** The response for `path`, or null if there is no such file. */
export async function fileResponse(
  request: Request,
  path: string,
  options: FileResponseOptions,
): Promise<Response | null> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const transformed = options.transform ? options.transform(new Uint8Array(await readFile(path))) : null;
  const size = transformed ? transformed.length : info.size;
  const headers = new Headers({
    'Content-Type': options.contentType ?? contentTypeFor(path),
    'Cache-Control': options.cacheControl,
    'Accept-Ranges': 'bytes',
    ETag: options.etag ?? `"${size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`,
    'Last-Modified': new Date(options.lastModified ?? info.mtimeMs).toUTCString(),
  });

  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = request.headers.get('Range');
  if (range && size > 0) {
    const parsed = parseRange(range, size);
    if (parsed === 'unsatisfiable') {
      headers.set('Content-Range', `bytes */${size}`);
      return new Response(null, { status: 416, headers });
    }
    if (parsed) {
      [start, end] = parsed;
      status = 206;
      headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
    }
  }
  headers.set('Content-Length', String(end - start + 1));
  if (request.method === 'HEAD' || size === 0) return new Response(null, { status, headers });
  if (transformed) return new Response(transformed.slice(start, end + 1), { status, headers });
  return new Response(fileStream(path, start, end), { status, headers });
}

/**
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive [start, end]; null to ignore the header
 * (malformed, or several ranges: answering 200 with the whole file is allowed).
 */
export function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

/** Reads [start, end] lazily: the file is opened on the first read and closed at the end or on cancel. */
function fileStream(path: string, start: number, end: number): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  let position = start;
  const close = async () => {
    const h = handle;
    handle = undefined;
    await h?.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          handle ??= await open(path, 'r');
          const length = Math.min(CHUNK_BYTES, end + 1 - position);
          const { bytesRead, buffer } = await handle.read(new Uint8Array(length), 0, length, position);
          position += bytesRead;
          if (bytesRead > 0) controller.enqueue(buffer.subarray(0, bytesRead));
          if (bytesRead === 0 || position > end) {
            await close();
            controller.close();
          }
        } catch (error) {
          await close();
          controller.error(error);
        }
      },
      cancel: close,
    },
    // Nothing is read until someone reads: a HEAD or a 304 that drops the body opens no file.
    { highWaterMark: 0 },
  );
}
