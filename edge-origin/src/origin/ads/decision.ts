// Ad decision: which spots one viewer gets in one break. Per request, from the campaigns the
// staff entered: eligible ones (dates, channel and event targeting, the viewer's frequency cap)
// by priority, each spot at most once in the break, filled up with the channel promo when no
// campaign fits (or time is left). Decided once per viewer and break, then remembered, so a
// retried asset-list request gets the same answer and counts nothing twice.
import type { Creative, CreativeLibrary } from './creatives.ts';
import type { AdLedger } from './ledger.ts';
import type { AdBreak, Campaign, DecidedAd, Decision } from './model.ts';

/** Slack when filling a break: a 10.04 s spot still fits a 10 s break. */
const FIT_TOLERANCE_SECONDS = 0.5;

/** Campaigns that may run in this break at `nowMs` (not paused), best first (priority, then oldest). */
export function eligibleCampaigns(campaigns: readonly Campaign[], adBreak: AdBreak, nowMs: number): Campaign[] {
  const { channelId, eventId } = adBreak.target;
  return campaigns
    .filter((c) => !c.paused && Date.parse(c.startsAt) <= nowMs && nowMs < Date.parse(c.endsAt))
    .filter((c) => !c.channelIds?.length || c.channelIds.includes(channelId))
    .filter((c) => !c.eventIds?.length || (eventId !== undefined && c.eventIds.includes(eventId)))
    .sort((a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export interface DecideDeps {
  ledger: AdLedger;
  creatives: CreativeLibrary;
  nowMs: number;
}

export async function decideBreak(
  adBreak: AdBreak,
  viewerId: string,
  campaigns: readonly Campaign[],
  deps: DecideDeps,
): Promise<Decision> {
  const remembered = await deps.ledger.decision(adBreak.id, viewerId);
  if (remembered) return remembered;

  const ads: DecidedAd[] = [];
  const taken: Campaign[] = [];
  const used = new Set<string>();
  let filled = 0;
  const fits = (creative: Creative) => filled + creative.duration <= adBreak.durationSeconds + FIT_TOLERANCE_SECONDS;

  for (const campaign of eligibleCampaigns(campaigns, adBreak, deps.nowMs)) {
    const creative = deps.creatives.get(campaign.creativeId);
    if (!creative || used.has(creative.id) || !fits(creative)) continue;
    if (!(await deps.ledger.takeCap(campaign.id, viewerId, campaign.frequencyCap))) continue;
    used.add(creative.id);
    taken.push(campaign);
    ads.push({
      creativeId: creative.id,
      campaignId: campaign.id,
      sponsorId: campaign.sponsorId,
      duration: creative.duration,
    });
    filled += creative.duration;
  }
  const promo = deps.creatives.promo();
  // The promo fills what is left (or the whole break): the channel's own time, never empty air.
  if (promo && !used.has(promo.id) && (ads.length === 0 || fits(promo))) {
    ads.push({ creativeId: promo.id, duration: promo.duration });
  }

  const decision: Decision = {
    breakId: adBreak.id,
    viewerId,
    channelId: adBreak.target.channelId,
    ...(adBreak.target.eventId ? { eventId: adBreak.target.eventId } : {}),
    ads,
    decidedAt: new Date(deps.nowMs).toISOString(),
  };
  // Kept for a day: long after any viewer could still be in the break or send tracking for it.
  const { kept, decision: stored } = await deps.ledger.keepDecision(decision, 24 * 3600);
  if (!kept) {
    // A concurrent request for the same viewer and break decided first: give back our counts.
    for (const c of taken) await deps.ledger.releaseCap(c.id, viewerId);
  }
  return stored;
}
