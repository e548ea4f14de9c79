// One upstream body, many readers: the tee behind request collapsing.
//
// Chunks are handed to every reader as they arrive from upstream (a viewer of a brand-new segment
// gets its first bytes while the origin is still sending the rest; nobody polls). Two modes:
//  - retained: the whole body is kept (it is going into the cache, bounded by maxObjectBytes), so a
//    slow reader costs nothing extra and a late reader can start from byte 0;
//  - pass-through (too big to store): chunks every reader has consumed are dropped, upstream is read
//    at most `maxLagBytes` ahead of the fastest reader (backpressure), and a reader that falls more
//    than `maxLagBytes` behind the fastest is cut off, so one slow viewer can neither stall the
//    others nor make the edge buffer without bound.

export interface SharedBodyOptions {
  /** Keep the whole body while it stays under this size (0: never retain). */
  retainUpTo: number;
  maxLagBytes: number;
  /** Called once: the complete body if it was retained whole, else null; error if upstream failed. */
  onEnd?: (body: Uint8Array | null, error?: unknown) => void;
  /** Called when a chunk arrives (idle timeouts hook here). */
  onChunk?: (bytes: number) => void;
  /** Called when a reader is cut off for lagging (metrics). */
  onSlowReaderCut?: () => void;
}

/**
 * Where a pushed reader's chunks go: a runtime's own response object (node/fast-join.ts), so a
 * viewer joining a fetch costs no web stream.
 */
export interface ChunkSink {
  /** Takes a chunk; false: the client's buffer is full, nothing more until `resume()`. */
  write(chunk: Uint8Array): boolean;
  /** The whole body was handed out. */
  end(): void;
  /** Upstream failed, or this reader was cut off for lagging: the response cannot complete. */
  error(reason: unknown): void;
}

/** A pushed reader's handle. */
export interface PushedReader {
  /** The client's buffer drained: hand out what arrived meanwhile. */
  resume(): void;
  /** The client went away. */
  cancel(): void;
}

interface Reader {
  pos: number; // index (in the overall chunk sequence) of the next chunk to hand out
  offset: number; // bytes handed out so far
  wake: (() => void) | null;
  cut: Error | null;
  onRead: ((bytes: number) => void) | undefined;
  controller: ReadableStreamDefaultController<Uint8Array> | null;
  /** Pushed readers (pipeTo) only; `paused`: its sink said its buffer is full. */
  sink: ChunkSink | null;
  paused: boolean;
}

export class SlowReaderError extends Error {
  override name = 'SlowReaderError';
}

export class SharedBody {
  private chunks: Uint8Array[] = [];
  private base = 0; // overall index of chunks[0]
  private received = 0;
  private retain: boolean;
  private ended = false;
  private failure: unknown = undefined;
  private readers = new Set<Reader>();
  private roomWaiter: (() => void) | null = null;
  private source: ReadableStreamDefaultReader<Uint8Array> | null;

  constructor(
    source: ReadableStream<Uint8Array> | null,
    private readonly options: SharedBodyOptions,
    expectedLength?: number,
  ) {
    this.retain = options.retainUpTo > 0 && (expectedLength === undefined || expectedLength <= options.retainUpTo);
    this.source = source ? source.getReader() : null;
    // A retained body is read at once (it fills the cache whoever watches); a pass-through body
    // waits for its first reader, so nothing is read (or dropped) before someone can take it.
    if (this.retain) this.start();
  }

