// Zap time: the master playlist of what OK would play is fetched while the viewer's focus
// rests on it, so OK starts hls.js with the playlist already in hand (one round trip less),
// and a cold edge has meanwhile fetched it from the origin.
//
// - Only after the focus has rested `dwellMs`: scrolling along a rail preloads nothing.
// - The request says `Purpose: prefetch`, so the edge does not count it as a viewer of a
//   live (its audience counts live playlist requests); and carries no CMCD, since there is no
//   playback session yet.
// - hls.js takes the text through its playlist loader (preloaded-loader.ts), by URL without
//   the `CMCD` parameter hls.js adds; a preload still in flight at OK is awaited, not repeated;
//   a failed one falls back to hls.js's own request.
// - A few entries, each kept `ttlMs`: a master playlist names renditions, it does not move.
// This module is in the main bundle (it runs on the home screen); hls.js is not.
import { PLAYER_DEFAULTS } from './config.ts';
import { serviceBase } from '../platform/service-base.ts';

export interface PreloadedPlaylist {
  /** Where the text came from after redirects: hls.js resolves the renditions' URIs against it. */
  url: string;
  text: string;
}

export interface ManifestPreloadOptions {
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  now?: () => number;
  /** Resolves the catalog's relative playlist URLs (the page's own address in the app). */
  base?: () => string;
  dwellMs?: number;
  ttlMs?: number;
  maxEntries?: number;
}

interface Entry {
  at: number;
  playlist: Promise<PreloadedPlaylist | null>;
}

/** The URL as a key: absolute, without the CMCD parameter (hls.js adds one per request). */
export function preloadKey(url: string, base: string): string {
  const parsed = new URL(url, base);
  parsed.searchParams.delete('CMCD');
  parsed.hash = '';
  return parsed.href;
}

export class ManifestPreloader {
  private readonly entries = new Map<string, Entry>();
  private pending: { url: string; timer: ReturnType<typeof setTimeout> } | null = null;
  private readonly fetcher: NonNullable<ManifestPreloadOptions['fetch']>;
  private readonly now: () => number;
  private readonly base: () => string;
  private readonly dwellMs: number;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** How many preloads were sent, and how many a playback used (the bench and tests read these). */
  readonly stats = { sent: 0, used: 0 };

  constructor(options: ManifestPreloadOptions = {}) {
    const defaults = PLAYER_DEFAULTS.manifestPreload;
    this.fetcher = options.fetch ?? ((url, init) => fetch(url, init));
    this.now = options.now ?? Date.now;
    this.base = options.base ?? serviceBase;
    this.dwellMs = options.dwellMs ?? defaults.dwellMs;
    this.ttlMs = options.ttlMs ?? defaults.ttlMs;
    this.maxEntries = options.maxEntries ?? defaults.maxEntries;
  }

  /**
   * The focus rests on something OK would play from `url` (null: on nothing that plays).
   * The playlist is preloaded if the focus is still there `dwellMs` later.
   */
  focus(url: string | null): void {
    if (url && this.pending?.url === url) return;
    this.cancel();
    if (!url || this.fresh(this.keyOf(url))) return;
    const timer = setTimeout(() => {
      this.pending = null;
      this.preload(url);
    }, this.dwellMs);
    this.pending = { url, timer };
  }

  /** Forgets a focus that has not rested long enough yet (OK pressed, page left). */
  cancel(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
  }

  /** Fetches `url` now, unless a fresh copy is held or on its way. */
  preload(url: string): void {
    const key = this.keyOf(url);
    if (this.fresh(key)) return;
    this.stats.sent++;
    const playlist = this.fetcher(key, { headers: { Purpose: 'prefetch' }, credentials: 'same-origin' })
      .then(async (response) => (response.ok ? { url: response.url || key, text: await response.text() } : null))
      .catch(() => null);
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), playlist });
    // Oldest first in a Map: drop from the front.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    // A failed preload is forgotten at once, so the next focus may try again.
    void playlist.then((p) => {
      if (p === null && this.entries.get(key)?.playlist === playlist) this.entries.delete(key);
    });
  }

  /**
   * The preloaded playlist for a request hls.js is about to make (its URL may carry CMCD),
   * or null when none is held. Each preload serves one playback: a second playback of the
   * same URL asks the edge again.
   */
  take(url: string): Promise<PreloadedPlaylist | null> | null {
    const key = this.keyOf(url);
    const entry = this.fresh(key);
    if (!entry) return null;
    this.entries.delete(key);
    return entry.playlist.then((p) => {
      if (p) this.stats.used++;
      return p;
    });
  }

  private fresh(key: string): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (this.now() - entry.at <= this.ttlMs) return entry;
    this.entries.delete(key);
    return null;
  }

  private keyOf(url: string): string {
    return preloadKey(url, this.base());
  }
}
