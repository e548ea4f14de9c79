// The Node edge's front door: the listening socket, which reads request heads itself and writes
// the answers of the fast paths (fresh hits, collected beacons) straight to the connection, without
// node:http's per-request objects (IncomingMessage, ServerResponse, their streams and timers).
//
// WHY: a player's request is mostly a hit on a ~1 KB live playlist or a segment already in memory,
// and node:http's own JavaScript around llhttp was most of what such a hit cost (README, Benchmarks).
//
// HOW: each chunk read is cut into heads (request-head.ts reads only plain GET/HEAD heads, strictly).
// For each, the fast paths answer (the same answer and bookkeeping as through node:http) and the
// bytes are written as node:http writes them (response-head.ts). Anything else, and at once: a head
// the reader is not sure of, a request no fast path answers (a miss, a join, a body, a refused
// target), an incomplete head, hands the connection to node:http for good, from that head on (the
// bytes put back on the socket, the socket given to the HTTP server as a new connection), which
// then applies everything it always did: its parser, time-outs, the general path. So the front
// never holds a partial request (slowloris is node:http's), and a connection it keeps is always
// between two requests.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { EdgeConfig } from '../config.ts';
import { refusedTarget } from '../proxy/request-target.ts';
import { closeWith } from './client-limits.ts';
import { headEnd, readPlainHead } from './request-head.ts';
import { wireAnswer, type FastAnswer } from './response-head.ts';
import type { PlainHeadOn } from './plain-request.ts';
import type { HandOffReason } from '../admin/metrics.ts';

/** A fast path as the front door asks it (fast-hit.ts, fast-beacon.ts). */
export interface FrontPath {
  answer(req: PlainHeadOn): { answer: FastAnswer; sent(): void } | null;
}

export interface FrontDoor {
  /** The listening server (listen it where node:http would have listened). */
  readonly server: NetServer;
  /** Connections handed to node:http so far. */
  readonly handedOff: number;
  /** Graceful stop: ends the connections it holds once their answers are written. */
  closeIdle(): void;
  closeAll(): void;
}

export interface FrontDoorOptions {
  /** Read at each use: a reload changes the time-outs and limits. */
  config: () => EdgeConfig;
  /** Asked in order; the first answer wins. */
  paths: FrontPath[];
  /** A request timed out before its head came (what node:http answers 408 and counts). */
  timedOut: () => void;
  /** A fast path threw: logged; node:http gets the connection. */
  failed: (error: unknown) => void;
  /** A connection handed to node:http, and why (counted). */
  handedOff: (reason: HandOffReason) => void;
}

export function createFrontDoor(http: HttpServer, options: FrontDoorOptions): FrontDoor {
  const { config, paths, timedOut, failed } = options;
  const held = new Set<Socket>();
  let handedOff = 0;

  function answerOf(view: PlainHeadOn): { answer: FastAnswer; sent(): void } | null {
    if (refusedTarget(view.url ?? '') !== null) return null;
    for (const path of paths) {
      const taken = path.answer(view);
      if (taken) return taken;
    }
    return null;
  }

  function connection(socket: Socket): void {
    held.add(socket);
    /** Heads read but not answered yet, while the socket drains an answer. */
    let pending: string | null = null;
    let answered = false;
    // Before its first request, a connection has the header time-out node:http would give it.
    socket.setTimeout(config().headersTimeoutMs);

    const onData = (chunk: Buffer) => read(chunk.toString('latin1'));
    const onDrain = () => {
      const rest = pending;
      pending = null;
      socket.resume();
      if (rest) read(rest);
    };
    const onTimeout = () => {
      if (socket.writableLength > 0) return; // still sending: not idle
      if (!answered) {
        if (closeWith(socket, 408, 'Requête trop lente / Request timeout')) timedOut();
      } else socket.destroy();
    };
    const onEnd = () => socket.end();
    const onError = () => socket.destroy();
    const onClose = () => held.delete(socket);
    socket.on('data', onData);
    socket.on('timeout', onTimeout);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);

    function read(text: string): void {
      const limits = config();
      let start = 0;
      while (start < text.length) {
        const end = headEnd(text, start);
        if (end < 0) return handOff(text.slice(start), 'incomplete');
        if (end - start > limits.maxHeaderBytes + limits.maxUrlLength) return handOff(text.slice(start), 'not-plain');
        const head = readPlainHead(text, start, end);
        let taken: ReturnType<typeof answerOf> = null;
        if (head) {
          const view: PlainHeadOn = { ...head, socket };
          try {
            taken = answerOf(view);
          } catch (error) {
            failed(error);
          }
        }
        if (!head) return handOff(text.slice(start), 'not-plain');
        if (!taken) return handOff(text.slice(start), 'not-answered');
        start = end + 4;
        write(taken.answer, head.method === 'HEAD', limits.keepAliveTimeoutMs);
        taken.sent();
        if (!answered) {
          answered = true;
          socket.setTimeout(limits.keepAliveTimeoutMs);
        }
        // A client that does not read (a big segment, pipelined requests) is not read either.
        if (socket.writableNeedDrain) {
          pending = start < text.length ? text.slice(start) : null;
          socket.pause();
          socket.once('drain', onDrain);
          return;
        }
      }
    }

    function write(answer: FastAnswer, isHead: boolean, keepAliveTimeoutMs: number): void {
      const wire = wireAnswer(answer, isHead, keepAliveTimeoutMs);
      if (wire.chunks.length === 0) {
        socket.write(wire.head, 'latin1');
        return;
      }
      // One writev, as node:http's end(body) does.
      socket.cork();
      socket.write(wire.head, 'latin1');
      for (const chunk of wire.chunks) socket.write(chunk);
      socket.uncork();
    }

    /** node:http takes the connection, from `rest` (the unanswered bytes) on. */
    function handOff(rest: string, reason: HandOffReason): void {
      socket.removeListener('data', onData);
      socket.removeListener('timeout', onTimeout);
      socket.removeListener('end', onEnd);
      socket.removeListener('error', onError);
      socket.removeListener('drain', onDrain);
      socket.setTimeout(0);
      held.delete(socket);
      handedOff++;
      options.handedOff(reason);
      if (socket.destroyed) return;
      socket.pause();
      if (rest) socket.unshift(Buffer.from(rest, 'latin1'));
      // node:http would read the socket's handle in C++ (consume), ahead of the bytes put back:
      // marked as consumed, it reads the socket's data events instead, those bytes first.
      const handle = (socket as Socket & { _handle?: { _consumed?: boolean } })._handle;
      if (handle) handle._consumed = true;
      http.emit('connection', socket);
      socket.resume();
    }
  }

  const server = createServer({ allowHalfOpen: true, noDelay: true }, connection);
  return {
    server,
    get handedOff() {
      return handedOff;
    },
    closeIdle() {
      // Between two requests by construction: each is closed once what it was sent is written,
      // and reads nothing more meanwhile.
      for (const socket of held) {
        socket.pause();
        socket.end(() => socket.destroy());
      }
    },
    closeAll() {
      for (const socket of held) socket.destroy();
    },
  };
}
