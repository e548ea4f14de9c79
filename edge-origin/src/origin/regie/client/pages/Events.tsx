// « Directs »: schedule a live, and per event the actions its stored status allows (as the API
// does, staff/lifecycle.ts): start, « Arrêter le direct » and « Annuler » (each confirmed first),
// publish the replay (title, description, poster, chapters « m:ss Titre »), edit (with the event's
// sponsor, or none), reschedule.
// One form is open at a time, under its event's row; the list refreshes itself every 5 s.
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { EventFields, StaffEvent, StaffSponsor } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { isoFromLocal, localInput, parseChapters, timeRange } from '../time.ts';
import {
  ActionButton,
  field,
  FormButtons,
  FormRow,
  OpenButton,
  PosterField,
  TableHead,
  useAction,
  useLoaded,
  useRegie,
  useRowForm,
  useSubmit,
} from '../ui.tsx';

const T = TEXT.events;
type FormKind = 'edit' | 'reschedule' | 'publish';

const canEdit = (e: StaffEvent) => e.storedStatus !== 'cancelled';
const canReschedule = (e: StaffEvent) => e.storedStatus === 'scheduled';

export function EventsPage() {
  const { data, reload } = useLoaded(async () => {
    const [events, sponsors] = await Promise.all([api.events(), api.sponsors()]);
    return { events, sponsors };
  }, 5000);
  const events = data?.events ?? null;
  const sponsors = data?.sponsors ?? [];
  const rows = useRowForm<FormKind>();
  const act = useAction(reload);

  return (
    <>
      <ScheduleForm reload={reload} />
      <h2 id="events-title">{T.listTitle}</h2>
      <table aria-labelledby="events-title">
        <TableHead columns={[TEXT.channel, T.titleVenue, T.times, T.state, TEXT.actions]} />
        <tbody data-testid="events">
          {events === null && (
            <tr>
              <td colSpan={5}>{TEXT.loading}</td>
            </tr>
          )}
          {(events ?? [])
            .slice()
            .reverse()
            .flatMap((e) => [
              <tr key={e.id} data-row={e.id} data-testid="event-row" data-event-id={e.id}>
                <td>{CHANNEL_NAMES[e.channelId] ?? e.channelId}</td>
                <td>
                  <span data-testid="event-title">{e.title}</span>
                  {e.venue && (
                    <>
                      <br />
                      <small class="muted" data-testid="event-venue">
                        {e.venue}
                      </small>
                    </>
                  )}
                </td>
                <td data-testid="event-times">{timeRange(e.startsAt, e.endsAt)}</td>
                <td data-testid="status" class={e.status === 'live' ? 'live' : ''}>
                  {T.status[e.status]}
                </td>
                <td>
                  <div class="actions">
                    {e.storedStatus === 'scheduled' && (
                      <ActionButton
                        act={act}
                        label={T.start}
                        testid="start"
                        run={async () => {
                          await api.start(e.id);
                          return T.started(e.title);
                        }}
                      />
                    )}
                    {e.storedStatus === 'live' && (
                      <ActionButton
                        act={act}
                        label={T.stop}
                        testid="stop"
                        danger
                        confirm={T.confirmStop(e.title)}
                        run={async () => {
                          await api.stop(e.id);
                          return T.stopped(e.title);
                        }}
                      />
                    )}
                    {e.storedStatus === 'ended' && (
                      <OpenButton
                        expanded={rows.isOpen(e.id, 'publish')}
                        onClick={() => rows.toggle(e.id, 'publish')}
                        label={T.publish}
                        testid="publish"
                      />
                    )}
                    {e.storedStatus === 'scheduled' && (
                      <ActionButton
                        act={act}
                        label={T.cancel}
                        testid="cancel"
                        danger
                        confirm={T.confirmCancel(e.title)}
                        run={async () => {
                          await api.cancel(e.id);
                          return T.cancelled(e.title);
                        }}
                      />
                    )}
                    {canEdit(e) && (
                      <OpenButton expanded={rows.isOpen(e.id, 'edit')} onClick={() => rows.toggle(e.id, 'edit')} />
                    )}
                    {canReschedule(e) && (
                      <OpenButton
                        expanded={rows.isOpen(e.id, 'reschedule')}
                        onClick={() => rows.toggle(e.id, 'reschedule')}
                        label={T.reschedule}
                        testid="reschedule"
                      />
                    )}
                    {(e.status === 'live' || e.status === 'scheduled') && (
                      <a href={`#/ecran?event=${encodeURIComponent(e.id)}`} data-testid="screen-link">
                        {T.screen}
                      </a>
                    )}
                    {e.replayId && (
                      <a href="#/replays" data-testid="replay-link">
                        {T.seeReplay}
                      </a>
                    )}
                  </div>
                </td>
              </tr>,
              rows.open?.id === e.id ? (
                <FormRow key={`${e.id}-form`} of={e.id} colSpan={5} testid="event-form-row">
                  {rows.open.kind === 'edit' && (
                    <EditForm event={e} sponsors={sponsors} reload={reload} close={() => rows.close(e.id)} />
                  )}
                  {rows.open.kind === 'reschedule' && (
                    <RescheduleForm event={e} reload={reload} close={() => rows.close(e.id)} />
                  )}
                  {rows.open.kind === 'publish' && (
                    <PublishForm event={e} reload={reload} close={() => rows.close(e.id)} />
                  )}
                </FormRow>
              ) : null,
            ])
            .filter((row) => row !== null)}
        </tbody>
      </table>
    </>
  );
}

