// The staff API as the régie uses it: typed answers, the token from the session (shared with the
// other staff pages), errors carrying the API's own message.
import type { ChannelIngestStatus } from '../../ingest/status.ts';
import type {
  Chapter,
  EventStatus,
  Highlight,
  LiveEvent,
  Page,
  Replay,
  Sponsor,
} from '../../../../../shared/catalog/types.ts';
import type { CampaignReport, EventReport } from '../../audience/report.ts';
import type { Creative } from '../../ads/creatives.ts';
import type { AuditEntry, StaffRole, StaffTokenRecord } from '../../store/records.ts';
import type { AdBreak, Campaign } from '../../ads/model.ts';
import type { Contribution, ContributionSettings, ContributionState } from '../../contributions/model.ts';
// The answers' types are the server's own (type-only imports, nothing of the server is bundled).
export type { IngestState } from '../../ingest/status.ts';
export type ChannelIngest = ChannelIngestStatus;

export interface IngestDetails extends ChannelIngest {
  streamKey: string;
  urls: { srt?: string; rtmp?: { server: string; streamKey: string; url: string } };
}

export type { Chapter, EventStatus, Highlight, LiveEvent, Page, Replay } from '../../../../../shared/catalog/types.ts';

/** An event as the staff see it: the TV's view plus the stored status (what the actions depend on). */
export interface StaffEvent extends LiveEvent {
  storedStatus: EventStatus;
}

export type Role = StaffRole;
export type StaffToken = Omit<StaffTokenRecord, 'hash'>;
export type { AuditEntry } from '../../store/records.ts';

export interface EventFields {
  title: string;
  venue: string;
  description: string;
  poster?: string;
  /** null: no sponsor any more. */
  sponsorId?: string | null;
}

