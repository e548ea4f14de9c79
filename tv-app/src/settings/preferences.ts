// The user's settings and resume positions, persisted through a key-value store
// (the SDK's Storage on a TV: localStorage with a cookie fallback). The store is
// an interface so jest can test with a Map.
import type { Language } from '../i18n/index.ts';
import { isLanguage } from '../i18n/index.ts';

export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

export interface Preferences {
  language: Language;
  subtitles: boolean;
  autoplayNextHighlight: boolean;
  voiceGuidance: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = {
  language: 'fr',
  subtitles: false,
  autoplayNextHighlight: true,
  voiceGuidance: false,
};

export interface ResumePoint {
  /** Playable id (replay or highlight id). */
  id: string;
  kind: 'replay' | 'highlight';
  position: number;
  duration: number;
  updatedAt: number;
}

const PREFS_KEY = 'preferences';
const RESUME_KEY = 'resume';
/**
 * Under this many seconds in, or this close to the end, a position is not worth resuming;
 * for short items (a 40 s replay, a clip) a tenth of the duration instead.
 */
const MIN_RESUME_SECONDS = 10;
const END_MARGIN_SECONDS = 30;
const SHORT_ITEM_FRACTION = 0.1;
const MAX_RESUME_POINTS = 20;

export class PreferenceStore {
  constructor(private readonly store: KeyValueStore) {}

  get(): Preferences {
    const raw = this.store.get(PREFS_KEY);
    const saved = raw && typeof raw === 'object' ? (raw as Partial<Preferences>) : {};
    return {
      language: isLanguage(saved.language) ? saved.language : DEFAULT_PREFERENCES.language,
      subtitles: typeof saved.subtitles === 'boolean' ? saved.subtitles : DEFAULT_PREFERENCES.subtitles,
      autoplayNextHighlight:
        typeof saved.autoplayNextHighlight === 'boolean'
          ? saved.autoplayNextHighlight
          : DEFAULT_PREFERENCES.autoplayNextHighlight,
      voiceGuidance: typeof saved.voiceGuidance === 'boolean' ? saved.voiceGuidance : DEFAULT_PREFERENCES.voiceGuidance,
    };
  }

  update(patch: Partial<Preferences>): Preferences {
    const next = { ...this.get(), ...patch };
    this.store.set(PREFS_KEY, next);
    return next;
  }

  resumePoints(): ResumePoint[] {
    const raw = this.store.get(RESUME_KEY);
    if (!Array.isArray(raw)) return [];
    return (raw as ResumePoint[])
      .filter((p) => p && typeof p.id === 'string' && typeof p.position === 'number')
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  resumePosition(id: string): number | null {
    return this.resumePoints().find((p) => p.id === id)?.position ?? null;
  }

  /** Records where playback stopped; a finished (or barely started) item leaves "continue watching". */
  saveResume(point: Omit<ResumePoint, 'updatedAt'>, now = Date.now()): void {
    const others = this.resumePoints().filter((p) => p.id !== point.id);
    const tenth = point.duration * SHORT_ITEM_FRACTION;
    const worthKeeping =
      point.position >= Math.min(MIN_RESUME_SECONDS, tenth) &&
      point.position < point.duration - Math.min(END_MARGIN_SECONDS, tenth);
    const next = worthKeeping ? [{ ...point, updatedAt: now }, ...others] : others;
    this.store.set(RESUME_KEY, next.slice(0, MAX_RESUME_POINTS));
  }
}
