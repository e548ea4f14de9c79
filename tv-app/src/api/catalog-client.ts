// The catalog API as the app reads it, from the host the app was loaded from
// (the edge): relative URLs, a timeout so a dead network fails fast into the
// error screen, and a typed error instead of a rejected fetch.
import type {
  HomeResponse,
  ChannelResponse,
  ChannelId,
  LiveEvent,
  Replay,
  Highlight,
  Sponsor,
} from '../../../shared/catalog/types.ts';

export class CatalogError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the network (or the timeout) failed. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

export interface ReadOptions {
  /**
   * Ask the server, past the browser's cache ('no-store'): neither its stored copy nor a wait
   * behind another read of the same URL that holds the cache entry (the live page's polling).
   */
  fresh?: boolean;
}

export interface CatalogClientOptions {
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class CatalogClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor({ baseUrl = '', timeoutMs = 8000, fetch: fetchImpl }: CatalogClientOptions = {}) {
    this.baseUrl = baseUrl;
    this.timeoutMs = timeoutMs;
    this.fetchImpl = fetchImpl ?? ((input, init) => fetch(input, init));
  }

  home(): Promise<HomeResponse> {
    return this.getJson<HomeResponse>('/api/v1/home');
  }

  channel(id: ChannelId): Promise<ChannelResponse> {
    return this.getJson<ChannelResponse>(`/api/v1/channels/${encodeURIComponent(id)}`);
  }

  /** `fresh`: from the server, not the browser's stored copy (a renewed signed URL, player/renew-playback.ts). */
  event(id: string, options: ReadOptions = {}): Promise<LiveEvent> {
    return this.getJson<LiveEvent>(`/api/v1/events/${encodeURIComponent(id)}`, options);
  }

  replay(id: string, options: ReadOptions = {}): Promise<Replay> {
    return this.getJson<Replay>(`/api/v1/replays/${encodeURIComponent(id)}`, options);
  }

  highlight(id: string, options: ReadOptions = {}): Promise<Highlight> {
    return this.getJson<Highlight>(`/api/v1/highlights/${encodeURIComponent(id)}`, options);
  }

  /** The channel's sponsors (events name theirs with `sponsorId`). */
  async sponsors(): Promise<Sponsor[]> {
    return (await this.getJson<{ sponsors: Sponsor[] }>('/api/v1/sponsors')).sponsors;
  }

  private async getJson<T>(path: string, { fresh = false }: ReadOptions = {}): Promise<T> {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = setTimeout(() => controller?.abort(), this.timeoutMs);
    try {
      const response = await this.fetchImpl(this.baseUrl + path, {
        headers: { accept: 'application/json' },
        signal: controller?.signal,
        ...(fresh ? { cache: 'no-store' as const } : {}),
      });
      if (!response.ok) throw new CatalogError(`${path}: HTTP ${response.status}`, response.status);
      return (await response.json()) as T;
    } catch (error) {
      if (error instanceof CatalogError) throw error;
      throw new CatalogError(`${path}: ${(error as Error).message}`, 0);
    } finally {
      clearTimeout(timer);
    }
  }
}
