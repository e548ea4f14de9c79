// The ads capability in one object: campaigns and breaks (back-office records), the creatives,
// the ledger (decisions, caps, impressions), and the interstitial signals the HLS routes use.
import { liveEdge, segmentStartMs } from '../../../../shared/hls/live-clock.ts';
import { vodPaths } from '../../../../shared/hls/paths.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import { eventStatusAt } from '../catalog/schedule.ts';
import type { EdgePurgeClient } from '../purge/edge-purge-client.ts';
import { StaffError } from '../http/api-errors.ts';
import { commitAudited } from '../http/audited-commit.ts';
import type { StaffActor } from '../http/auth.ts';
import { newId } from '../http/ids.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { Change } from '../store/records.ts';
import type { CreativeLibrary } from './creatives.ts';
import { decideBreak } from './decision.ts';
import type { AdLedger } from './ledger.ts';
import type { AdBreak, Campaign, Decision, ImpressionEvent } from './model.ts';
import { IMPRESSION_EVENTS } from './model.ts';
import { InterstitialSignals } from './signaling.ts';

export interface AdsDeps {
  store: RecordStore;
  ledger: AdLedger;
  creatives: CreativeLibrary;
  clock: LiveClockConfig;
  now: () => number;
  purger: EdgePurgeClient;
}

export type ImpressionCounts = Record<ImpressionEvent, number>;

export const tallyScopes = {
  campaign: (campaignId: string) => `campaign:${campaignId}`,
  eventCampaign: (eventId: string, campaignId: string) => `event:${eventId}:${campaignId}`,
  event: (eventId: string) => `event:${eventId}`,
};

export class AdsService {
  readonly store: RecordStore;
  readonly ledger: AdLedger;
  readonly creatives: CreativeLibrary;
  readonly signals: InterstitialSignals;
  readonly now: () => number;

  constructor(readonly deps: AdsDeps) {
    this.store = deps.store;
    this.ledger = deps.ledger;
    this.creatives = deps.creatives;
    this.now = deps.now;
    this.signals = new InterstitialSignals(deps.store, deps.now);
  }

  async decide(adBreak: AdBreak, viewerId: string): Promise<Decision> {
    const campaigns = await this.store.list('campaigns');
    return decideBreak(adBreak, viewerId, campaigns, {
      ledger: this.ledger,
      creatives: this.creatives,
      nowMs: this.now(),
    });
  }

  /** Records one impression event, once: `recorded` the first time, `duplicate` after. */
  async track(
    breakId: string,
    viewerId: string,
    creativeId: string,
    event: ImpressionEvent,
  ): Promise<'recorded' | 'duplicate' | 'unknown'> {
    const decision = await this.ledger.decision(breakId, viewerId);
    const ad = decision?.ads.find((a) => a.creativeId === creativeId);
    if (!decision || !ad) return 'unknown';
    const campaign = ad.campaignId ?? 'promo';
    const tallies = [tallyScopes.campaign(campaign)];
    if (decision.eventId)
      tallies.push(tallyScopes.eventCampaign(decision.eventId, campaign), tallyScopes.event(decision.eventId));
    return (await this.ledger.recordImpression({ breakId, viewerId, creativeId, event }, tallies))
      ? 'recorded'
      : 'duplicate';
  }

  /** The viewer saw every spot of this break to the end (a replay's break played once). */
  async watchedWholeBreak(decision: Decision): Promise<boolean> {
    if (decision.ads.length === 0) return false;
    for (const ad of decision.ads) {
      if (
        !(await this.ledger.hasImpression({
          breakId: decision.breakId,
          viewerId: decision.viewerId,
          creativeId: ad.creativeId,
          event: 'complete',
        }))
      )
        return false;
    }
    return true;
  }

  async impressions(scope: string): Promise<ImpressionCounts> {
    const t = await this.ledger.tally(scope);
    return Object.fromEntries(IMPRESSION_EVENTS.map((e) => [e, t[e] ?? 0])) as ImpressionCounts;
  }

