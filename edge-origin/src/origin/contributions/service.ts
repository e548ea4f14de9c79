// The participative screen's rules, whoever calls them (public-routes.ts for spectators,
// staff-routes.ts for moderators, sweep.ts for retention): the contribution window, the checks of
// a sending (cheapest first: window, address rate, device, ban, text, device rate, event caps,
// then the photo), what is stored, and what the venue screens' feed announces.
import { ID_PATTERN } from '../../../../shared/catalog/ids.ts';
import { sha256Hex } from '../http/ids.ts';
import type { RecordStore } from '../store/record-store.ts';
import { StoreConflictError, StoreUnavailableError } from '../store/records.ts';
import type { Change } from '../store/records.ts';
import { cleanText, visibleLength } from './clean-text.ts';
import type { ContributionsConfig } from './config.ts';
import { log } from '../log/logger.ts';
import type { ContributionFeed, FeedChange } from './feed.ts';
import type { Limiter } from './limiter.ts';
import type { MediaFolder } from './media-folder.ts';
import type { Contribution, ContributionSettings, ContributionState, PublicContribution } from './model.ts';
import { inlineEngine, processPhoto } from './photo.ts';
import type { PhotoEngine } from './photo.ts';
import { PhotoProcess, photoChildScript } from './photo-process.ts';
import { PhotoQueue, PhotoQueueFullError } from './photo-queue.ts';
import { refuse } from './refusals.ts';

export const MAX_MESSAGE = 140;
export const MAX_FIRST_NAME = 30;
const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Per-event caps count over this long: longer than any event and its retention. */
const EVENT_CAP_WINDOW_SECONDS = 90 * 24 * 3600;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export const photoPath = (id: string) => `/contributions/photos/${id}.jpg`;

export interface Sending {
  eventId: string;
  deviceId: string;
  address: string;
  firstName: string;
  message: string;
  termsAccepted: boolean;
  photo: Uint8Array | null;
}

export interface Sent {
  id: string;
  code: string;
  state: ContributionState;
  firstName: string;
  message: string;
}

export interface ContributionsDeps {
  store: RecordStore;
  config: ContributionsConfig;
  limiter: Limiter;
  feed: ContributionFeed;
  media: MediaFolder;
  now: () => number;
}

export function isEventId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function publicView(c: Contribution): PublicContribution {
  return {
    id: c.id,
    firstName: c.firstName,
    message: c.message,
    pinned: c.pinned,
    photo: photoPath(c.id),
    width: c.photo.width,
    height: c.photo.height,
    approvedAt: c.moderatedAt ?? c.createdAt,
  };
}

