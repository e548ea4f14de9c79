// The native front door's JavaScript half (config.nativeFrontDoor): loads the add-on
// (native/front-door.cc), keeps what it may answer in step with the memory tier, and takes back
// what it leaves to JavaScript.
//
// WHY: with one request per wake-up, as viewers send them, the JavaScript door (front-door.ts)
// still costs the process ~40 µs of its own code per hit; the add-on answers a hit without
// running JavaScript (README, Benchmarks).
//
// THE CONTRACT, each side:
// - Published answers. For each stored entry the fast path (fast-hit.ts) would answer as it is
//   (no Vary, no no-cache, a plain target without a query, no beacon path), the answer's bytes as
//   the JavaScript door writes them (wireAnswer, with markers where Age and Date go), for GET and
//   HEAD, fresh and stale (and, while requests wait for its fill, as COLLAPSED for them), with the
//   times between which each applies: fresh until its lifetime ends (from half of it on, a live
//   playlist asks for its background refresh), then stale while revalidated (RFC 5861) if
//   allowed. Published when stored, withdrawn when replaced, purged or evicted
//   (cache/memory-store.ts tells, at once and in order), published again when a 304 refreshes it
//   or a reload changes the config.
// - Asked for. A plain GET or HEAD, its query (if any) made of CMCD parameters and LL-HLS delivery
//   directives (a blocking playlist reload), is answered, or waited for, under its key (doorKey):
//   its path and directives. A blocking reload a newer playlist answers already goes to node:http.
// - Handed over. Any head the add-on does not answer, with what follows it, and its connection:
//   given to node:http as the JavaScript door gives it (the same reasons, counted alike).
// - Recorded. Each answer's record comes back in batches (config.nativeFrontDoorRecordMs) and
//   goes through the same RequestRecord as the fast path's: metrics, access log line, audience sighting, the
//   policy's note of what is watched, and the LRU's recency.
// - Refresh asks: a hit past its refresh point, or a stale one, asks (at most every 100 ms per
//   entry) for the background refresh the fast path would start.
// - Time-outs: a connection silent before its first request gets closeWith's 408, counted here.
// - Threads (config.nativeFrontDoorThreads): the add-on's loops share one table; each tells its
//   own wants, records and hand-overs, and a key wanted by several loops is filled once (`wanted`).
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Server as HttpServer } from 'node:http';
import { currentAge, freshnessLifetime, mustNotServeStale } from '../cache/freshness.ts';
import { DIRECTIVE_ORDER, keyedSearch } from '../cache/key.ts';
import { freshHit, servableWhileRevalidating, staleWhileRevalidateAllowance } from '../proxy/fresh-hit.ts';
import { bodylessStatus, wholeAnswerHeaders } from '../proxy/respond.ts';
import { answersReload, fillFor, refreshInBackground } from '../proxy/handler.ts';
import { passesThrough } from '../proxy/pass-through.ts';
import { refusedTarget } from '../proxy/request-target.ts';
import { readsRequest } from '../proxy/record.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { StoreObserver } from '../cache/memory-store.ts';
import type { EdgeConfig } from '../config.ts';
import type { EdgeContext } from '../context.ts';
import type { HandOffReason } from '../admin/metrics.ts';
import { closingAnswer } from './client-limits.ts';
import { headerList, headersFromRaw } from './header-list.ts';
import { isPlainTarget, recordOf } from './plain-request.ts';
import { readPlainHead } from './request-head.ts';
import { wireAnswer } from './response-head.ts';

