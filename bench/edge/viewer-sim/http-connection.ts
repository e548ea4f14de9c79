// One viewer's keep-alive HTTP/1.1 connection, on a bare `net.Socket`: write `GET … HTTP/1.1`,
// read the status line and headers, then a Content-Length, chunked or read-until-close body.
// WHY not undici or node:http: at 10,000 viewers a general-purpose client's per-request work
// (header objects, streams, promises per chunk) made the load generator the bottleneck, not the
// server under test. This does the minimum a player's network stack does, and nothing more:
// one request at a time (no pipelining), like a TV's player on its one connection.
import net from 'node:net';

export interface HttpResult {
  /** HTTP status; 0 when the connection failed before any response. */
  status: number;
  /** Body bytes received (decoded from chunked framing). */
  bytes: number;
  /** The body as text, only when asked for (playlists). */
  body: string;
  /** ms from the request being started (connection included, if a new one was needed) to the first response byte. */
  ttfbMs: number;
  /** ms from the request being started to the last body byte. */
  totalMs: number;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
/**
 * Every connection of this process reads into this one buffer (`onread`): no Buffer allocated
 * per read and no stream machinery per chunk. Safe because a read is handled synchronously
 * before the next one; whatever must outlive the callback (a split header, a playlist body) is
 * copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const MAX_HEADER_BYTES = 64 * 1024;

type BodyMode = 'length' | 'chunked' | 'close' | 'none';

interface Pending {
  path: string;
  keepBody: boolean;
  startedAt: number;
  firstByteAt: number;
  /** Went out on a connection that had already served one: a stale keep-alive may be retried once. */
  reused: boolean;
  resolve(r: HttpResult): void;
}

export class HttpConnection {
  private socket: net.Socket | undefined;
  private served = 0;
  private pending: Pending | undefined;
  private closed = false;
  // Parser state of the response in progress.
  private head: Buffer | undefined;
  private status = 0;
  private mode: BodyMode = 'none';
  private remaining = 0; // 'length': body bytes left; 'chunked': bytes left in this chunk
  private chunkState: 'size' | 'data' | 'data-crlf' | 'trailer' = 'size';
  private sizeLine = '';
  private bytes = 0;
  private bodyParts: Buffer[] = [];
  private keepAlive = true;
  /** Connections opened again after the server closed an idle keep-alive one (a player does the same, silently). */
  reconnects = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** GET `path`; never rejects: a failure answers status 0. One request at a time. */
  get(path: string, keepBody: boolean): Promise<HttpResult> {
    if (this.pending) throw new Error('HttpConnection: one request at a time');
    return new Promise((resolve) => {
      this.send({ path, keepBody, startedAt: performance.now(), firstByteAt: -1, reused: false, resolve });
    });
  }

  /** Closes with a reset (no TIME_WAIT left behind on a box that opens 10,000 connections per run). */
  close(): void {
    this.closed = true;
    const s = this.socket;
    this.socket = undefined;
    if (s && !s.destroyed) s.resetAndDestroy();
    this.fail();
  }

  private send(p: Pending): void {
    if (this.closed) return p.resolve(failed(p));
    this.pending = p;
    this.resetParser();
    if (!this.socket || this.socket.destroyed || !this.keepAlive) this.connect();
    p.reused = this.served > 0;
    this.socket!.write(
      `GET ${p.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nUser-Agent: cite-tv-viewer-sim\r\n\r\n`,
    );
  }