function randomText(length: number, alphabet: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export class ContributionsService {
  /** The re-encodes, bounded: a flood of photos waits in a short line or is refused (503). */
  readonly photos: PhotoQueue;
  /** Where the multipart bodies are read and the photos decoded (config `photoWorker`). */
  readonly engine: PhotoEngine;

  constructor(readonly deps: ContributionsDeps) {
    const { config } = deps;
    this.photos = new PhotoQueue(config.photoConcurrency, config.photoQueueLength, config.photoDeadlineSeconds * 1000);
    const script = config.photoWorker === 'process' ? photoChildScript() : null;
    if (config.photoWorker === 'process' && !script)
      log.warn('contributions: photo-child.mjs not found: photos re-encoded in the origin process');
    this.engine = script
      ? new PhotoProcess({ script, nice: config.photoNice, threads: config.photoThreads })
      : inlineEngine(config.photoThreads);
  }

  get store(): RecordStore {
    return this.deps.store;
  }

  /** The event and its window, for the phone page; 404 for an unknown event. */
  async eventWindow(eventId: string) {
    const event = isEventId(eventId) ? await this.store.get('events', eventId) : null;
    if (!event) throw refuse.unknownEvent();
    const settings = await this.store.get('contributionSettings', eventId);
    const now = this.deps.now();
    const open = !!settings && Date.parse(settings.opensAt) <= now && now < Date.parse(settings.closesAt);
    return { event, settings, open };
  }

  /** Refuses (403) outside the window. */
  async checkOpen(eventId: string): Promise<ContributionSettings> {
    const { settings, open } = await this.eventWindow(eventId);
    if (!settings) throw refuse.noWindow();
    if (!open)
      throw Date.parse(settings.opensAt) > this.deps.now()
        ? refuse.notYetOpen(settings.opensAt)
        : refuse.closed(settings.closesAt);
    return settings;
  }

  async addressHash(address: string): Promise<string> {
    return (await sha256Hex(new TextEncoder().encode(`contrib:${address}`))).slice(0, 16);
  }

  /** Before the body is read: the window, the photo line (full: 503), then the address's rate. */
  async admit(eventId: string, address: string): Promise<void> {
    await this.checkOpen(eventId);
    const { config, limiter } = this.deps;
    if (this.photos.full) throw refuse.busy(config.busyRetryAfterSeconds);
    const taken = await limiter.take(
      `addr:${await this.addressHash(address)}`,
      1,
      config.perAddressLimit,
      config.rateWindowSeconds,
    );
    if (!taken.allowed) throw refuse.addressRate(taken.retryAfter);
  }

  /** The body's checks, the photo re-encoded and stored; `admit` was called first. */
  async submit(sending: Sending): Promise<Sent> {
    const { config, limiter, media, now } = this.deps;
    const settings = await this.checkOpen(sending.eventId);
    if (!DEVICE_ID.test(sending.deviceId)) throw refuse.badDevice();
    if (await this.store.get('deviceBans', `${sending.eventId}:${sending.deviceId}`)) throw refuse.banned();
    const firstName = cleanText(sending.firstName);
    const message = cleanText(sending.message);
    if (!firstName) throw refuse.missingName();
    if (visibleLength(firstName) > MAX_FIRST_NAME) throw refuse.nameTooLong(MAX_FIRST_NAME);
    if (visibleLength(message) > MAX_MESSAGE) throw refuse.messageTooLong(MAX_MESSAGE);
    if (!sending.termsAccepted) throw refuse.termsNotAccepted();
    if (!sending.photo) throw refuse.missingPhoto();
    // Checked again before anything is counted: a refused sending costs the spectator nothing.
    if (this.photos.full) throw refuse.busy(config.busyRetryAfterSeconds);
    const bytes = sending.photo;
    const work = this.photos.run(async () => {
      // Counted once a slot is theirs: a sending refused for waiting too long costs nothing either.
      const device = await limiter.take(`dev:${sending.deviceId}`, 1, config.perDeviceLimit, config.rateWindowSeconds);
      if (!device.allowed) throw refuse.deviceRate(device.retryAfter);
      const counted = await limiter.take(
        `event:${sending.eventId}:n`,
        1,
        config.perEventLimit,
        EVENT_CAP_WINDOW_SECONDS,
      );
      if (!counted.allowed) throw refuse.eventFull();
      return processPhoto(bytes, config, this.engine);
    });
    // Past the deadline the phone is answered « réessayez »; the re-encode under way keeps its slot
    // until it ends (the line stays bounded) and its result is dropped.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PhotoQueueFullError('past the deadline')),
        config.photoDeadlineSeconds * 1000,
      );
    });
    work.catch(() => {});
    const photo = await Promise.race([work, late])
      .catch((error: unknown) => {
        throw error instanceof PhotoQueueFullError ? refuse.busy(config.busyRetryAfterSeconds) : error;
      })
      .finally(() => clearTimeout(timer));
    const weighed = await limiter.take(
      `event:${sending.eventId}:bytes`,
      photo.jpeg.length,
      config.perEventMaxBytes,
      EVENT_CAP_WINDOW_SECONDS,
    );
    if (!weighed.allowed) throw refuse.eventFull();
    if (!(await media.fits(photo.jpeg.length))) throw refuse.storageFull();

    const id = randomText(22, 'abcdefghijklmnopqrstuvwxyz0123456789');
    const code = randomText(8, CODE_ALPHABET);
    const codeHash = await sha256Hex(new TextEncoder().encode(code));
    const at = new Date(now()).toISOString();
    const file = `${sending.eventId}/${id}.jpg`;
    const contribution: Contribution = {
      id,
      eventId: sending.eventId,
      deviceId: sending.deviceId,
      addressHash: await this.addressHash(sending.address),
      firstName,
      message,
      state: settings.trusted ? 'approved' : 'pending',
      pinned: false,
      createdAt: at,
      ...(settings.trusted ? { moderatedAt: at, moderatedBy: 'trusted' } : {}),
      photo: { file, width: photo.width, height: photo.height, bytes: photo.jpeg.length },
      codeHash,
    };
    await media.write(file, photo.jpeg);
    try {
      await this.commit({
        put: [
          { collection: 'contributions', id, value: contribution },
          { collection: 'contributionCodes', id: codeHash, value: { id: codeHash, contributionId: id } },
        ],
      });
    } catch (error) {
      await media.remove(file);
      throw error;
    }
    if (contribution.state === 'approved')
      await this.tell(sending.eventId, { type: 'approved', item: publicView(contribution) });
    return { id, code: `${code.slice(0, 4)}-${code.slice(4)}`, state: contribution.state, firstName, message };
  }

  /** The spectator's deletion, by the code shown after sending. */
  async deleteByCode(code: string): Promise<void> {
    const hash = await sha256Hex(new TextEncoder().encode(normaliseCode(code)));
    const entry = await this.store.get('contributionCodes', hash);
    const contribution = entry && (await this.store.get('contributions', entry.contributionId));
    if (!contribution) throw refuse.unknownCode();
    await this.forget(contribution);
  }

  /** Record, code and photo gone; screens told if it was on them. */
  async forget(contribution: Contribution): Promise<void> {
    await this.commit({
      remove: [
        { collection: 'contributions', id: contribution.id },
        { collection: 'contributionCodes', id: contribution.codeHash },
      ],
    });
    await this.deps.media.remove(contribution.photo.file);
    if (contribution.state === 'approved')
      await this.tell(contribution.eventId, { type: 'removed', id: contribution.id });
  }

  /** A short code not used by another event: `/p/<code>` leads to the event's phone page. */
  async newShortCode(): Promise<string> {
    const taken = new Set((await this.store.list('contributionSettings')).map((s) => s.shortCode));
    for (;;) {
      const code = randomText(5, 'abcdefghjkmnpqrstuvwxyz23456789');
      if (!taken.has(code)) return code;
    }
  }

  async eventOfShortCode(code: string): Promise<string | null> {
    const settings = await this.store.list('contributionSettings');
    return settings.find((s) => s.shortCode === code.toLowerCase())?.id ?? null;
  }

  /** Retention: what belongs to events whose window closed more than `retentionHours` ago. */
  async sweep(): Promise<number> {
    const { config, now } = this.deps;
    const settings = new Map((await this.store.list('contributionSettings')).map((s) => [s.id, s]));
    const limit = now() - config.retentionHours * 3600_000;
    let deleted = 0;
    for (const item of await this.store.list('contributions')) {
      const closesAt = settings.get(item.eventId)?.closesAt ?? item.createdAt;
      if (Date.parse(closesAt) >= limit) continue;
      await this.forget(item).catch(() => undefined);
      deleted++;
    }
    return deleted;
  }

  async list(eventId: string, state?: ContributionState): Promise<Contribution[]> {
    const all = await this.store.list('contributions');
    return all
      .filter((c) => c.eventId === eventId && (!state || c.state === state))
      .sort((a, b) =>
        state === 'pending' ? a.createdAt.localeCompare(b.createdAt) : b.createdAt.localeCompare(a.createdAt),
      );
  }

  /** What a venue screen shows: approved, pinned first, newest first. */
  async approved(eventId: string): Promise<PublicContribution[]> {
    const items = await this.list(eventId, 'approved');
    return items.sort((a, b) => Number(b.pinned) - Number(a.pinned)).map(publicView);
  }

  /** After a staff write committed: what the screens must learn. */
  async announce(before: Contribution, after: Contribution): Promise<void> {
    if (before.state !== 'approved' && after.state === 'approved')
      await this.tell(after.eventId, { type: 'approved', item: publicView(after) });
    else if (before.state === 'approved' && after.state !== 'approved')
      await this.tell(after.eventId, { type: 'removed', id: after.id });
    else if (after.state === 'approved' && before.pinned !== after.pinned)
      await this.tell(after.eventId, { type: after.pinned ? 'pinned' : 'unpinned', item: publicView(after) });
  }

  /**
   * Into the feed, once the write is committed. A feed that fails (Redis gone) must not turn a
   * stored decision into an error: screens still get it with their next snapshot.
   */
  async tell(eventId: string, change: FeedChange): Promise<void> {
    await this.deps.feed.publish(eventId, change).catch((error: unknown) => {
      log.warn({ err: error, eventId, change: change.type }, 'contributions: feed not told');
    });
  }

  async commit(change: Change): Promise<void> {
    try {
      await this.store.commit(change);
    } catch (error) {
      if (error instanceof StoreConflictError) throw refuse.conflict();
      if (error instanceof StoreUnavailableError) throw refuse.storeUnavailable();
      throw error;
    }
  }
}