/** The add-on's functions (native/front-door.cc, « N-API »). */
interface Addon {
  open(host: string, port: number, backlog: number, reusePort: boolean, onEvent: EventSink, threads: number): Door;
  port(door: Door): number;
  setLimits(
    door: Door,
    headersTimeoutMs: number,
    keepAliveTimeoutMs: number,
    maxHeaderBytes: number,
    maxUrlLength: number,
    allowGet: boolean,
    allowHead: boolean,
    timeoutAnswer: string,
    waitLimitMs: number,
    recordEveryMs: number,
  ): void;
  publish(
    door: Door,
    key: string,
    status: number,
    body: Buffer | null,
    times: [ageOffset: number, refreshAt: number, freshEnd: number, staleEnd: number, recordBytes: number],
    fresh: AnswerParts | null,
    stale: AnswerParts | null,
    waited: AnswerParts | null,
  ): void;
  unpublish(door: Door, key: string): boolean;
  giveUp(door: Door, key: string, seconds: number): void;
  clear(door: Door): void;
  command(door: Door, which: number): void;
  stop(door: Door): void;
  /** The published answers, the bodies held, then each loop's connections. */
  stats(door: Door): [published: number, heldBodies: number, ...connections: number[]];
}
declare const doorBrand: unique symbol;
type Door = { readonly [doorBrand]: true };
type EventSink = (kind: number, num: number, bytes: Buffer, text: string) => void;
/** [result, GET head parts, HEAD head parts]: parts around the Age value, then the Date value. */
type AnswerParts = [result: number, get: string[], head: string[]];

const EVENT = { handOff: 1, refresh: 2, records: 3, timedOut: 4, wanted: 6 } as const;
const COMMAND = { closeListener: 1, closeIdle: 2, closeAll: 4 } as const;
const RESULTS = ['HIT', 'NEGATIVE', 'STALE', 'COLLAPSED'] as const;
type Result = (typeof RESULTS)[number];
/** Markers for the per-request values in a rendered head (never in a field value: control bytes). */
const AGE_MARK = '\u0000age\u0000';
const DATE_MARK = '\u0000date\u0000';
const NO_HEADERS = new Headers();

type Loaded = { addon: Addon } | { error: string };
/** One result per add-on path: a process loads a given add-on once (Node would not load it twice). */
const loaded = new Map<string, Loaded>();

/** The add-on, or why it cannot be used here. */
export function loadAddon(config: EdgeConfig): Loaded {
  const candidates = config.nativeFrontDoorAddon
    ? [config.nativeFrontDoorAddon]
    : [
        join(dirname(process.argv[1] ?? '.'), 'front-door.node'),
        fileURLToPath(new URL('./front-door.node', import.meta.url)), // beside the edge's bundle
        fileURLToPath(new URL('../../../dist/front-door.node', import.meta.url)), // from the sources
      ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) return { error: `no add-on at ${candidates.join(' or ')} (npm run build makes it)` };
  let result = loaded.get(found);
  if (!result) {
    try {
      // A plain object of its functions (an add-on's exports are read-only).
      result = { addon: { ...(createRequire(import.meta.url)(found) as Addon) } };
    } catch (error) {
      result = { error: `${found}: ${String(error)}` };
    }
    loaded.set(found, result);
  }
  return result;
}

export interface NativeFrontDoor {
  readonly url: string;
  /** Connections handed to node:http so far. */
  readonly handedOff: number;
  /** Requests the add-on answered (recorded so far). */
  readonly served: number;
  /** Entries it may answer now, the connections it holds (`perThread`: each thread's, as the kernel
   * shares them out), and the stored bodies it keeps alive (a withdrawn one until the answer still
   * writing it is written). */
  stats(): { published: number; connections: number; perThread: number[]; heldBodies: number };
  /** The config changed (a reload): new limits, every answer rendered again. */
  reconfigure(): void;
  /** Stops accepting. */
  closeListener(): void;
  /** Graceful stop: ends the connections it holds once their answers are written. */
  closeIdle(): void;
  closeAll(): void;
  /** Joins its thread; the process may exit. */
  stop(): void;
}

export interface NativeFrontDoorOptions {
  host: string;
  port: number;
  backlog: number | undefined;
  /** Several processes on one port (node:cluster workers): each its own socket, the kernel shares. */
  reusePort: boolean;
  /** Loops on threads of their own, sharing the published answers (config.nativeFrontDoorThreads). */
  threads: number;
  timedOut: () => void;
  handedOff: (reason: HandOffReason) => void;
  failed: (error: unknown) => void;
}

/**
 * The memory tier's changes, for the native front door; made before the edge (createEdge takes it
 * as deps.storeObserver) and given the door once both exist (`serve`): changes before are caught
 * up then.
 */
