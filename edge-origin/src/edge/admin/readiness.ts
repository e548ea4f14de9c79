// Readiness: should a load balancer send viewers here? Yes while an upstream answers and the
// process is within its memory budget. Load balancers poll often, so the upstream probe (one HEAD,
// with a timeout) runs at most once per readinessCacheMs, and callers meanwhile share it.
import type { EdgeConfig } from '../config.ts';

export interface UpstreamCheck {
  ok: boolean;
  /** The upstream that answered, or the last one tried (admin detail only: never public). */
  url: string;
  status?: number;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** Names of the failing checks ('upstream', 'memory'): what a public answer may say. */
  failing: string[];
  upstream: UpstreamCheck;
  memory: { rssBytes: number | null; budgetBytes: number; ok: boolean };
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
}

/**
 * `rss`: the process's resident memory in bytes (the runtime's; undefined: not known, not checked).
 * `config` is read on each check, so a reloaded config applies to the next probe.
 */
export function createReadiness(config: EdgeConfig, fetchFn: typeof fetch, rss: (() => number) | undefined): Readiness {
  let cached: { at: number; check: Promise<UpstreamCheck> } | undefined;
  const upstream = (): Promise<UpstreamCheck> => {
    const now = performance.now();
    if (!cached || now - cached.at >= config.readinessCacheMs) cached = { at: now, check: probe(config, fetchFn) };
    return cached.check;
  };
  return {
    async check() {
      const up = await upstream();
      const budgetBytes = config.readinessMaxRssBytes || config.memoryBytes + 512 * 1024 * 1024;
      const rssBytes = rss ? rss() : null;
      const memoryOk = rssBytes === null || rssBytes <= budgetBytes;
      const failing = [...(up.ok ? [] : ['upstream']), ...(memoryOk ? [] : ['memory'])];
      return { ready: failing.length === 0, failing, upstream: up, memory: { rssBytes, budgetBytes, ok: memoryOk } };
    },
  };
}

/** The first upstream answering a HEAD with anything but a 5xx counts; the others are tried in turn. */
async function probe(config: EdgeConfig, fetchFn: typeof fetch): Promise<UpstreamCheck> {
  let last: UpstreamCheck = { ok: false, url: config.upstreamUrl, error: 'not tried' };
  for (const base of [config.upstreamUrl, ...config.fallbackUpstreamUrls]) {
    const url = base.replace(/\/+$/, '') + config.readinessProbePath;
    try {
      const response = await fetchFn(url, {
        method: 'HEAD',
        signal: AbortSignal.timeout(config.readinessProbeTimeoutMs),
        headers: { 'user-agent': `${config.viaName} readiness` },
      });
      await response.body?.cancel();
      last = { ok: response.status < 500, url, status: response.status };
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
