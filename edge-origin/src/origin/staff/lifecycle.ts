// The life of an event, as the staff drive it: scheduled → live → ended → published, and
// cancelled from scheduled. Pure functions: given the stored record and the clock, the next
// record or a 409 StaffError saying why not.
import { liveEdge } from '../../../../shared/hls/live-clock.ts';
import type { LiveClockConfig } from '../../../../shared/hls/live-clock.ts';
import type { EventStatus } from '../../../../shared/catalog/types.ts';
import type { StoredEvent } from '../store/records.ts';
import { StaffError } from '../http/api-errors.ts';

const STATUS_LABEL: Record<EventStatus, string> = {
  scheduled: 'programmé',
  live: 'en direct',
  ended: 'terminé',
  published: 'publié',
  cancelled: 'annulé',
};

function refuse(event: StoredEvent, code: string, why: string): never {
  throw new StaffError(409, code, `${why} (« ${event.title} » est ${STATUS_LABEL[event.status]})`);
}

export function reschedule(event: StoredEvent, startsAt: string, endsAt: string): StoredEvent {
  if (event.status === 'ended' || event.status === 'published')
    refuse(event, 'not_reschedulable', 'Un événement terminé ne peut pas être reprogrammé');
  if (event.status === 'live')
    refuse(event, 'not_reschedulable', 'Un direct en cours ne peut pas être reprogrammé : arrêtez-le d’abord');
  if (event.status === 'cancelled')
    refuse(event, 'not_reschedulable', 'Un événement annulé ne peut pas être reprogrammé');
  return { ...event, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString() };
}

export function cancel(event: StoredEvent): StoredEvent {
  if (event.status === 'live')
    refuse(event, 'not_cancellable', 'Un direct en cours ne peut pas être annulé : arrêtez-le d’abord');
  if (event.status !== 'scheduled') refuse(event, 'not_cancellable', 'Seul un événement programmé peut être annulé');
  return { ...event, status: 'cancelled' };
}

/** `sponsorId: null` takes the event's sponsor away (so that sponsor can be deleted). */
export function edit(
  event: StoredEvent,
  patch: Partial<Pick<StoredEvent, 'title' | 'venue' | 'description' | 'poster'>> & {
    sponsorId?: string | null | undefined;
  },
): StoredEvent {
  if (event.status === 'cancelled') refuse(event, 'not_editable', 'Un événement annulé ne peut plus être modifié');
  const { sponsorId, ...rest } = patch;
  const after: StoredEvent = { ...event, ...rest };
  if (sponsorId) after.sponsorId = sponsorId;
  else if (sponsorId === null) delete after.sponsorId;
  return after;
}

/**
 * Going on air: the recording starts with the segment being produced now; `producing` is that
 * segment when the channel's timeline knows better than the clock (a feed's phase).
 */
export function start(
  event: StoredEvent,
  nowMs: number,
  clock: LiveClockConfig,
  producing = liveEdge(nowMs, clock) + 1,
): StoredEvent {
  if (event.status === 'live')
    refuse(event, 'already_live', 'Le direct a déjà commencé : il ne peut pas démarrer deux fois');
  if (event.status !== 'scheduled') refuse(event, 'not_startable', 'Seul un événement programmé peut passer en direct');
  return {
    ...event,
    status: 'live',
    startedAt: new Date(nowMs).toISOString(),
    recording: { channelId: event.channelId, firstSequence: producing },
  };
}

/**
 * Off air: the recording ends with the newest segment published (at least one segment);
 * `edge` is that segment when the channel's timeline knows better than the clock (a feed's slot
 * still waiting for its segment is not published yet).
 */
export function stop(
  event: StoredEvent,
  nowMs: number,
  clock: LiveClockConfig,
  edge = liveEdge(nowMs, clock),
): StoredEvent {
  if (event.status !== 'live' || !event.recording)
    refuse(event, 'not_live', 'Ce direct n’est pas en cours : il ne peut pas être arrêté');
  const first = event.recording.firstSequence;
  return {
    ...event,
    status: 'ended',
    endedAt: new Date(nowMs).toISOString(),
    recording: { ...event.recording, lastSequence: Math.max(first, edge) },
  };
}

export function checkPublishable(event: StoredEvent): {
  channelId: StoredEvent['channelId'];
  firstSequence: number;
  lastSequence: number;
} {
  if (event.status === 'published') refuse(event, 'already_published', 'Le replay de cet événement est déjà publié');
  if (event.status !== 'ended' || event.recording?.lastSequence === undefined)
    refuse(event, 'not_ended', 'Le replay se publie quand le direct est terminé');
  return {
    channelId: event.recording.channelId,
    firstSequence: event.recording.firstSequence,
    lastSequence: event.recording.lastSequence,
  };
}