export class PublishedAnswers implements StoreObserver {
  private target: { addon: Addon; door: Door; ctx: EdgeContext } | null = null;
  /** Key → the entry published under it. */
  private readonly published = new Map<string, CacheEntry>();
  /** Keys with requests waiting in the add-on for a fill: their answer gets its COLLAPSED form
   * too (rendered only then, not at every live playlist refresh). */
  private readonly awaited = new Set<string>();

  serve(addon: Addon, door: Door, ctx: EdgeContext): void {
    this.target = { addon, door, ctx };
    this.republishAll();
  }

  stored(entry: CacheEntry): void {
    this.publish(entry);
  }

  refreshed(entry: CacheEntry): void {
    this.publish(entry);
  }

  removed(entry: CacheEntry, replaced: boolean): void {
    if (!this.target || this.published.get(entry.storageKey) !== entry) return;
    // Replaced: the new entry's answer takes the key's place in one step (`stored`, next), with no
    // moment where the add-on finds nothing and hands viewers' connections over; withdrawn here
    // only if no new answer came (the store refused it).
    if (replaced) queueMicrotask(() => this.withdraw(entry));
    else this.withdraw(entry);
  }

  private withdraw(entry: CacheEntry): void {
    if (!this.target || this.published.get(entry.storageKey) !== entry) return;
    this.published.delete(entry.storageKey);
    this.target.addon.unpublish(this.target.door, entry.storageKey);
  }

  /** A fill for `key` is on, with requests waiting in the add-on for it. */
  awaits(key: string): boolean {
    return this.awaited.has(key);
  }

  /** Requests wait in the add-on for `key`'s fill, until `fillSettled`. */
  awaitFill(key: string): void {
    this.awaited.add(key);
  }

  fillSettled(key: string): void {
    this.awaited.delete(key);
  }

  /** Whether `entry` is what the add-on holds for `key`. */
  has(key: string, entry: CacheEntry): boolean {
    return this.published.get(key) === entry;
  }

  republishAll(): void {
    if (!this.target) return;
    this.target.addon.clear(this.target.door);
    this.published.clear();
    for (const entry of this.target.ctx.store.entries()) this.publish(entry);
  }

  private publish(entry: CacheEntry): void {
    const target = this.target;
    if (!target) return;
    const { addon, door, ctx } = target;
    const args = publication(ctx, entry, this.awaited.has(entry.storageKey));
    if (!args) {
      if (this.published.get(entry.storageKey)) {
        this.published.delete(entry.storageKey);
        addon.unpublish(door, entry.storageKey);
      }
      return;
    }
    this.published.set(entry.storageKey, entry);
    addon.publish(door, entry.storageKey, entry.status, args.body, args.times, args.fresh, args.stale, args.waited);
  }
}

/** What the add-on is told of an entry, or null when the fast path would not answer it as it is. */
function publication(
  ctx: EdgeContext,
  entry: CacheEntry,
  awaited = false,
): {
  body: Buffer | null;
  times: [number, number, number, number, number];
  fresh: AnswerParts | null;
  stale: AnswerParts | null;
  waited: AnswerParts | null;
} | null {
  const key = entry.storageKey;
  if (entry.varyNames.length > 0 || key !== entry.primaryKey || !askable(key)) return null;
  if (!isPlainTarget(key, ctx.config) || refusedTarget(key) !== null) return null;
  if (ctx.beacons?.takes('GET', key) || ctx.beacons?.takes('HEAD', key)) return null;
  if (entry.cacheControl.get('no-cache') === true) return null;
  const now = ctx.now();
  const lifetime = freshnessLifetime(entry, ctx.config);
  const ageOffset = currentAge(entry, now) - now;
  const freshEnd = lifetime - ageOffset;
  const refreshAt = ctx.policy.refreshAheadFrom(entry, lifetime) - ageOffset;
  const allowance = mustNotServeStale(entry) ? 0 : staleWhileRevalidateAllowance(ctx, entry);
  const staleEnd = allowance > 0 ? lifetime + allowance - ageOffset : freshEnd;
  const keepAlive = ctx.config.keepAliveTimeoutMs;
  const bodyless = bodylessStatus(entry.status);
  function parts(result: Result): AnswerParts | null {
    const get = rendered(ctx, entry, result, false, keepAlive);
    const head = rendered(ctx, entry, result, true, keepAlive);
    return get && head ? [RESULTS.indexOf(result), get, head] : null;
  }
  const fresh = parts(entry.negative ? 'NEGATIVE' : 'HIT');
  const stale = allowance > 0 ? parts('STALE') : null;
  if (!fresh && !stale) return null;
  // A request that waited for this fill collapsed onto it (no request of its own went upstream).
  const waited = awaited && fresh ? parts('COLLAPSED') : null;
  return {
    body:
      bodyless || entry.body.byteLength === 0
        ? null
        : Buffer.from(entry.body.buffer, entry.body.byteOffset, entry.body.byteLength),
    times: [ageOffset, refreshAt, freshEnd, staleEnd, bodyless ? -1 : entry.body.byteLength],
    fresh,
    stale,
    waited,
  };
}

