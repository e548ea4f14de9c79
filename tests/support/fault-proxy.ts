// A fault-injecting HTTP proxy for tests, placed between the edge and the origin
// (edge → fault proxy → origin), so failures really come "from the origin" and go through the
// real edge (its timeouts, collapsing, negative caching) before the player sees them.
//
// Everything passes through untouched until the test injects a rule: for the requests whose
// pathname matches, answer a status (500, 404…), hold the response back (first byte late),
// trickle the body, or cut the connection mid-body. Bodies are streamed chunk by chunk, never
// buffered whole, and every fault applied is recorded so a test can assert it really happened.
import {
  request as httpRequest,
  createServer,
  Agent,
  type IncomingMessage,
  type ServerResponse,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { itemAt } from '../../shared/lang/item-at.ts';

export type Fault =
  /**
   * Answer this status (with a short text body) instead of asking the origin. No Cache-Control
   * unless given: like a plain web server's error, so the edge's own rules (e.g. remembering a
   * segment's 404 for a moment) apply.
   */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Ask the origin only after `ms`: the response's first byte arrives that late. */
  | { kind: 'delay'; ms: number }
  /** The origin's response, its body paced at about `bytesPerSecond` (in ~10 slices a second). */
  | { kind: 'trickle'; bytesPerSecond: number }
  /** Status and headers (Content-Length included), then the connection is destroyed after `afterBytes` of body. */
  | { kind: 'cut'; afterBytes: number };

export type FaultKind = Fault['kind'];

export interface FaultRule {
  /** Which requests, by pathname (query ignored). */
  match: RegExp | ((pathname: string) => boolean);
  fault: Fault;
  /** At most this many requests get the fault; then the rule retires. Unlimited when absent. */
  times?: number;
  /**
   * The rule retires this long after the first request it faulted (a burst of this length,
   * starting when the player first asks for a matching URL). Unlimited when absent.
   */
  forMs?: number;
}

export interface FaultRecord {
  pathname: string;
  kind: FaultKind;
  /** ms since the epoch, when the request arrived. */
  at: number;
  /** Who asked: the edge forwards a viewer's User-Agent; its own prefetches say "… prefetch". */
  userAgent: string;
}

export interface InjectedFault {
  /** Requests this rule has faulted so far. */
  readonly applied: number;
  /** False once retired (times used up, time elapsed, or removed). */
  readonly active: boolean;
  /** Pathnames this rule faulted, in order (repeats included: retries show as repeats). */
  paths(): string[];
  /** What this rule did, in order. */
  records(): FaultRecord[];
  /** Lifts the fault: matching requests pass through again. */
  remove(): void;
}

export interface FaultProxy {
  url: string;
  /** Adds a rule; the newest matching active rule wins. */
  inject(rule: FaultRule): InjectedFault;
  /** Lifts every rule. */
  clear(): void;
  /** Every fault applied, in order. */
  readonly faults: readonly FaultRecord[];
  /** Requests received (faulted or not) whose pathname matches (all without a pattern). */
  requests(match?: RegExp): number;
  close(): Promise<void>;
}

interface ActiveRule extends FaultRule {
  applied: number;
  until: number;
  removed: boolean;
  seen: FaultRecord[];
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  const rules: ActiveRule[] = [];
  const faults: FaultRecord[] = [];
  const received: string[] = [];
  /** Delayed requests not yet forwarded: cleared on close so nothing outlives the proxy. */
  const pending = new Set<ReturnType<typeof setTimeout>>();

  const isActive = (rule: ActiveRule) =>
    !rule.removed && (rule.times === undefined || rule.applied < rule.times) && Date.now() < rule.until;
  const matches = (rule: ActiveRule, pathname: string) =>
    typeof rule.match === 'function' ? rule.match(pathname) : rule.match.test(pathname);

  /** The fault for this request, counted as applied (the newest matching active rule). */
  function take(pathname: string, userAgent: string): Fault | null {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = itemAt(rules, i);
      if (!isActive(rule) || !matches(rule, pathname)) continue;
      if (rule.applied === 0 && rule.forMs !== undefined) rule.until = Date.now() + rule.forMs;
      rule.applied++;
      const record = { pathname, kind: rule.fault.kind, at: Date.now(), userAgent };
      rule.seen.push(record);
      faults.push(record);
      return rule.fault;
    }
    return null;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const pathname = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    received.push(pathname);
    const fault = take(pathname, req.headers['user-agent'] ?? '');
    if (fault?.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8', ...fault.headers });
      res.end(`fault proxy: ${fault.status}\n`);
      return;
    }
    let clientGone = false;
    res.on('close', () => (clientGone = true));
    const forward = () => {
      if (clientGone) return;
      const headers = { ...req.headers, host: target.host };
      const upstream = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (upRes) => relay(upRes, res, fault),
      );
      upstream.on('error', () => {
        if (!res.headersSent)
          res.writeHead(502, { 'content-type': 'text/plain' }).end('fault proxy: origin unreachable\n');
        else res.destroy();
      });
      // The edge gave up (its own timeout, a viewer gone): stop asking the origin.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    };
    if (fault?.kind === 'delay') {
      const timer = setTimeout(() => {
        pending.delete(timer);
        forward();
      }, fault.ms);
      pending.add(timer);
    } else forward();
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    inject(rule) {
      const active: ActiveRule = { ...rule, applied: 0, until: Infinity, removed: false, seen: [] };
      rules.push(active);
      return {
        get applied() {
          return active.applied;
        },
        get active() {
          return isActive(active);
        },
        paths: () => active.seen.map((r) => r.pathname),
        records: () => [...active.seen],
        remove: () => void (active.removed = true),
      };
    },
    clear() {
      for (const rule of rules) rule.removed = true;
      rules.length = 0;
    },
    faults,
    requests: (match) => (match ? received.filter((p) => match.test(p)).length : received.length),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Copies the origin's response to the client, applying a body fault (trickle, cut) if any. */
function relay(upRes: IncomingMessage, res: ServerResponse, fault: Fault | null): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upRes.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  res.writeHead(upRes.statusCode ?? 502, headers);
  res.on('close', () => upRes.destroy());
  if (fault?.kind === 'trickle') return trickle(upRes, res, fault.bytesPerSecond);
  if (fault?.kind === 'cut') return cut(upRes, res, fault.afterBytes);
  upRes.pipe(res);
}

/** Paces the body: each upstream chunk is written in slices of bytesPerSecond/10, 100 ms apart. */
function trickle(upRes: IncomingMessage, res: ServerResponse, bytesPerSecond: number): void {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  const queue: Buffer[] = [];
  let ended = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  const tick = () => {
    if (res.destroyed) return stop();
    let budget = slice;
    while (budget > 0 && queue.length) {
      const head = itemAt(queue, 0);
      const part = head.subarray(0, budget);
      res.write(part);
      budget -= part.length;
      if (part.length === head.length) queue.shift();
      else queue[0] = head.subarray(part.length);
    }
    if (!queue.length) {
      if (ended) {
        stop();
        res.end();
      } else upRes.resume();
    }
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  upRes.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    upRes.pause(); // one chunk at a time: the proxy never holds the whole body
  });
  upRes.on('end', () => (ended = true));
  upRes.on('error', () => {
    stop();
    res.destroy();
  });
  res.on('close', stop);
  timer = setInterval(tick, 100);
}

/** Relays `afterBytes` of body, then destroys the connection (the client sees a short body). */
function cut(upRes: IncomingMessage, res: ServerResponse, afterBytes: number): void {
  let sent = 0;
  upRes.on('data', (chunk: Buffer) => {
    const room = afterBytes - sent;
    if (room > 0) res.write(chunk.subarray(0, room));
    sent += Math.min(room, chunk.length);
    if (sent >= afterBytes) {
      upRes.destroy();
      // Let the written bytes leave before the reset.
      setTimeout(() => res.destroy(), 50);
    }
  });
  upRes.on('end', () => res.end());
}
