// The Node fast path for viewers joining a fetch in progress (COLLAPSED).
//
// WHY: when a brand-new segment of a popular live is asked for by thousands of viewers before it
// is stored, every one of them joins its one upstream fetch; with LL-HLS every player asks for
// each hinted part (and its blocking reload) before it exists, so nearly every LL request is a
// joiner. Through the general path each joiner costs a web Request, a Hono pass, a Headers copy,
// a ReadableStream over the shared body, a Response, and @hono/node-server reading that stream
// back into Node's response: measured in the bench, that was most of the edge's CPU at 10,000
// viewers, and the LL bench's slow reloads waited in that queue. Here a joiner gets the fill's
// header list (prepared once per fill) and the shared body's chunks written straight to Node's
// ServerResponse as they arrive (SharedBody.pipeTo).
//
// WHAT IT GUARANTEES: the same answer as the general path's COLLAPSED one, byte for byte
// (tests/edge/fast-hit.test.ts compares them), same metrics, access log line and audience
// observation (proxy/record.ts), and the same slow-client rules: a client whose socket buffer is
// full gets nothing more until it drains ('drain' resumes it), so a stored body costs nothing extra
// and a pass-through one holds upstream back and cuts a laggard off (collapse/shared-body.ts). It
// takes only plain GETs (plain-request.ts isPlainRequest, no Cache-Control, not from another
// worker) for an object with nothing stored in memory and no disk tier, joining a fill in flight.
// It writes answers that are a 200 others may share, without Vary or Set-Cookie, with a
// Content-Length or without one (a hinted part the origin streams as it is written: written as
// @hono/node-server writes the general path's, see sendUnknownLength). A viewer arriving before the
// fill's headers waits here; if the answer is not one it writes, the general path's own joiner
// code answers it (proxy/handler.ts answerJoiner), exactly as it would have. Anything else takes
// the general path, unchanged.
import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ageHeaderValue, currentAge } from '../cache/freshness.ts';
import { answerJoiner } from '../proxy/handler.ts';
import { fillAnswerHeaders } from '../proxy/respond.ts';
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { isPlainRequest, plainTarget, recordOf } from './plain-request.ts';
import { headerList, type HeaderList } from './header-list.ts';
import { withInterimRelay } from './interim.ts';
import type { Fill, FillOutcome } from '../collapse/in-flight.ts';
import type { PushedReader, SharedBody } from '../collapse/shared-body.ts';
import type { RequestRecord } from '../proxy/record.ts';
import type { Edge } from '../app.ts';

export interface FastJoinPath {
  /**
   * Joins a fetch in progress and streams it to `res`; false: the general path must answer. A
   * request taken before the fetch's headers were in, whose answer turns out not to be one this
   * path writes, is answered by the general path's joiner code (proxy/handler.ts answerJoiner).
   * `general` is not used: kept so the adapter's call stays as it is.
   */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    general?: (req: IncomingMessage, res: ServerResponse) => unknown,
  ): boolean;
  /** Requests answered here (tests check the path really was taken). */
  readonly served: number;
  /** Requests taken before the fetch's headers, then answered by the general path's joiner code. */
  readonly handedOff: number;
}

type ResponseOutcome = Extract<FillOutcome, { kind: 'response' }>;

/** A fill's answer to joiners, ready for writeHead. */
interface Prepared extends HeaderList {
  /** Undefined: the origin sent none (a body streamed as it is made, e.g. a hinted LL-HLS part). */
  contentLength: number | undefined;
}

const NO_HEADERS = new Headers();