/** The answer's head as the JavaScript door writes it, cut around the Age and Date values; null
 * when the fast path would not answer it, or frames its body otherwise than by its length. */
function rendered(
  ctx: EdgeContext,
  entry: CacheEntry,
  result: Result,
  isHead: boolean,
  keepAliveMs: number,
): string[] | null {
  const list = headerList(wholeAnswerHeaders(ctx, entry, result, isHead), !isHead && !bodylessStatus(entry.status));
  if (!list) return null;
  const fields = list.fields.slice();
  fields[list.ageAt] = AGE_MARK;
  const withBody = !isHead && !bodylessStatus(entry.status);
  const wire = wireAnswer(
    { status: entry.status, fields, body: withBody ? entry.body : null },
    isHead,
    keepAliveMs,
    DATE_MARK,
  );
  const framedAsIs = wire.chunks.length === 0 || (wire.chunks.length === 1 && wire.chunks[0] === entry.body);
  if (!framedAsIs || (withBody && wire.chunks.length === 0 && entry.body.byteLength > 0)) return null;
  const [before, after] = wire.head.split(AGE_MARK);
  if (before === undefined || after === undefined || before.includes(DATE_MARK)) return null;
  const cut = after.split(DATE_MARK);
  return cut.length > 2 ? null : [before, ...cut];
}

/** Opens the native door on `options`' address and serves `published` through it. */
export function openNativeFrontDoor(
  addon: Addon,
  http: HttpServer,
  ctx: EdgeContext,
  published: PublishedAnswers,
  options: NativeFrontDoorOptions,
): NativeFrontDoor {
  let handedOff = 0;
  let served = 0;

  function onEvent(kind: number, num: number, bytes: Buffer, text: string): void {
    try {
      if (kind === EVENT.records) served += replayRecords(ctx, bytes);
      else if (kind === EVENT.handOff) {
        handedOff++;
        options.handedOff(text as HandOffReason);
        handOff(http, num, bytes);
      } else if (kind === EVENT.refresh) refreshAsked(ctx, bytes, text);
      else if (kind === EVENT.timedOut) options.timedOut();
      else if (kind === EVENT.wanted)
        wanted(ctx, published, bytes, text, (key, seconds) => addon.giveUp(door, key, seconds));
    } catch (error) {
      options.failed(error);
    }
  }

  const door = addon.open(
    options.host,
    options.port,
    options.backlog ?? 511,
    options.reusePort,
    onEvent,
    options.threads,
  );
  const setLimits = () => {
    const c = ctx.config;
    const timeout = Buffer.from(closingAnswer(408, 'Requête trop lente / Request timeout'), 'utf8').toString('latin1');
    addon.setLimits(
      door,
      c.headersTimeoutMs,
      c.keepAliveTimeoutMs,
      c.maxHeaderBytes,
      c.maxUrlLength,
      c.allowedMethods.includes('GET'),
      c.allowedMethods.includes('HEAD'),
      timeout,
      // A request waits for its fill as long as the general path would wait for the upstream.
      c.upstreamFirstByteTimeoutMs + c.upstreamIdleTimeoutMs,
      c.nativeFrontDoorRecordMs,
    );
  };
  setLimits();
  published.serve(addon, door, ctx);
  const port = addon.port(door);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let stopped = false;
  return {
    url: `http://${host}:${port}`,
    get handedOff() {
      return handedOff;
    },
    get served() {
      return served;
    },
    stats() {
      const [published, heldBodies, ...perThread] = addon.stats(door);
      return { published, heldBodies, perThread, connections: perThread.reduce((a, b) => a + b, 0) };
    },
    reconfigure() {
      setLimits();
      published.republishAll();
    },
    closeListener: () => addon.command(door, COMMAND.closeListener),
    closeIdle: () => addon.command(door, COMMAND.closeIdle),
    closeAll: () => addon.command(door, COMMAND.closeAll),
    stop() {
      if (stopped) return;
      stopped = true;
      addon.stop(door);
    },
  };
}

