// Readiness: should a load balancer send viewers here rather than to another edge? Not ready means
// "another edge does better": the process is over its memory budget, or (config.readinessUpstream)
// this edge cannot reach an upstream that its siblings reach. An origin down for everyone is no
// reason: every edge would be dropped at once, and with them the cached replays they still serve
// (stale-if-error); the edge then stays ready and says the upstream is `degraded`.
//
// Load balancers poll often, so the upstream probe (one GET, with a timeout) runs at most once per
// readinessCacheMs, and callers meanwhile share it. With a site registry (Redis: the workers and
// nodes of the site), each probe's result is written there and the siblings' are read back in the
// same step; a timer keeps probing every period, so the site sees this edge even when no load
// balancer asks it.
import type { EdgeConfig } from '../config.ts';
import type { SiteProbeReport, SiteReadiness } from '../workers/site-readiness.ts';

export interface UpstreamCheck {
  ok: boolean;
  /** The upstream that answered, or the last one tried (admin detail only: never public). */
  url: string;
  status?: number;
  error?: string;
}

/** A sibling's last probe (admin detail only). */
export interface SiblingProbe {
  id: string;
  ok: boolean;
  ageMs: number;
}

export interface SiteView {
  /** off: no registry (no Redis); down: it could not be read at the last probe. */
  registry: 'off' | 'up' | 'down';
  /** The siblings' live reports, this edge's left out. */
  siblings: SiblingProbe[];
}

export interface ReadinessReport {
  ready: boolean;
  /** Names of the failing checks ('upstream', 'memory'): what a public answer may say. */
  failing: string[];
  /** Checks that fail without making the edge not ready ('upstream': nobody does better). */
  degraded: string[];
  policy: EdgeConfig['readinessUpstream'];
  upstream: UpstreamCheck;
  site: SiteView;
  memory: { rssBytes: number | null; budgetBytes: number; ok: boolean };
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** Stops the site's probing timer and waits for a probe in progress. */
  close(): Promise<void>;
}

interface Probed {
  upstream: UpstreamCheck;
  /** The site's reports (null: registry unreachable, undefined: none) and when they were read. */
  reports: SiteProbeReport[] | null | undefined;
  readAt: number;
}

/** The site timer's period: the probe's cache period, with a floor (0 means "probe every check"). */
const period = (config: EdgeConfig) => Math.max(config.readinessCacheMs, 500);
/** A report counts for a few periods, and a probe's timeout: a sibling's probe may take that long. */
const reportTtl = (config: EdgeConfig) => 3 * period(config) + config.readinessProbeTimeoutMs;

/**
 * `rss`: the process's resident memory in bytes (the runtime's; undefined: not known, not checked).
 * `site`: the site's registry (absent: this edge has no siblings it knows of).
 * `config` is read on each check, so a reloaded config applies to the next probe.
 */
export function createReadiness(
  config: EdgeConfig,
  fetchFn: typeof fetch,
  rss: (() => number) | undefined,
  site?: SiteReadiness,
): Readiness {
  let cached: { at: number; probed: Promise<Probed> } | undefined;
  const probed = (): Promise<Probed> => {
    const now = performance.now();
    if (!cached || now - cached.at >= config.readinessCacheMs)
      cached = { at: now, probed: probeAndReport(config, fetchFn, site) };
    return cached.probed;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (closed) return;
    running = probed().finally(() => {
      if (closed) return;
      timer = setTimeout(tick, period(config));
      // Under Node, the timer must not keep the process alive.
      (timer as { unref?: () => void }).unref?.();
    });
  };
  if (site) tick();

  return {
    async check() {
      const { upstream: up, reports, readAt } = await probed();
      const budgetBytes = config.readinessMaxRssBytes || config.memoryBytes + 512 * 1024 * 1024;
      const rssBytes = rss ? rss() : null;
      const memoryOk = rssBytes === null || rssBytes <= budgetBytes;
      const elapsed = performance.now() - readAt;
      const siblings = (reports ?? [])
        .filter((r) => r.id !== site?.id && r.ageMs + elapsed <= r.ttlMs)
        .map((r) => ({ id: r.id, ok: r.ok, ageMs: Math.round(r.ageMs + elapsed) }));
      const view: SiteView = { registry: !site ? 'off' : reports ? 'up' : 'down', siblings };
      // Does another edge do better? Only a sibling that reached the upstream lately says so.
      const upstreamFails =
        !up.ok &&
        (config.readinessUpstream === 'strict' || (config.readinessUpstream === 'site' && siblings.some((s) => s.ok)));
      const failing = [...(upstreamFails ? ['upstream'] : []), ...(memoryOk ? [] : ['memory'])];
      const degraded = !up.ok && !upstreamFails ? ['upstream'] : [];
      return {
        ready: failing.length === 0,
        failing,
        degraded,
        policy: config.readinessUpstream,
        upstream: up,
        site: view,
        memory: { rssBytes, budgetBytes, ok: memoryOk },
      };
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running.catch(() => {});
    },
  };
}

async function probeAndReport(
  config: EdgeConfig,
  fetchFn: typeof fetch,
  site: SiteReadiness | undefined,
): Promise<Probed> {
  const upstream = await probe(config, fetchFn);
  if (!site) return { upstream, reports: undefined, readAt: performance.now() };
  // A registry that hangs must not hang the load balancer's probe: past the probe's timeout it
  // counts as unreachable.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>(
    (resolve) => (timer = setTimeout(() => resolve(null), config.readinessProbeTimeoutMs)),
  );
  const reports = await Promise.race([site.exchange(upstream.ok, reportTtl(config)).catch(() => null), late]);
  clearTimeout(timer);
  return { upstream, reports, readAt: performance.now() };
}

/**
 * A probe's body read to the end up to this size, so its connection goes back to the pool; past
 * it the body is dropped with its connection.
 */
const PROBE_BODY_LIMIT = 64 * 1024;

/**
 * The first upstream answering a GET with anything but a 5xx counts; the others are tried in turn.
 * Not a HEAD: undici closes a connection after every HEAD (against servers that send a body anyway),
 * so each probe cost an upstream connection, and the next fetch a new handshake.
 */
async function probe(config: EdgeConfig, fetchFn: typeof fetch): Promise<UpstreamCheck> {
  let last: UpstreamCheck = { ok: false, url: config.upstreamUrl, error: 'not tried' };
  for (const base of [config.upstreamUrl, ...config.fallbackUpstreamUrls]) {
    const url = base.replace(/\/+$/, '') + config.readinessProbePath;
    try {
      const response = await fetchFn(url, {
        signal: AbortSignal.timeout(config.readinessProbeTimeoutMs),
        headers: { 'user-agent': `${config.viaName} readiness` },
      });
      last = { ok: response.status < 500, url, status: response.status };
      await drain(response.body, PROBE_BODY_LIMIT).catch(() => {}); // the answer is in already
      if (last.ok) return last;
    } catch (error) {
      // A DOMException (not an Error in every runtime).
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      last = {
        ok: false,
        url,
        error: timedOut ? `no answer within ${config.readinessProbeTimeoutMs} ms` : String(error),
      };
    }
  }
  return last;
}

/** Reads a body to its end, or cancels it once past `limit` bytes. */
async function drain(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
    if (read > limit) return void (await reader.cancel());
  }
}
