// Sponsor reports: what a sponsor paid for, per event and per campaign — audience (peak and
// average concurrent viewers, minutes watched, viewers over time) and ad impressions (start,
// quartiles, complete; completion rate).
import type { Sponsor } from '../../../../shared/catalog/types.ts';
import type { AdsService, ImpressionCounts } from '../ads/service.ts';
import { completionRate, tallyScopes } from '../ads/service.ts';
import type { Campaign } from '../ads/model.ts';
import type { StoredEvent } from '../store/records.ts';
import type { AudienceSample, AudienceStore } from './audience-store.ts';

export interface AudienceFigures {
  /** The window measured: the event on air (staff start/stop, else its timetable). */
  from: string;
  to: string;
  peak: number;
  peakAt: string | null;
  /** Mean of the samples taken in the window. */
  average: number;
  minutesWatched: number;
  samples: AudienceSample[];
}

export interface EventReport {
  event: { id: string; title: string; channelId: string; status: string };
  sponsor: Sponsor | null;
  audience: AudienceFigures;
  /** Every spot played in the event's breaks, all campaigns and the promo together. */
  impressions: ImpressionCounts;
  completionRate: number | null;
  campaigns: { campaignId: string; name: string; impressions: ImpressionCounts; completionRate: number | null }[];
}

export interface CampaignReport {
  campaign: Campaign;
  sponsor: Sponsor | null;
  impressions: ImpressionCounts;
  completionRate: number | null;
  events: (EventReport['event'] & {
    audience: Omit<AudienceFigures, 'samples'>;
    impressions: ImpressionCounts;
    completionRate: number | null;
  })[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function eventWindow(event: StoredEvent, nowMs: number): { from: number; to: number } {
  const from = Date.parse(event.startedAt ?? event.startsAt);
  const to = Date.parse(event.endedAt ?? event.endsAt);
  return { from, to: Math.min(to, Math.max(from, nowMs)) };
}

export async function eventAudience(store: AudienceStore, event: StoredEvent, nowMs: number): Promise<AudienceFigures> {
  const { from, to } = eventWindow(event, nowMs);
  const samples = await store.series(event.channelId, from, to);
  let peak = 0;
  let peakAt: number | null = null;
  for (const s of samples) {
    if (s.viewers > peak) {
      peak = s.viewers;
      peakAt = s.at;
    }
  }
  const average = samples.length ? round1(samples.reduce((sum, s) => sum + s.viewers, 0) / samples.length) : 0;
  const minutesWatched = round1((await store.watchedMs(event.channelId, from, to)) / 60_000);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    peak,
    peakAt: peakAt === null ? null : new Date(peakAt).toISOString(),
    average,
    minutesWatched,
    samples,
  };
}

export interface ReportDeps {
  ads: AdsService;
  audience: AudienceStore;
  now: () => number;
}

function eventSummary(e: StoredEvent): EventReport['event'] {
  return { id: e.id, title: e.title, channelId: e.channelId, status: e.status };
}

export async function eventReport(deps: ReportDeps, event: StoredEvent): Promise<EventReport> {
  const store = deps.ads.store;
  const sponsor = event.sponsorId ? await store.get('sponsors', event.sponsorId) : null;
  const campaigns = await store.list('campaigns');
  const rows = [];
  for (const c of [...campaigns, { id: 'promo', name: 'Autopromotion Cité TV' }]) {
    const impressions = await deps.ads.impressions(tallyScopes.eventCampaign(event.id, c.id));
    if (impressions.start || impressions.complete)
      rows.push({ campaignId: c.id, name: c.name, impressions, completionRate: completionRate(impressions) });
  }
  const impressions = await deps.ads.impressions(tallyScopes.event(event.id));
  return {
    event: eventSummary(event),
    sponsor,
    audience: await eventAudience(deps.audience, event, deps.now()),
    impressions,
    completionRate: completionRate(impressions),
    campaigns: rows,
  };
}

export async function campaignReport(deps: ReportDeps, campaign: Campaign): Promise<CampaignReport> {
  const store = deps.ads.store;
  const { impressions, completionRate: rate, byEvent } = await deps.ads.campaignImpressions(campaign.id);
  const events = [];
  // The events it played in, and the ones it targets (even before its first impression).
  for (const id of new Set([...byEvent.map((e) => e.eventId), ...(campaign.eventIds ?? [])])) {
    const event = await store.get('events', id);
    if (!event) continue;
    const { samples: _s, ...audience } = await eventAudience(deps.audience, event, deps.now());
    const row = byEvent.find((e) => e.eventId === id);
    const counts = row?.impressions ?? (await deps.ads.impressions(tallyScopes.eventCampaign(id, campaign.id)));
    events.push({ ...eventSummary(event), audience, impressions: counts, completionRate: completionRate(counts) });
  }
  return {
    campaign,
    sponsor: await store.get('sponsors', campaign.sponsorId),
    impressions,
    completionRate: rate,
    events,
  };
}
