// The Node fast path for viewers joining a fetch in progress (COLLAPSED).
//
// WHY: when a brand-new segment of a popular live is asked for by thousands of viewers before it
// is stored, every one of them joins its one upstream fetch. Through the general path each joiner
// costs a web Request, a Hono pass, a Headers copy, a ReadableStream over the shared body, a
// Response, and @hono/node-server reading that stream back into Node's response: measured in the
// bench, that was most of the edge's CPU at 10,000 viewers. Here a joiner gets the fill's header
// list (prepared once per fill) and the shared body's chunks written straight to Node's
// ServerResponse as they arrive (SharedBody.pipeTo).
//
// WHAT IT GUARANTEES: the same answer as the general path's COLLAPSED one, byte for byte
// (tests/edge/fast-hit.test.ts compares them), same metrics, access log line and audience
// observation (proxy/record.ts), and the same slow-client rules: a client whose socket buffer is full gets nothing
// more until it drains ('drain' resumes it), so a stored body costs nothing extra and a
// pass-through one holds upstream back and cuts a laggard off (collapse/shared-body.ts). It takes
// only plain GETs (plain-request.ts isPlainRequest, no Cache-Control, not from another worker) for an
// object with nothing stored in memory and no disk tier, joining a fill whose response headers are
// already in: a 200 that others may share, with Content-Length, without Vary or Set-Cookie.
// Anything else takes the general path, unchanged (it also waits for headers still to come).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ageHeaderValue, currentAge } from '../cache/freshness.ts';
import { fillAnswerHeaders } from '../proxy/respond.ts';
import { isBlockingReload } from '../cache/key.ts';
import { PEER_HEADER } from '../upstream/upstream-client.ts';
import { isPlainRequest, plainTarget, recordOf } from './plain-request.ts';
import { headerList, type HeaderList } from './header-list.ts';
import type { Fill, FillOutcome } from '../collapse/in-flight.ts';
import type { SharedBody } from '../collapse/shared-body.ts';
import type { RequestRecord } from '../proxy/record.ts';
import type { Edge } from '../app.ts';

export interface FastJoinPath {
  /**
   * Joins a fetch in progress and streams it to `res`; false: the general path must answer.
   * `general` answers a request taken here before the fetch's headers were in, if they turn out
   * not to be for this path.
   */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    general: (req: IncomingMessage, res: ServerResponse) => unknown,
  ): boolean;
  /** Requests answered here (tests check the path really was taken). */
  readonly served: number;
}

type ResponseOutcome = Extract<FillOutcome, { kind: 'response' }>;

/** A fill's answer to joiners, ready for writeHead. */
interface Prepared extends HeaderList {
  contentLength: number;
}

const NO_HEADERS = new Headers();

export function createFastJoinPath(edge: Edge): FastJoinPath {
  const ctx = edge.context;
  const { config } = ctx;
  const prepared = new WeakMap<ResponseOutcome, Prepared | null>();
  let served = 0;

  /** The header list every joiner of this fill gets (null: not for this path). */
  function prepare(outcome: ResponseOutcome): Prepared | null {
    const cached = prepared.get(outcome);
    if (cached !== undefined) return cached;
    let answer: Prepared | null = null;
    const length = outcome.headers.get('content-length');
    if (
      outcome.status === 200 &&
      outcome.shareable &&
      length !== null &&
      /^\d+$/.test(length) &&
      !outcome.headers.has('vary') &&
      !outcome.headers.has('set-cookie')
    ) {
      const headers = fillAnswerHeaders(ctx, outcome, true);
      const list = headerList(headers, true);
      if (list) answer = { ...list, contentLength: Number(headers.get('content-length')) };
    }
    prepared.set(outcome, answer);
    return answer;
  }

  /** Writes a joiner's answer: the fill's prepared head, then its body's chunks as they come. */
  function send(
    fill: Fill,
    outcome: ResponseOutcome,
    body: SharedBody,
    answer: Prepared,
    record: RequestRecord,
    key: string,
    res: ServerResponse,
  ): void {
    record.arrived();
    record.asks(key);
    answer.fields[answer.ageAt] = ageHeaderValue(currentAge(outcome, ctx.now()));
    res.writeHead(outcome.status, answer.fields);
    const reader = body.pipeTo(
      {
        write: (chunk) => res.write(chunk),
        end: () => void res.end(),
        // Upstream failed mid-body, or this client lagged too far: the answer cannot complete.
        error: () => void res.destroy(),
      },
      (n) => ctx.metrics.bytesServed(n),
    )!;
    res.on('drain', () => reader.resume());
    res.on('close', () => {
      if (!res.writableFinished) reader.cancel();
    });
    record.answered(outcome.status, 'COLLAPSED', answer.contentLength, fill.upstreamSeconds);
    served++;
  }

  return {
    get served() {
      return served;
    },
    serve(req, res, general) {
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
        // Its headers are not in yet. For a blocking playlist reload the origin holds, every
        // viewer of the channel waits here and is answered the moment they come, without a web
        // Request and stream each (its answer is a small playlist with a Content-Length). If the
        // answer is not for this path after all, the general path takes the request then, as if
        // it had just come: a 503 or an answer it may not share is asked for again (the general
        // path's joiners of an unshareable answer ask on their own too), and so is a failed fetch
        // (there a joiner would get the 502/504 at once); its log line times it from then.
        if (!isBlockingReload(key)) return false;
        const record = recordOf(ctx, req, url); // the access log times it from its arrival
        fill.participants++;
        void fill.outcome.then((settled) => {
          if (res.destroyed) return;
          const body = settled.kind === 'response' && settled.body?.replayable ? settled.body : null;
          const answer = body && settled.kind === 'response' ? prepare(settled) : null;
          if (!body || !answer || settled.kind !== 'response') {
            fill.participants--;
            return void general(req, res);
          }
          send(fill, settled, body, answer, record, key, res);
        });
        return true;
      }
      if (outcome.kind !== 'response' || !outcome.body?.replayable) return false;
      const answer = prepare(outcome);
      if (!answer) return false;

      // From here on, this request is ours.
      fill.participants++;
      send(fill, outcome, outcome.body, answer, recordOf(ctx, req, url), key, res);
      return true;
    },
  };
}