/** node:http takes the connection (a file descriptor the add-on let go of), from `rest` on: as
 * front-door.ts hands one over. */
function handOff(http: HttpServer, fd: number, rest: Buffer): void {
  const socket = new Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
  socket.setNoDelay(true);
  socket.pause();
  if (rest.byteLength > 0) socket.unshift(rest);
  const handle = (socket as Socket & { _handle?: { _consumed?: boolean } })._handle;
  if (handle) handle._consumed = true;
  http.emit('connection', socket);
  socket.resume();
}

/**
 * The key an answered or wanted head asked for: its target's path, and its LL-HLS delivery
 * directives. The add-on takes a query only when it is made of CMCD parameters, which the cache
 * key leaves out, and directives, each once, which it keeps in their canonical order
 * (front-door.cc, keyedQuery; cache/key.ts; tests/edge/fuzz-cmcd.test.ts holds the two alike).
 */
export function doorKey(target: string): string {
  const query = target.indexOf('?');
  if (query < 0) return target;
  // Called per record: a TV's CMCD-only query (every request it sends) keys as its path, unparsed.
  if (!target.includes('_HLS_', query)) return target.slice(0, query);
  return target.slice(0, query) + keyedSearch(target.slice(query));
}

/** A key the add-on can be asked for (doorKey's): a path, with delivery directives each once, in order. */
function askable(key: string): boolean {
  const query = key.indexOf('?');
  if (query < 0) return true;
  let rank = -1;
  for (const part of key.slice(query + 1).split('&')) {
    const eq = part.indexOf('=');
    const at = eq < 0 ? -1 : DIRECTIVE_ORDER.indexOf(part.slice(0, eq));
    if (at <= rank) return false;
    rank = at;
  }
  return true;
}

/** How long the add-on hands a key's requests straight to node:http once it is known not to be
 * one it may answer (not stored as the fast path answers it). */
const GIVEN_UP_SECONDS = 10;

/**
 * A plain request the add-on has no answer for now (not stored yet, or past its windows): the
 * fill the general path would start (or the one running), after which the stored answer is
 * published and the waiting requests answered; anything else gives the key up and node:http
 * takes them (for GIVEN_UP_SECONDS when the key is known not to be publishable).
 */
function wanted(
  ctx: EdgeContext,
  published: PublishedAnswers,
  headBytes: Buffer,
  client: string,
  giveUp: (key: string, seconds: number) => void,
): void {
  const text = headBytes.toString('latin1');
  const head = readPlainHead(text, 0, text.length - 4);
  if (!head) return; // never: the add-on reads a narrower grammar (its wait ends it anyway)
  const key = doorKey(head.url);
  // Another of the add-on's loops asked first: the fill is on, and its end wakes every loop.
  if (published.awaits(key)) return;
  const { config } = ctx;
  if (
    !isPlainTarget(key, config) ||
    refusedTarget(key) !== null ||
    ctx.beacons?.takes(head.method, key) ||
    passesThrough(config, head.method, key, () => false)
  )
    return giveUp(key, GIVEN_UP_SECONDS);
  const stored = ctx.store.lookup(key, NO_HEADERS);
  if (stored && !publication(ctx, stored)) return giveUp(key, GIVEN_UP_SECONDS);
  // A blocking playlist reload that a newer playlist of its rendition answers already (a viewer
  // behind the others): node:http answers it with that one, as the general path would.
  if (!stored && !ctx.inflight.has(key) && answeredNow(ctx, key)) return giveUp(key, 0);
  if (stored && freshHit(ctx, stored)) return published.refreshed(stored); // (published again: wakes them)
  // A first fetch already under way (a segment still being produced): node:http's fast join streams
  // it as it comes, where waiting here would give its first byte only with its last.
  const running = ctx.inflight.get(key);
  if (running && !stored) return giveUp(key, 0);
  const url = new URL(`http://${head.headers.host}${key}`);
  const fill = running ?? fillFor(ctx, key, url, headersFromRaw(head.rawHeaders), client || undefined, stored);
  if (!fill) return giveUp(key, 0);
  published.awaitFill(key);
  // Not published once the fill is over: node:http takes the waiting requests, and the next ones
  // for a while (an object not kept now is seldom kept next time; one published meanwhile lifts
  // this at once), rather than each new connection's request filling again in vain.
  const settle = () => {
    published.fillSettled(key);
    const now = ctx.store.lookup(key, NO_HEADERS);
    if (!now || !published.has(key, now)) giveUp(key, GIVEN_UP_SECONDS);
  };
  fill.done.then(settle, settle);
}