export interface PublishFields {
  title?: string;
  description?: string;
  poster?: string;
  chapters?: Chapter[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'citetv-staff-token';
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * One call: JSON in (when a body is given, or raw bytes with their own type), JSON out;
 * `no-store` so an edit shows at once.
 */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.token() ?? ''}` };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    headers['content-type'] = body.type || 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    cache: 'no-store',
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok) throw new ApiError(response.status, answer?.error?.message ?? `HTTP ${response.status}`);
  return answer as T;
}

/** Every page of a public paged list (`{ items, next }`), newest first as the API gives them. */
async function allPages<T>(path: string): Promise<T[]> {
  const all: T[] = [];
  let next: string | null = `/api/v1${path}`;
  for (let pages = 0; next && pages < 50; pages++) {
    const page: Page<T> = await call<Page<T>>('GET', next.replace(/^\/api\/v1/, ''));
    all.push(...page.items);
    next = page.next;
  }
  return all;
}

export type { AdBreak, Campaign } from '../../ads/model.ts';

export interface AudienceNow {
  at: string;
  channels: { channelId: string; viewers: number; eventId?: string }[];
}

export type { CampaignReport, EventReport } from '../../audience/report.ts';
export type { Creative } from '../../ads/creatives.ts';

/** A sponsor as the staff list gives it: with what uses it (a sponsor in use is not deleted). */
export interface StaffSponsor extends Sponsor {
  usedBy: { events: { id: string; title: string }[]; campaigns: { id: string; name: string }[] };
}
export type CampaignFields = Omit<Campaign, 'id' | 'createdAt'>;
export interface Unpublished {
  id: string;
  highlightsRemoved: string[];
  breaksRemoved: number;
  eventId: string | null;
}

export type { ContributionSettings, ContributionState } from '../../contributions/model.ts';

/**
 * A spectator's contribution as moderators see it (contributions/staff-routes.ts staffView): the photo's served URL.
 */
export interface StaffContribution extends Omit<Contribution, 'codeHash' | 'addressHash' | 'photo'> {
  photo: string;
  width: number;
  height: number;
}

/** An event's moderation queue: its window (null until staff set one), the counts, every item newest first. */
export interface ContributionQueue {
  settings: ContributionSettings | null;
  counts: Record<ContributionState, number>;
  items: StaffContribution[];
  lastEventId: string;
}

const contribution = (id: string, action: string) => `/staff/contributions/${encodeURIComponent(id)}/${action}`;

export const api = {
  campaigns: async () => (await call<{ campaigns: Campaign[] }>('GET', '/staff/ads/campaigns')).campaigns,
  creatives: async () => (await call<{ creatives: Creative[] }>('GET', '/staff/ads/creatives')).creatives,
  createCampaign: (input: CampaignFields) => call<Campaign>('POST', '/staff/ads/campaigns', input),
  editCampaign: (id: string, patch: Partial<CampaignFields>) =>
    call<Campaign>('PATCH', `/staff/ads/campaigns/${encodeURIComponent(id)}`, patch),
  breaks: async () => (await call<{ breaks: AdBreak[] }>('GET', '/staff/ads/breaks')).breaks,
  launchBreak: (eventId: string, durationSeconds: number) =>
    call<AdBreak>('POST', `/staff/ads/events/${encodeURIComponent(eventId)}/breaks`, { durationSeconds }),
  replayBreak: (replayId: string, durationSeconds: number, chapter: number | undefined) =>
    call<AdBreak>('POST', `/staff/ads/replays/${encodeURIComponent(replayId)}/breaks`, {
      durationSeconds,
      ...(chapter === undefined ? {} : { chapter }),
    }),
  cancelBreak: (id: string) => call<AdBreak>('DELETE', `/staff/ads/breaks/${encodeURIComponent(id)}`),
  sponsors: async () => (await call<{ sponsors: StaffSponsor[] }>('GET', '/staff/sponsors')).sponsors,
  createSponsor: (input: { name: string; url: string; logo?: string; channelIds?: string[] }) =>
    call<Sponsor>('POST', '/staff/sponsors', input),
  editSponsor: (id: string, patch: { name?: string; url?: string; logo?: string; channelIds?: string[] }) =>
    call<Sponsor>('PATCH', `/staff/sponsors/${encodeURIComponent(id)}`, patch),
  deleteSponsor: (id: string) => call<null>('DELETE', `/staff/sponsors/${encodeURIComponent(id)}`),
  audienceNow: () => call<AudienceNow>('GET', '/staff/audience/now'),
  eventReport: (eventId: string) =>
    call<EventReport>('GET', `/staff/audience/events/${encodeURIComponent(eventId)}/report`),
  campaignReport: (id: string) =>
    call<CampaignReport>('GET', `/staff/audience/campaigns/${encodeURIComponent(id)}/report`),
  events: async () => (await call<{ events: StaffEvent[] }>('GET', '/staff/events')).events,
  schedule: (input: EventFields & { channelId: string; startsAt: string; endsAt: string }) =>
    call<StaffEvent>('POST', '/staff/events', input),
  editEvent: (id: string, patch: Partial<EventFields>) =>
    call<StaffEvent>('PATCH', `/staff/events/${encodeURIComponent(id)}`, patch),
  reschedule: (id: string, times: { startsAt: string; endsAt: string }) =>
    call<StaffEvent>('POST', `/staff/events/${encodeURIComponent(id)}/reschedule`, times),
  start: (id: string) => call<StaffEvent>('POST', `/staff/events/${encodeURIComponent(id)}/start`, {}),
  stop: (id: string) => call<StaffEvent>('POST', `/staff/events/${encodeURIComponent(id)}/stop`, {}),
  cancel: (id: string) => call<StaffEvent>('POST', `/staff/events/${encodeURIComponent(id)}/cancel`, {}),
  publish: (id: string, fields: PublishFields) =>
    call<Replay>('POST', `/staff/events/${encodeURIComponent(id)}/publish`, fields),
  replays: () => allPages<Replay>('/replays?limit=100'),
  editReplay: (id: string, patch: PublishFields) =>
    call<Replay>('PATCH', `/staff/replays/${encodeURIComponent(id)}`, patch),
  unpublishReplay: (id: string) => call<Unpublished>('DELETE', `/staff/replays/${encodeURIComponent(id)}`),
  highlights: () => allPages<Highlight>('/highlights?limit=100'),
  cutHighlight: (input: { replayId: string; title: string; in: number; out: number }) =>
    call<Highlight>('POST', '/staff/highlights', input),
  editHighlight: (id: string, patch: { title?: string; in?: number; out?: number }) =>
    call<Highlight>('PATCH', `/staff/highlights/${encodeURIComponent(id)}`, patch),
  deleteHighlight: (id: string) => call<null>('DELETE', `/staff/highlights/${encodeURIComponent(id)}`),
  uploadPoster: (file: File) => call<{ poster: string; hero: string }>('POST', '/staff/posters', file),
  tokens: async () => (await call<{ tokens: StaffToken[] }>('GET', '/staff/tokens')).tokens,
  createToken: (input: { label: string; role: Role }) =>
    call<StaffToken & { token: string }>('POST', '/staff/tokens', input),
  revokeToken: (id: string) => call<StaffToken>('DELETE', `/staff/tokens/${encodeURIComponent(id)}`),
  audit: (offset: number, limit: number) =>
    call<Page<AuditEntry>>('GET', `/staff/audit?offset=${offset}&limit=${limit}`),
  ingest: () => call<{ channels: ChannelIngest[] }>('GET', '/staff/ingest'),
  ingestDetails: (channel: string) => call<IngestDetails>('GET', `/staff/ingest/${channel}`),
  rotateKey: (channel: string) => call<IngestDetails>('POST', `/staff/ingest/${channel}/key`),
  contributions: (eventId: string) =>
    call<ContributionQueue>('GET', `/staff/contributions/events/${encodeURIComponent(eventId)}`),
  contributionSettings: (eventId: string, settings: { opensAt: string; closesAt: string; trusted: boolean }) =>
    call<ContributionSettings>('PUT', `/staff/contributions/events/${encodeURIComponent(eventId)}/settings`, settings),
  moderate: (id: string, decision: 'approve' | 'reject') => call<StaffContribution>('POST', contribution(id, decision)),
  pin: (id: string, pinned: boolean) => call<StaffContribution>('POST', contribution(id, 'pin'), { pinned }),
  banDevice: (id: string) => call<{ banned: string; rejected: number }>('POST', contribution(id, 'ban')),
  deleteContribution: (id: string) => call<null>('DELETE', `/staff/contributions/${encodeURIComponent(id)}`),
  /** A contribution's photo whatever its state (a rejected one is served to staff only): its bytes. */
  contributionPhoto: async (id: string): Promise<Blob> => {
    const response = await fetch(`/api/v1${contribution(id, 'photo')}`, {
      headers: { authorization: `Bearer ${session.token() ?? ''}` },
      cache: 'no-store',
    });
    if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
    return response.blob();
  },
  liveEvents: async () =>
    (await call<{ items: LiveEvent[] }>('GET', '/events?limit=100')).items.filter((e) => e.status === 'live'),
};