function ScheduleForm({ reload }: { reload: () => Promise<void> }) {
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        const created = await api.schedule({
          channelId: field(form, 'channelId'),
          title: field(form, 'title'),
          venue: field(form, 'venue'),
          description: field(form, 'description'),
          startsAt: isoFromLocal(field(form, 'startsAt')),
          endsAt: isoFromLocal(field(form, 'endsAt')),
        });
        return T.scheduled(created.title);
      },
      () => form.reset(),
    );
  };
  return (
    <form onSubmit={onSubmit} data-testid="schedule-form" aria-labelledby="schedule-title" class="card">
      <h2 id="schedule-title">{T.scheduleTitle}</h2>
      <label>
        {TEXT.channel}{' '}
        <select name="channelId" data-testid="channel">
          {Object.entries(CHANNEL_NAMES).map(([id, name]) => (
            <option value={id}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        {TEXT.titleField} <input name="title" required maxlength={120} data-testid="title" />
      </label>
      <label>
        {T.venue} <input name="venue" maxlength={120} data-testid="venue" />
      </label>
      <br />
      <label>
        {T.startsAt} <input name="startsAt" type="datetime-local" required data-testid="starts" />
      </label>
      <label>
        {T.endsAt} <input name="endsAt" type="datetime-local" required data-testid="ends" />
      </label>
      <br />
      <label class="block">
        {TEXT.description}
        <textarea name="description" maxlength={2000} rows={2} cols={80} data-testid="description" />
      </label>
      <button type="submit" data-testid="schedule">
        {T.schedule}
      </button>
    </form>
  );
}

function EditForm({
  event,
  sponsors,
  reload,
  close,
}: {
  event: StaffEvent;
  sponsors: StaffSponsor[];
  reload: () => Promise<void>;
  close: () => void;
}) {
  // What the form shows is the event as it was when opened: a refresh does not overwrite typing.
  const [initial] = useState(event);
  const [poster, setPoster] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = useSubmit(reload);
  const { say } = useRegie();
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const patch: Partial<EventFields> = {};
    for (const key of ['title', 'venue', 'description'] as const)
      if (field(form, key) !== initial[key]) patch[key] = field(form, key);
    const sponsorId = field(form, 'sponsorId');
    if (sponsorId !== (initial.sponsorId ?? '')) patch.sponsorId = sponsorId || null;
    if (poster && poster !== initial.poster) patch.poster = poster;
    if (Object.keys(patch).length === 0) return say(TEXT.nothingChanged, true);
    void submit(async () => T.edited((await api.editEvent(event.id, patch)).title), close);
  };
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="event-form" aria-label={T.editTitle(initial.title)}>
      <strong>{T.editTitle(initial.title)}</strong>
      <br />
      <label>
        {TEXT.titleField}{' '}
        <input name="title" required maxlength={120} size={40} value={initial.title} data-testid="edit-title" />
      </label>
      <label>
        {T.venue} <input name="venue" maxlength={120} size={30} value={initial.venue} data-testid="edit-venue" />
      </label>
      <label>
        {T.sponsor}{' '}
        <select name="sponsorId" data-testid="edit-sponsor">
          <option value="">{TEXT.sponsors.none}</option>
          {sponsors.map((s) => (
            <option value={s.id} selected={s.id === initial.sponsorId}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <br />
      <label class="block">
        {TEXT.description}
        <textarea name="description" maxlength={2000} rows={3} cols={80} data-testid="edit-description">
          {initial.description}
        </textarea>
      </label>
      <PosterField current={initial.poster} onPoster={setPoster} onBusy={setBusy} />
      <FormButtons busy={busy} close={close} />
    </form>
  );
}

function RescheduleForm({
  event,
  reload,
  close,
}: {
  event: StaffEvent;
  reload: () => Promise<void>;
  close: () => void;
}) {
  const [initial] = useState(event);
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(async () => {
      const moved = await api.reschedule(event.id, {
        startsAt: isoFromLocal(field(form, 'startsAt')),
        endsAt: isoFromLocal(field(form, 'endsAt')),
      });
      return T.rescheduled(moved.title, timeRange(moved.startsAt, moved.endsAt));
    }, close);
  };
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="event-form" aria-label={T.rescheduleTitle(initial.title)}>
      <strong>{T.rescheduleTitle(initial.title)}</strong>
      <br />
      <label>
        {T.startsAt}{' '}
        <input
          name="startsAt"
          type="datetime-local"
          required
          value={localInput(initial.startsAt)}
          data-testid="reschedule-starts"
        />
      </label>
      <label>
        {T.endsAt}{' '}
        <input
          name="endsAt"
          type="datetime-local"
          required
          value={localInput(initial.endsAt)}
          data-testid="reschedule-ends"
        />
      </label>
      <FormButtons busy={false} close={close} />
    </form>
  );
}

function PublishForm({ event, reload, close }: { event: StaffEvent; reload: () => Promise<void>; close: () => void }) {
  const [initial] = useState(event);
  const [poster, setPoster] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(async () => {
      const chapters = parseChapters(String(new FormData(form).get('chapters') ?? ''));
      const replay = await api.publish(event.id, {
        title: field(form, 'title'),
        description: field(form, 'description'),
        ...(poster ? { poster } : {}),
        ...(chapters.length ? { chapters } : {}),
      });
      return T.published(replay.title, chapters.length);
    }, close);
  };
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="event-form" aria-label={T.publishTitle(initial.title)}>
      <strong>{T.publishTitle(initial.title)}</strong>
      <br />
      <label>
        {TEXT.titleField}{' '}
        <input name="title" required maxlength={120} size={50} value={initial.title} data-testid="publish-title" />
      </label>
      <br />
      <label class="block">
        {TEXT.description}
        <textarea name="description" maxlength={2000} rows={3} cols={80} data-testid="publish-description">
          {initial.description}
        </textarea>
      </label>
      <label class="block">
        {TEXT.chapters.label}
        <textarea name="chapters" rows={5} cols={60} data-testid="chapters" placeholder={TEXT.chapters.placeholder} />
      </label>
      <PosterField current={initial.poster} onPoster={setPoster} onBusy={setBusy} />
      <FormButtons busy={busy} close={close} />
    </form>
  );
}