/** A fresh playlist in memory under another key answers this blocking reload (as the general path's). */
function answeredNow(ctx: EdgeContext, key: string): boolean {
  const other = ctx.policy.answeredBy(key);
  const entry = other === undefined ? undefined : ctx.store.lookup(other, NO_HEADERS);
  return entry !== undefined && answersReload(ctx, entry, key);
}

/** A hit past its refresh point asked for the background refresh the fast path would start. */
function refreshAsked(ctx: EdgeContext, headBytes: Buffer, client: string): void {
  const text = headBytes.toString('latin1');
  const head = readPlainHead(text, 0, text.length - 4);
  if (!head) return;
  const key = doorKey(head.url);
  const entry = ctx.store.lookup(key, NO_HEADERS);
  if (!entry || ctx.inflight.has(key)) return;
  const hit = freshHit(ctx, entry);
  if (hit ? !hit.refreshAhead : !servableWhileRevalidating(ctx, entry)) return;
  const url = new URL(`http://${head.headers.host}${key}`);
  refreshInBackground(ctx, key, url, headersFromRaw(head.rawHeaders), client || undefined, entry);
}

/**
 * The records of answers given (native/front-door.cc, Door::answer): per answer, little-endian,
 * f64 arrival (seconds, wall clock), f64 seconds taken, i32 body bytes (-1: none), u16 status,
 * u8 result, u8 HEAD, u16 + bytes: client address, u32 + bytes: the request's head. Returns how many.
 */
function replayRecords(ctx: EdgeContext, batch: Buffer): number {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const touched = new Set<string>();
  let at = 0;
  let count = 0;
  while (at < batch.byteLength) {
    const started = view.getFloat64(at, true);
    const seconds = view.getFloat64(at + 8, true);
    const bytes = view.getInt32(at + 16, true);
    const status = view.getUint16(at + 20, true);
    const result = RESULTS[view.getUint8(at + 22)] ?? 'HIT';
    const isHead = view.getUint8(at + 23) === 1;
    const addressAt = at + 26;
    at = addressAt + view.getUint16(at + 24, true);
    const addressEnd = at;
    const headLength = view.getUint32(at, true);
    const text = batch.toString('latin1', at + 4, at + 4 + headLength);
    at += 4 + headLength;
    count++;
    const head = readPlainHead(text, 0, text.length - 4);
    if (!head) continue; // never: the add-on reads a narrower grammar
    // Most records (segments, when the access log is off) are counted without their URL or address.
    const reads = readsRequest(ctx, head.url);
    const url = reads ? new URL(`http://${head.headers.host}${head.url}`) : undefined;
    const remoteAddress = reads ? batch.toString('latin1', addressAt, addressEnd) : undefined;
    const record = recordOf(ctx, { ...head, socket: { remoteAddress } }, url, { started, seconds });
    const key = doorKey(head.url);
    record.arrived();
    record.asks(key);
    if (!isHead && bytes >= 0) ctx.metrics.bytesServed(bytes);
    record.answered(status, result, bytes);
    touched.add(key);
  }
  // The LRU learns these were used, as a lookup through the fast path would have told it.
  for (const key of touched) ctx.store.lookup(key, NO_HEADERS);
  return count;
}