  private connect(): void {
    if (this.socket && !this.socket.destroyed) this.socket.destroy();
    if (this.served > 0) this.reconnects++;
    this.served = 0;
    this.keepAlive = true;
    const socket: net.Socket = net.connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          if (socket === this.socket) this.onData(Buffer.from(buf.buffer, buf.byteOffset, n));
          return true;
        },
      },
    });
    this.socket = socket;
    socket.on('end', () => {
      if (socket === this.socket) this.onClose();
    });
    socket.on('close', () => {
      if (socket === this.socket) this.onClose();
    });
    socket.on('error', () => {
      /* 'close' follows */
    });
  }

  private resetParser(): void {
    this.head = undefined;
    this.status = 0;
    this.mode = 'none';
    this.remaining = 0;
    this.chunkState = 'size';
    this.sizeLine = '';
    this.bytes = 0;
    this.bodyParts = [];
  }

  private onClose(): void {
    const p = this.pending;
    this.socket = undefined;
    if (!p) return;
    if (this.status !== 0 && this.mode === 'close') return this.finish(); // body delimited by the close
    if (p.firstByteAt < 0 && p.reused && !this.closed) {
      // The server closed an idle keep-alive connection as we reused it: retry once on a new one.
      this.pending = undefined;
      this.served = 1; // counts as a reconnect
      return this.send({ ...p, reused: false });
    }
    this.fail();
  }

  private fail(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.resolve(failed(p));
  }

  private onData(d: Buffer): void {
    const p = this.pending;
    if (!p) return; // bytes nobody asked for: ignore
    if (p.firstByteAt < 0) p.firstByteAt = performance.now();
    if (this.status === 0) {
      this.head = this.head ? Buffer.concat([this.head, d]) : d;
      const end = this.head.indexOf(CRLF_CRLF);
      if (end < 0) {
        if (this.head.length > MAX_HEADER_BYTES) this.close();
        else if (this.head === d) this.head = Buffer.from(d); // keep a copy: `d` is the shared read buffer
        return;
      }
      this.parseHead(this.head.toString('latin1', 0, end));
      d = this.head.subarray(end + 4);
      this.head = undefined;
      if (this.status >= 100 && this.status < 200) {
        // An interim response (100 Continue…): the real one follows.
        this.status = 0;
        if (d.length > 0) this.onData(d);
        return;
      }
      if (this.mode === 'none') return this.finish();
    }
    this.onBody(d);
  }

  private parseHead(head: string): void {
    const [statusLine = '', ...fields] = head.split('\r\n');
    this.status = Number(statusLine.slice(9, 12)) || 0;
    this.keepAlive = !statusLine.startsWith('HTTP/1.0');
    let length = -1;
    let chunked = false;
    for (const line of fields) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      if (name === 'content-length') length = Number(line.slice(colon + 1).trim());
      else if (name === 'transfer-encoding') chunked = /chunked/i.test(line.slice(colon + 1));
      else if (name === 'connection') {
        const v = line
          .slice(colon + 1)
          .trim()
          .toLowerCase();
        if (v === 'close') this.keepAlive = false;
        else if (v === 'keep-alive') this.keepAlive = true;
      }
    }
    const noBody = this.status === 204 || this.status === 304 || (this.status >= 100 && this.status < 200);
    if (noBody) this.mode = 'none';
    else if (chunked) this.mode = 'chunked';
    else if (length >= 0) {
      this.mode = length === 0 ? 'none' : 'length';
      this.remaining = length;
    } else this.mode = 'close';
  }

  private onBody(d: Buffer): void {
    if (this.mode === 'length') {
      this.take(d.subarray(0, this.remaining));
      this.remaining -= Math.min(this.remaining, d.length);
      if (this.remaining === 0) this.finish();
    } else if (this.mode === 'close') {
      this.take(d);
    } else if (this.mode === 'chunked') {
      this.onChunked(d);
    }
  }

  /** Chunked framing: `<hex size>[;ext]\r\n<data>\r\n` … `0\r\n[trailers]\r\n`. */
  private onChunked(d: Buffer): void {
    let i = 0;
    while (i < d.length) {
      if (this.chunkState === 'size') {
        const nl = d.indexOf(0x0a, i);
        if (nl < 0) {
          this.sizeLine += d.toString('latin1', i);
          return;
        }
        this.sizeLine += d.toString('latin1', i, nl);
        i = nl + 1;
        const size = parseInt(this.sizeLine, 16);
        this.sizeLine = '';
        if (!(size >= 0)) return this.close();
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
      } else if (this.chunkState === 'data') {
        const n = Math.min(this.remaining, d.length - i);
        this.take(d.subarray(i, i + n));
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.chunkState = 'data-crlf';
      } else if (this.chunkState === 'data-crlf') {
        const nl = d.indexOf(0x0a, i);
        if (nl < 0) return;
        i = nl + 1;
        this.chunkState = 'size';
      } else {
        // Trailer section: lines until an empty one.
        const nl = d.indexOf(0x0a, i);
        if (nl < 0) {
          this.sizeLine += d.toString('latin1', i);
          return;
        }
        const line = (this.sizeLine + d.toString('latin1', i, nl)).replace(/\r$/, '');
        this.sizeLine = '';
        i = nl + 1;
        if (line === '') return this.finish();
      }
    }
  }

  private take(part: Buffer): void {
    this.bytes += part.length;
    if (this.pending?.keepBody) this.bodyParts.push(Buffer.from(part)); // a copy: `part` is the shared read buffer
  }

  private finish(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.served++;
    const now = performance.now();
    const result: HttpResult = {
      status: this.status,
      bytes: this.bytes,
      body: p.keepBody ? Buffer.concat(this.bodyParts).toString('utf8') : '',
      ttfbMs: p.firstByteAt - p.startedAt,
      totalMs: now - p.startedAt,
    };
    if (!this.keepAlive || this.mode === 'close') {
      const s = this.socket;
      this.socket = undefined;
      s?.destroy();
    }
    this.resetParser();
    p.resolve(result);
  }
}

function failed(p: Pending): HttpResult {
  const ms = performance.now() - p.startedAt;
  return { status: 0, bytes: 0, body: '', ttfbMs: p.firstByteAt >= 0 ? p.firstByteAt - p.startedAt : ms, totalMs: ms };
}