  private started = false;
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.pump();
  }

  get bytesReceived(): number {
    return this.received;
  }
  get readerCount(): number {
    return this.readers.size;
  }
  get isComplete(): boolean {
    return this.ended && this.failure === undefined;
  }
  /** Whether one more reader can still get the whole body (subscribe/pipeTo would not return null). */
  get replayable(): boolean {
    return this.base === 0 && this.failure === undefined;
  }

  /** A stream of the whole body for one more reader, or null if its start was already dropped. */
  subscribe(onRead?: (bytes: number) => void): ReadableStream<Uint8Array> | null {
    if (this.base > 0 || this.failure !== undefined) return null;
    const reader: Reader = {
      pos: 0,
      offset: 0,
      wake: null,
      cut: null,
      onRead,
      controller: null,
      sink: null,
      paused: false,
    };
    this.readers.add(reader);
    this.start();
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => void (reader.controller = controller),
        pull: (controller) => this.pullInto(reader, controller),
        cancel: () => this.detach(reader),
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * The whole body pushed into `sink` as it arrives, for one more reader: what subscribe() gives,
   * without a web stream (the Node adapter writes chunks straight to its response). Same rules:
   * a reader that stops taking chunks (sink.write returned false) gets nothing until it resumes;
   * on a pass-through body it holds upstream back and is cut off past maxLagBytes. Null if the
   * body's start was already dropped.
   */
  pipeTo(sink: ChunkSink, onRead?: (bytes: number) => void): PushedReader | null {
    if (!this.replayable) return null;
    const reader: Reader = { pos: 0, offset: 0, wake: null, cut: null, onRead, controller: null, sink, paused: false };
    this.readers.add(reader);
    this.start();
    this.push(reader);
    return {
      resume: () => {
        if (!reader.paused) return;
        reader.paused = false;
        this.push(reader);
      },
      cancel: () => {
        reader.wake = null;
        this.detach(reader);
      },
    };
  }

  /**
   * The reader's next chunk, handed out (its position and counters move), or why there is none:
   * the body failed or ended (the reader is detached), or the chunk has not arrived yet.
   */
  private next(reader: Reader): Uint8Array | 'failed' | 'ended' | 'wait' {
    const chunk = this.chunks[reader.pos - this.base];
    if (chunk !== undefined) {
      reader.pos++;
      reader.offset += chunk.byteLength;
      reader.onRead?.(chunk.byteLength);
      return chunk;
    }
    if (this.failure === undefined && !this.ended) return 'wait';
    this.detach(reader);
    return this.failure !== undefined ? 'failed' : 'ended';
  }

  /** Hands a pushed reader every chunk it has not had, until its sink is full or it caught up. */
  private push(reader: Reader): void {
    const sink = reader.sink!;
    let consumed = false;
    for (;;) {
      if (reader.cut || !this.readers.has(reader)) break; // cut (and told) or cancelled
      const next = this.next(reader);
      if (next === 'failed') return sink.error(this.failure);
      if (next === 'ended') return sink.end();
      if (next === 'wait') {
        reader.wake = () => this.push(reader);
        break;
      }
      consumed = true;
      if (!sink.write(next)) {
        reader.paused = true;
        break;
      }
    }
    if (consumed) this.afterConsume();
  }

  /**
   * For a participant that will not read the body (HEAD, 304): a pass-through body nobody has
   * started would otherwise hold its upstream connection forever. Stored bodies carry on.
   */
  releaseIfUnread(): void {
    if (!this.started && this.readers.size === 0) this.abort(new Error('nobody reads this body'));
  }

  /** Stops reading upstream (shutdown, or nobody left to serve). */
  abort(reason?: unknown): void {
    if (this.ended) return;
    this.started = true;
    this.fail(reason ?? new Error('aborted'));
    void this.source?.cancel(reason).catch(() => {});
  }

  private async pullInto(reader: Reader, controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (reader.cut) {
        this.detach(reader);
        controller.error(reader.cut);
        return;
      }
      const next = this.next(reader);
      if (next === 'failed') return controller.error(this.failure);
      if (next === 'ended') return controller.close();
      if (next === 'wait') {
        await new Promise<void>((resolve) => (reader.wake = resolve));
        continue;
      }
      controller.enqueue(next);
      this.afterConsume();
      return;
    }
  }

  private detach(reader: Reader): void {
    if (!this.readers.delete(reader)) return;
    // Nobody left to stream to and nothing to keep: stop pulling from upstream.
    if (this.readers.size === 0 && !this.retain && !this.ended) this.abort(new Error('no readers left'));
    this.afterConsume();
  }

  private wakeAll(): void {
    for (const r of this.readers) {
      const wake = r.wake;
      r.wake = null;
      wake?.();
    }
  }

  /** Pass-through bookkeeping: drop what all readers have read, cut laggards, let the pump go on. */
  private afterConsume(): void {
    if (this.retain || this.readers.size === 0) return;
    let maxOffset = 0;
    for (const r of this.readers) maxOffset = Math.max(maxOffset, r.offset);
    for (const r of [...this.readers]) {
      if (!r.cut && maxOffset - r.offset > this.options.maxLagBytes) {
        // Cut now, not at its next read: a stalled client may never read again, and while it is
        // attached nothing it has not read can be released.
        r.cut = new SlowReaderError(`reader fell more than ${this.options.maxLagBytes} bytes behind`);
        this.readers.delete(r);
        r.controller?.error(r.cut);
        r.sink?.error(r.cut);
        const wake = r.wake;
        r.wake = null;
        wake?.();
        this.options.onSlowReaderCut?.();
      }
    }
    let minPos = Infinity;
    for (const r of this.readers) minPos = Math.min(minPos, r.pos);
    const drop = minPos - this.base;
    if (drop > 0) {
      this.chunks.splice(0, drop);
      this.base += drop;
    }
    const wake = this.roomWaiter;
    this.roomWaiter = null;
    wake?.();
  }

  private unreadAheadOfFastest(): number {
    let maxPos = this.base;
    for (const r of this.readers) maxPos = Math.max(maxPos, r.pos);
    let bytes = 0;
    for (let i = maxPos - this.base; i < this.chunks.length; i++) bytes += this.chunks[i]?.byteLength ?? 0;
    return bytes;
  }

  private async pump(): Promise<void> {
    const source = this.source;
    if (!source) return this.finish();
    try {
      for (;;) {
        while (!this.retain && this.readers.size > 0 && this.unreadAheadOfFastest() >= this.options.maxLagBytes) {
          await new Promise<void>((resolve) => (this.roomWaiter = resolve));
        }
        if (this.ended) return;
        const { done, value } = await source.read();
        if (done) break;
        if (!value || value.byteLength === 0) continue;
        this.received += value.byteLength;
        this.options.onChunk?.(value.byteLength);
        this.chunks.push(value);
        if (this.retain && this.received > this.options.retainUpTo) {
          // Too big to store after all: become a bounded pass-through (or stop if nobody reads).
          this.retain = false;
          if (this.readers.size === 0) return this.abort(new Error('object over the size cap and no reader left'));
          this.afterConsume();
        }
        this.wakeAll();
      }
      this.finish();
    } catch (error) {
      this.fail(error);
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    let body: Uint8Array | null = null;
    if (this.retain) body = concat(this.chunks, this.received);
    this.wakeAll();
    this.options.onEnd?.(body);
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error ?? new Error('upstream body failed');
    this.wakeAll();
    this.options.onEnd?.(null, this.failure);
  }
}

export function concat(chunks: Uint8Array[], total?: number): Uint8Array {
  const [only] = chunks;
  if (only !== undefined && chunks.length === 1) return only;
  const size = total ?? chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