export function createFastJoinPath(edge: Edge): FastJoinPath {
  const ctx = edge.context;
  const { config } = ctx;
  const prepared = new WeakMap<ResponseOutcome, Prepared | null>();
  let served = 0;
  let handedOff = 0;

  // Requests taken early whose answer is the general path's: @hono/node-server builds their web
  // Request and writes the Response, as it does for the general path (same options).
  const joinedEarly = new WeakMap<IncomingMessage, { fill: Fill; record: RequestRecord }>();
  const handOff = getRequestListener(
    (request, env) => {
      const { incoming } = env as { incoming: IncomingMessage };
      const { fill, record } = joinedEarly.get(incoming)!;
      return answerJoiner(ctx, request, fill, record, incoming.socket.remoteAddress);
    },
    { hostname: config.host },
  );

  /** The header list every joiner of this fill gets (null: not for this path). */
  function prepare(outcome: ResponseOutcome): Prepared | null {
    const cached = prepared.get(outcome);
    if (cached !== undefined) return cached;
    let answer: Prepared | null = null;
    const length = outcome.headers.get('content-length');
    if (
      outcome.status === 200 &&
      outcome.shareable &&
      (length === null || /^\d+$/.test(length)) &&
      !outcome.headers.has('vary') &&
      !outcome.headers.has('set-cookie')
    ) {
      const headers = fillAnswerHeaders(ctx, outcome, true);
      const list = headerList(headers, true);
      const contentLength = headers.get('content-length');
      if (list) answer = { ...list, contentLength: contentLength === null ? undefined : Number(contentLength) };
    }
    prepared.set(outcome, answer);
    return answer;
  }

  /** The answer this path writes for that outcome, or null. */
  function joinable(outcome: FillOutcome): Prepared | null {
    if (outcome.kind !== 'response' || !outcome.body?.replayable) return null;
    return prepare(outcome);
  }

  /** Writes a joiner's answer: the fill's prepared head, then its body's chunks as they come. */
  function send(fill: Fill, outcome: ResponseOutcome, answer: Prepared, record: RequestRecord, res: ServerResponse) {
    const body = outcome.body!;
    const age = ageHeaderValue(currentAge(outcome, ctx.now()));
    if (answer.contentLength === undefined) {
      sendUnknownLength(body, answer, outcome.status, age, res);
    } else {
      answer.fields[answer.ageAt] = age;
      res.writeHead(outcome.status, answer.fields);
      const reader = body.pipeTo(
        {
          write: (chunk) => res.write(chunk),
          end: () => void res.end(),
          // Upstream failed mid-body, or this client lagged too far: the answer cannot complete.
          // Destroyed with the reason, as @hono/node-server does: the server then handles it as
          // the socket's error, on both paths alike (client-limits.ts guardConnections).
          error: (reason) => void res.destroy(reason as Error),
        },
        (n) => ctx.metrics.bytesServed(n),
      )!;
      followClient(res, reader);
    }
    // The general path records when its Response is made, before its body is read: so here.
    record.answered(outcome.status, 'COLLAPSED', answer.contentLength ?? -1, fill.upstreamSeconds);
    served++;
  }

  /**
   * A body without Content-Length, written as @hono/node-server writes the general path's
   * (responseViaResponseObject): before the head it takes what it can without waiting (two
   * reads, the second tried again after one timer turn if nothing was there yet). If those reads
   * saw the body's end, the head gets a Content-Length; else it goes out without one (Node then
   * sends the body chunked, one chunk per write: what was read, then the rest as it comes, and
   * nothing read yet: the head at once). A failure seen by those reads is its 500, as here.
   */
  function sendUnknownLength(body: SharedBody, answer: Prepared, status: number, age: string, res: ServerResponse) {
    const taken: Uint8Array[] = [];
    let writing = false;
    let ended = false;
    let failure: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reader = body.pipeTo(
      {
        write(chunk) {
          if (writing) return res.write(chunk);
          taken.push(chunk);
          return taken.length < 2; // two reads before the head: then wait
        },
        end() {
          if (writing) res.end();
          else ended = true;
        },
        error(reason) {
          if (writing) res.destroy(reason as Error);
          else failure = reason;
        },
      },
      (n) => ctx.metrics.bytesServed(n),
    )!;
    const start = () => {
      timer = undefined;
      if (res.destroyed) return; // its 'close' cancelled the reader
      if (failure !== undefined) return failedBeforeHead(res, failure);
      answer.fields[answer.ageAt] = age;
      if (ended) {
        const length = taken.reduce((n, chunk) => n + chunk.byteLength, 0);
        res.writeHead(status, [...answer.fields, 'content-length', String(length)]);
        for (const chunk of taken) res.write(chunk);
        return void res.end();
      }
      res.writeHead(status, answer.fields);
      if (taken.length === 0) res.flushHeaders();
      writing = true;
      for (const chunk of taken) res.write(chunk);
      reader.resume(); // what came meanwhile, if it stopped at two reads
    };
    followClient(res, reader, () => clearTimeout(timer));
    if (taken.length === 1 && !ended && failure === undefined) timer = setTimeout(start);
    else start();
  }

  /** The client's socket drained: more chunks; it went away: this reader stops. */
  function followClient(res: ServerResponse, reader: PushedReader, onClose?: () => void): void {
    res.on('drain', () => reader.resume());
    res.on('close', () => {
      onClose?.();
      if (!res.writableFinished) reader.cancel();
    });
  }

  /** Its fill's outcome is in: answered here if it is for this path, else by the general path's joiner code. */
  function answerWhenSettled(
    fill: Fill,
    outcome: FillOutcome,
    record: RequestRecord,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const answer = joinable(outcome);
    if (res.destroyed) {
      // Gone before the answer: counted and logged as the general path would, nothing written.
      // (One whose answer is not for this path costs nothing more: no pass-through fetch.)
      if (answer && outcome.kind === 'response')
        record.answered(outcome.status, 'COLLAPSED', answer.contentLength ?? -1, fill.upstreamSeconds);
      return;
    }
    if (!answer || outcome.kind !== 'response') {
      handedOff++;
      joinedEarly.set(req, { fill, record });
      return withInterimRelay(req, res, () => void handOff(req, res));
    }
    send(fill, outcome, answer, record, res);
  }

  return {
    get served() {
      return served;
    },
    get handedOff() {
      return handedOff;
    },
    serve(req, res) {
      if (req.method !== 'GET' || ctx.disk || !isPlainRequest(req, config)) return false;
      const h = req.headers;
      if (h['cache-control'] !== undefined || h[PEER_HEADER] !== undefined) return false;
      const { key, url } = plainTarget(ctx, req);
      // Anything stored (fresh, stale, negative) is for the general path's rules to weigh.
      if (ctx.store.lookup(key, NO_HEADERS)) return false;
      const fill = ctx.inflight.get(key);
      if (!fill) return false;
      const outcome = fill.settled;
      if (outcome === undefined) {
        // Its headers are not in yet: the general path would join this fill and wait, so this
        // request waits here (a hinted part the origin holds until it is made, a blocking reload
        // it holds until the part exists, a segment just asked for) and is answered the moment
        // they come, without a web Request and stream each.
        const record = recordOf(ctx, req, url); // the access log times it from its arrival
        record.arrived();
        record.asks(key);
        fill.participants++;
        void fill.outcome.then((settled) => {
          try {
            answerWhenSettled(fill, settled, record, req, res);
          } catch (error) {
            // Never expected: nothing sensible can be written any more.
            ctx.log({ level: 'error', msg: 'fast join failed', error: String(error) });
            res.destroy();
          }
        });
        return true;
      }
      const answer = joinable(outcome);
      if (!answer || outcome.kind !== 'response') return false;

      // From here on, this request is ours.
      const record = recordOf(ctx, req, url);
      record.arrived();
      record.asks(key);
      fill.participants++;
      send(fill, outcome, answer, record, res);
      return true;
    },
  };
}

/**
 * What @hono/node-server does when a body fails before the head is out (handleResponseError): a
 * 500 naming the error, then the connection cut (it also prints the error to stderr: not copied).
 */
function failedBeforeHead(res: ServerResponse, reason: unknown): void {
  const error = reason instanceof Error ? reason : new Error('unknown error', { cause: reason });
  res.writeHead(500, { 'Content-Type': 'text/plain' });
  res.end(`Error: ${error.message}`);
  res.destroy(error);
}