  /** A campaign's impressions, overall and per event it ran in, with its completion rate. */
  async campaignImpressions(campaignId: string): Promise<{
    impressions: ImpressionCounts;
    completionRate: number | null;
    byEvent: { eventId: string; impressions: ImpressionCounts; completionRate: number | null }[];
  }> {
    const impressions = await this.impressions(tallyScopes.campaign(campaignId));
    const eventIds = new Set(
      (await this.store.list('adBreaks')).map((b) => b.target.eventId).filter((e): e is string => !!e),
    );
    const byEvent = [];
    for (const eventId of [...eventIds].sort()) {
      const counts = await this.impressions(tallyScopes.eventCampaign(eventId, campaignId));
      if (counts.start || counts.complete)
        byEvent.push({ eventId, impressions: counts, completionRate: completionRate(counts) });
    }
    return { impressions, completionRate: completionRate(impressions), byEvent };
  }

  // ---- staff writes ------------------------------------------------------------------------

  async #commit(
    actor: StaffActor,
    action: string,
    change: Change,
    target: { kind: string; id: string },
    detail: unknown,
  ): Promise<void> {
    await commitAudited(this.store, change, { at: new Date(this.now()).toISOString(), actor, action, target, detail });
    this.signals.invalidate();
  }

  /** The sponsor and the spot a campaign names must exist (400 on the field), its end follow its start. */
  async #checkCampaign(input: Pick<Campaign, 'sponsorId' | 'creativeId' | 'startsAt' | 'endsAt'>): Promise<void> {
    if (!(await this.store.get('sponsors', input.sponsorId)))
      throw new StaffError(400, 'unknown_sponsor', `Partenaire inconnu : « ${input.sponsorId} »`, 'sponsorId');
    const creative = this.creatives.get(input.creativeId);
    if (creative?.kind !== 'sponsor')
      throw new StaffError(400, 'unknown_creative', `Spot inconnu : « ${input.creativeId} »`, 'creativeId');
    if (Date.parse(input.endsAt) <= Date.parse(input.startsAt))
      throw new StaffError(400, 'invalid_dates', 'La fin doit suivre le début', 'endsAt');
  }

  async createCampaign(actor: StaffActor, input: Omit<Campaign, 'id' | 'createdAt'>): Promise<Campaign> {
    await this.#checkCampaign(input);
    const campaign: Campaign = {
      id: newId(input.name, 'campaign'),
      ...withoutEmptyTargets(input),
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.#commit(
      actor,
      'campaign.create',
      {
        expect: [{ collection: 'campaigns', id: campaign.id, value: null }],
        put: [{ collection: 'campaigns', id: campaign.id, value: campaign }],
      },
      { kind: 'campaign', id: campaign.id },
      input,
    );
    return campaign;
  }

  /**
   * Edits a campaign (any field of its creation, and `paused`: pause or resume it). Breaks decided before keep their
   * spots (a viewer's answer is remembered); the next decisions follow the edit.
   */
  async editCampaign(
    actor: StaffActor,
    id: string,
    patch: Partial<Omit<Campaign, 'id' | 'createdAt'>>,
  ): Promise<Campaign> {
    const before = await this.store.get('campaigns', id);
    if (!before) throw new StaffError(404, 'campaign_not_found', `Campagne inconnue : « ${id} »`, 'id');
    const after = withoutEmptyTargets({ ...before, ...patch });
    await this.#checkCampaign(after);
    const action =
      Object.keys(patch).length === 1 && patch.paused !== undefined
        ? patch.paused
          ? 'campaign.pause'
          : 'campaign.resume'
        : 'campaign.edit';
    await this.#commit(
      actor,
      action,
      {
        expect: [{ collection: 'campaigns', id, value: before }],
        put: [{ collection: 'campaigns', id, value: after }],
      },
      { kind: 'campaign', id },
      patch,
    );
    return after;
  }

  /**
   * Cancels a break not yet on air: a live one before it starts, a replay's pre-roll or mid-roll
   * (the replay's playlists, cached for good on the edges, are purged so it leaves them). A live
   * break already started is refused: viewers are in it.
   */
  async cancelBreak(actor: StaffActor, id: string): Promise<AdBreak> {
    const adBreak = await this.store.get('adBreaks', id);
    if (!adBreak) throw new StaffError(404, 'break_not_found', `Coupure inconnue : « ${id} »`, 'id');
    if (adBreak.target.kind === 'live' && adBreak.startsAt && Date.parse(adBreak.startsAt) <= this.now()) {
      throw new StaffError(
        409,
        'break_started',
        'Cette coupure est déjà à l’antenne (ou passée) : elle ne peut plus être annulée',
      );
    }
    await this.#commit(
      actor,
      'adbreak.cancel',
      { expect: [{ collection: 'adBreaks', id, value: adBreak }], remove: [{ collection: 'adBreaks', id }] },
      { kind: 'adBreak', id },
      { target: adBreak.target },
    );
    if (adBreak.target.kind === 'replay')
      await this.deps.purger.purgePrefixes([vodPaths.root(adBreak.target.replayId)]);
    return adBreak;
  }

  /** A break in a live event, starting now: at the next segment boundary on air. */
  async triggerLiveBreak(actor: StaffActor, eventId: string, durationSeconds: number): Promise<AdBreak> {
    const event = await this.store.get('events', eventId);
    if (!event) throw new StaffError(404, 'event_not_found', `Événement inconnu : « ${eventId} »`, 'id');
    // The stored status, or the timetable for a scheduled event on air (as the catalog shows it).
    if (eventStatusAt(event, this.now()) !== 'live')
      throw new StaffError(409, 'not_live', 'Une coupure en direct n’est possible que pendant le direct');
    const startsAt = segmentStartMs(liveEdge(this.now(), this.deps.clock) + 1, this.deps.clock);
    const adBreak: AdBreak = {
      id: newId(event.title, 'break'),
      target: { kind: 'live', channelId: event.channelId, eventId: event.id },
      startsAt: new Date(startsAt).toISOString(),
      durationSeconds,
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.#commit(
      actor,
      'adbreak.live',
      {
        expect: [{ collection: 'adBreaks', id: adBreak.id, value: null }],
        put: [{ collection: 'adBreaks', id: adBreak.id, value: adBreak }],
      },
      { kind: 'event', id: eventId },
      { durationSeconds },
    );
    return adBreak;
  }

  /** A pre-roll (`chapter` absent) or a mid-roll at the start of chapter `chapter` of a replay. */
  async scheduleReplayBreak(
    actor: StaffActor,
    replayId: string,
    durationSeconds: number,
    chapter?: number,
  ): Promise<AdBreak> {
    const replay = await this.store.get('replays', replayId);
    if (!replay) throw new StaffError(404, 'replay_not_found', `Replay inconnu : « ${replayId} »`, 'id');
    let offset = 0;
    if (chapter !== undefined) {
      const c = replay.chapters[chapter];
      if (!c || c.start <= 0)
        throw new StaffError(
          400,
          'unknown_chapter',
          `Chapitre ${chapter} inconnu ou au tout début (utilisez une pré-publicité)`,
          'chapter',
        );
      // Breaks sit on segment boundaries (the programme is cut there, never mid-segment).
      offset = Math.round(c.start / this.deps.clock.segmentDuration) * this.deps.clock.segmentDuration;
    }
    const existing = (await this.store.list('adBreaks')).find(
      (b) => b.target.kind === 'replay' && b.target.replayId === replayId && b.offset === offset,
    );
    if (existing) throw new StaffError(409, 'break_exists', 'Une coupure existe déjà à cet endroit');
    const adBreak: AdBreak = {
      id: newId(replay.title, 'break'),
      target: { kind: 'replay', replayId, channelId: replay.channelId, eventId: replay.eventId },
      offset,
      durationSeconds,
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.#commit(
      actor,
      'adbreak.replay',
      {
        expect: [{ collection: 'adBreaks', id: adBreak.id, value: null }],
        put: [{ collection: 'adBreaks', id: adBreak.id, value: adBreak }],
      },
      { kind: 'replay', id: replayId },
      { durationSeconds, chapter },
    );
    // Replay playlists are cached for good on the edges: drop them so the new break shows.
    await this.deps.purger.purgePrefixes([vodPaths.root(replayId)]);
    return adBreak;
  }
}

/** Targeting lists given empty mean « everywhere » and are stored absent, like `paused: false`. */
function withoutEmptyTargets<T extends Partial<Campaign>>(campaign: T): T {
  const kept = { ...campaign };
  for (const key of ['channelIds', 'eventIds'] as const) if (!kept[key]?.length) delete kept[key];
  if (!kept.paused) delete kept.paused;
  return kept;
}

/** complete / start, null before any start. */
export function completionRate(counts: ImpressionCounts): number | null {
  return counts.start > 0 ? Math.round((counts.complete / counts.start) * 1000) / 1000 : null;
}
