// Tells the edges to drop what a committed write changed. The wire format lives here and only
// here, so adapting to the edge's purge API is a one-file change.
//
// What is sent, to each configured edge base URL (EDGE_PURGE_URLS), once per write:
//   POST <edge>/_edge/purge
//   Authorization: Bearer <EDGE_ADMIN_TOKEN>
//   Content-Type: application/json
//   {"surrogateKeys": ["catalog", "event-123"]}
// and, for media whose playlists are cached for good (a replay or a clip taken down or re-cut),
//   {"prefix": "/hls/vod/<id>/"}                       one request per prefix
// If an edge answers 400 to that body (an edge that takes one tag per request), the keys are
// sent again one by one as {"tag": "<key>"}, which the current edge (edge/admin/purge.ts) accepts.
//
// Best effort: a purge never fails the write that caused it (viewers then see the change when
// the API's 10 s TTL runs out); each failure is logged.
import { log } from '../log/logger.ts';

const warn = (message: string) => log.warn(message);

export interface EdgePurgeConfig {
  /** Edge base URLs. Read at each purge, so a test can add an edge started after the origin. */
  urls: readonly string[];
  token?: string | undefined;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  log?: (message: string) => void;
  fetch?: typeof fetch;
}

export interface PurgeOutcome {
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
}

export class EdgePurgeClient {
  constructor(readonly config: EdgePurgeConfig) {}

  /** Purges `keys` on every edge; never rejects. */
  async purge(keys: string[]): Promise<PurgeOutcome[]> {
    if (keys.length === 0 || this.config.urls.length === 0) return [];
    const outcomes = await Promise.all(this.config.urls.map((url) => this.#purgeOne(url, keys)));
    for (const o of outcomes) {
      if (!o.ok) (this.config.log ?? warn)(`purge: ${o.url} failed (${o.status ?? o.error}) for ${keys.join(' ')}`);
    }
    return outcomes;
  }

  /** Purges everything under each path prefix (`/hls/vod/<id>/`) on every edge; never rejects. */
  async purgePrefixes(prefixes: string[]): Promise<PurgeOutcome[]> {
    const outcomes = await Promise.all(
      this.config.urls.flatMap((base) =>
        prefixes.map(async (prefix): Promise<PurgeOutcome> => {
          const url = new URL('/_edge/purge', base).toString();
          try {
            const response = await this.#post(url, { prefix });
            return { url, ok: response.ok, status: response.status };
          } catch (error) {
            return { url, ok: false, error: (error as Error).message };
          }
        }),
      ),
    );
    for (const o of outcomes) {
      if (!o.ok) (this.config.log ?? warn)(`purge: ${o.url} failed (${o.status ?? o.error}) for ${prefixes.join(' ')}`);
    }
    return outcomes;
  }

  async #purgeOne(base: string, keys: string[]): Promise<PurgeOutcome> {
    const url = new URL('/_edge/purge', base).toString();
    try {
      const first = await this.#post(url, { surrogateKeys: keys });
      if (first.status !== 400) return { url, ok: first.ok, status: first.status };
      const each = await Promise.all(keys.map((tag) => this.#post(url, { tag })));
      const failed = each.find((r) => !r.ok);
      return failed ? { url, ok: false, status: failed.status } : { url, ok: true, status: 200 };
    } catch (error) {
      return { url, ok: false, error: (error as Error).message };
    }
  }

  async #post(url: string, body: unknown): Promise<Response> {
    const response = await (this.config.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.config.token ? { authorization: `Bearer ${this.config.token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 3000),
    });
    await response.arrayBuffer().catch(() => {});
    return response;
  }
}
