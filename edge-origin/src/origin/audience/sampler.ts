// Takes the concurrent-viewer figure of every channel every `everyMs`, on slot boundaries, so
// several origin replicas sample the same instants and only the first one writes each.
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import type { AudienceStore } from './audience-store.ts';

export const DEFAULT_SAMPLE_MS = 5000;

export async function sampleAllChannels(store: AudienceStore, atMs: number): Promise<void> {
  await Promise.all(CHANNEL_IDS.map((channel) => store.sample(channel, atMs)));
}

/** Starts sampling; returns the stop function. The timer does not keep the process alive. */
export function startSampler(store: AudienceStore, everyMs: number, now: () => number = Date.now): () => void {
  const timer = setInterval(() => {
    const slot = now() - (now() % everyMs);
    sampleAllChannels(store, slot).catch(() => {});
  }, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
