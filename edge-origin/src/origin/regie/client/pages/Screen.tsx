// « Écran géant » (issue #13): an event's participative screen. Choose the event (lives, then the
// upcoming ones; `#/ecran?event=<id>` keeps the choice), set when spectators may send and the trusted
// mode, read the phone page's addresses, open the venue screen (the TV app's `?venue=` mode) and
// copy the broadcast lower third's address for the vision mixer.
// Below, the moderation queue: pending first, oldest first, then the approved; a second view
// (`&vue=refusees`) lists the rejected with their photo (fetched with the staff token: the public
// URL no longer serves it) and approves one after all, a mistake undone.
// The queue is read again every 3 s (new arrivals appear, the focus stays where it was: items are
// keyed by id). With a pending item focused, A approves, R rejects, B bans its device (confirmed
// first), and the focus goes on to the next pending item, so a moderator works through a burst
// from the keyboard. Names and messages are text nodes (hono/jsx escapes them), never markup.
import { useEffect, useRef, useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { ContributionQueue, ContributionSettings, StaffContribution, StaffEvent } from '../api.ts';
import { TEXT } from '../text.ts';
import { dateTime, isoFromLocal, localInput, timeRange } from '../time.ts';
import { ActionButton, field, useAction, useFail, useLoaded, useRegie, useSubmit } from '../ui.tsx';

const T = TEXT.screen;
const QUEUE_EVERY_MS = 3000;

/** The event the hash names (`#/ecran?event=<id>`), if any. */
const eventInHash = (): string => new URLSearchParams(location.hash.split('?')[1] ?? '').get('event') ?? '';
type View = 'file' | 'refusees';
const viewInHash = (): View =>
  new URLSearchParams(location.hash.split('?')[1] ?? '').get('vue') === 'refusees' ? 'refusees' : 'file';
/** `#/ecran?event=<id>[&vue=refusees]`: bookmarkable without a `hashchange` (same page). */
const keepInHash = (event: string, view: View) =>
  history.replaceState(
    null,
    '',
    `#/ecran?event=${encodeURIComponent(event)}${view === 'refusees' ? '&vue=refusees' : ''}`,
  );

/** Lives first, then the upcoming by start; the chosen one stays listed whatever its status. */
function candidates(events: StaffEvent[], chosen: string): StaffEvent[] {
  const rank = (e: StaffEvent) => (e.status === 'live' ? 0 : 1);
  return events
    .filter((e) => e.status === 'live' || e.status === 'scheduled' || e.id === chosen)
    .sort((a, b) => rank(a) - rank(b) || a.startsAt.localeCompare(b.startsAt));
}

export function ScreenPage() {
  const { data: events } = useLoaded(() => api.events(), 15_000);
  const [chosen, setChosen] = useState(eventInHash());
  if (events === null) return <p>{TEXT.loading}</p>;
  const listed = candidates(events, chosen);
  const event = listed.find((e) => e.id === chosen) ?? listed[0];
  if (!event) return <p data-testid="no-event">{T.noEvent}</p>;
  const choose = (ev: Event) => {
    const id = (ev.currentTarget as HTMLSelectElement).value;
    setChosen(id);
    keepInHash(id, viewInHash());
  };
  return (
    <>
      <label>
        {T.event}{' '}
        <select onChange={choose} data-testid="screen-event">
          {listed.map((e) => (
            <option value={e.id} selected={e.id === event.id}>
              {T.eventOption(e.title, timeRange(e.startsAt, e.endsAt), e.status === 'live')}
            </option>
          ))}
        </select>
      </label>
      <EventScreen key={event.id} event={event} />
    </>
  );
}

/** One event's settings and queue (keyed by the event: choosing another starts afresh). */
function EventScreen({ event }: { event: StaffEvent }) {
  const { data, reload } = useLoaded(() => api.contributions(event.id), QUEUE_EVERY_MS);
  if (data === null) return <p>{TEXT.loading}</p>;
  return (
    <>
      <div class="forms">
        <WindowForm event={event} settings={data.settings} reload={reload} />
        <Addresses event={event} settings={data.settings} />
      </div>
      <Queue event={event} queue={data} reload={reload} />
    </>
  );
}

function windowState(settings: ContributionSettings | null): string {
  if (!settings) return T.windowState.none;
  const now = Date.now();
  if (now < Date.parse(settings.opensAt)) return T.windowState.coming(dateTime(settings.opensAt));
  if (now < Date.parse(settings.closesAt)) return T.windowState.open(dateTime(settings.closesAt));
  return T.windowState.closed(dateTime(settings.closesAt));
}

/**
 * The window and the trusted mode. The fields start from the stored window, or (none yet) from an
 * hour before the event to its end: doors open to final whistle. A refresh never overwrites typing.
 */
function WindowForm({
  event,
  settings,
  reload,
}: {
  event: StaffEvent;
  settings: ContributionSettings | null;
  reload: () => Promise<void>;
}) {
  const [initial] = useState(
    settings ?? {
      opensAt: new Date(Date.parse(event.startsAt) - 3600_000).toISOString(),
      closesAt: event.endsAt,
      trusted: false,
    },
  );
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        const saved = await api.contributionSettings(event.id, {
          opensAt: isoFromLocal(field(form, 'opensAt')),
          closesAt: isoFromLocal(field(form, 'closesAt')),
          trusted: new FormData(form).get('trusted') === 'on',
        });
        const range = timeRange(saved.opensAt, saved.closesAt);
        return saved.trusted ? T.windowSavedTrusted(event.title, range) : T.windowSaved(event.title, range);
      },
      () => undefined,
    );
  };
  return (
    <form class="card" onSubmit={onSubmit} data-testid="window-form" aria-labelledby="window-title">
      <h2 id="window-title">{T.windowTitle}</h2>
      <p data-testid="window-state">{windowState(settings)}</p>
      {settings?.trusted && (
        <p class="warning" data-testid="trusted-on">
          {T.trustedOn}
        </p>
      )}
      <label>
        {T.opensAt}{' '}
        <input
          name="opensAt"
          type="datetime-local"
          required
          value={localInput(initial.opensAt)}
          data-testid="window-opens"
        />
      </label>
      <label>
        {T.closesAt}{' '}
        <input
          name="closesAt"
          type="datetime-local"
          required
          value={localInput(initial.closesAt)}
          data-testid="window-closes"
        />
      </label>
      <br />
      <label>
        <input type="checkbox" name="trusted" checked={initial.trusted} data-testid="window-trusted" /> {T.trusted}
      </label>
      <br />
      <button type="submit" data-testid="save-window">
        {T.saveWindow}
      </button>
    </form>
  );
}

/** Where spectators send from (the QR code's and the short URL's target) and the venue's screen. */
function Addresses({ event, settings }: { event: StaffEvent; settings: ContributionSettings | null }) {
  const phone = `${location.origin}/participer/${encodeURIComponent(event.id)}`;
  const short = settings ? `${location.origin}/p/${settings.shortCode}` : null;
  const venue = `${location.origin}/?venue=${encodeURIComponent(event.id)}`;
  const lowerThird = `${location.origin}/ecran/${encodeURIComponent(event.id)}/bandeau?duree=8`;
  return (
    <section class="card" data-testid="screen-addresses">
      <dl>
        <dt>{T.phoneUrl}</dt>
        <dd>
          <a href={phone} target="_blank" rel="noopener" data-testid="phone-url">
            {phone}
          </a>
        </dd>
        <dt>{T.shortUrl}</dt>
        <dd>
          {short ? (
            <a href={short} target="_blank" rel="noopener" data-testid="short-url">
              {short}
            </a>
          ) : (
            <span class="muted" data-testid="short-url-later">
              {T.shortUrlLater}
            </span>
          )}
        </dd>
        <dt>{T.venueScreen}</dt>
        <dd>
          <a href={venue} target="_blank" rel="noopener" data-testid="venue-link">
            {T.openVenue}
          </a>{' '}
          <code>{venue}</code>
        </dd>
        <dt>{T.lowerThird}</dt>
        <dd>
          <code data-testid="bandeau-url">{lowerThird}</code>
          <br />
          <small class="muted">{T.lowerThirdHelp}</small>
        </dd>
      </dl>
    </section>
  );
}

const timeOf = (iso: string): string => {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString('fr-FR', { timeStyle: 'medium' })
    : dateTime(iso);
};

const itemSelector = (id: string) => `[data-testid="pending-item"][data-row="${CSS.escape(id)}"]`;

/** Once the queue has redrawn: the focus on the first of `ids` still pending, else on the list. */
function focusPending(ids: (string | undefined)[]): void {
  setTimeout(() => {
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    for (const id of ids) {
      const item = id && document.querySelector<HTMLElement>(itemSelector(id));
      if (item) return item.focus();
    }
    (
      document.querySelector<HTMLElement>('[data-testid="pending-item"]') ??
      document.querySelector<HTMLElement>('#pending-title')
    )?.focus();
  }, 50);
}

function Queue({ event, queue, reload }: { event: StaffEvent; queue: ContributionQueue; reload: () => Promise<void> }) {
  const { say } = useRegie();
  const [view, setView] = useState<View>(viewInHash());
  const show = (next: View) => {
    setView(next);
    keepInHash(event.id, next);
  };
  const fail = useFail();
  const act = useAction(reload);
  const pending = queue.items
    .filter((c) => c.state === 'pending')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const approved = queue.items.filter((c) => c.state === 'approved');
  const rejected = queue.items.filter((c) => c.state === 'rejected');

  /** A decision on a pending item (key or button): confirmed if asked, said, then on to the next one. */
  const busy = useRef(false);
  const decide = async (item: StaffContribution, run: () => Promise<string>, confirm?: string) => {
    // A key held or pressed twice before the queue redrew would decide on the same item again.
    if (busy.current) return;
    if (confirm && !window.confirm(confirm)) return;
    busy.current = true;
    const i = pending.findIndex((c) => c.id === item.id);
    const after = [
      item.id,
      ...pending.slice(i + 1).map((c) => c.id),
      ...pending
        .slice(0, i)
        .reverse()
        .map((c) => c.id),
    ];
    say('');
    try {
      const done = await run();
      await reload();
      say(done);
      focusPending(after);
    } catch (error) {
      fail(error);
    } finally {
      busy.current = false;
    }
  };
  const approve = (c: StaffContribution) =>
    decide(c, async () => {
      await api.moderate(c.id, 'approve');
      return T.approved(c.firstName);
    });
  const reject = (c: StaffContribution) =>
    decide(c, async () => {
      await api.moderate(c.id, 'reject');
      return T.rejected(c.firstName);
    });
  const ban = (c: StaffContribution) =>
    decide(c, async () => T.banned(c.firstName, (await api.banDevice(c.id)).rejected), T.confirmBan(c.firstName));
  const onKey = (c: StaffContribution) => (ev: KeyboardEvent) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.shiftKey) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      // From one pending item to the next without going through its buttons.
      const i = pending.findIndex((p) => p.id === c.id) + (ev.key === 'ArrowDown' ? 1 : -1);
      const to = pending[i];
      if (!to) return;
      ev.preventDefault();
      document.querySelector<HTMLElement>(itemSelector(to.id))?.focus();
      return;
    }
    const key = ev.key.toLowerCase();
    const run = key === 'a' ? approve : key === 'r' ? reject : key === 'b' ? ban : null;
    // A held key repeats: one decision per press.
    if (!run || ev.repeat) return;
    ev.preventDefault();
    void run(c);
  };

  const deleteButton = (c: StaffContribution) => (
    <ActionButton
      act={act}
      label={T.delete}
      testid="delete"
      danger
      confirm={T.confirmDelete(c.firstName)}
      run={async () => {
        await api.deleteContribution(c.id);
        return T.deleted(c.firstName);
      }}
    />
  );

  const counts = (
    <p data-testid="queue-counts">
      <strong>{T.counts(queue.counts.pending, queue.counts.approved, queue.counts.rejected)}</strong>
    </p>
  );
  const views = (
    <nav class="views" aria-label={T.views} data-testid="views">
      <button
        type="button"
        aria-pressed={view === 'file' ? 'true' : 'false'}
        onClick={() => show('file')}
        data-testid="view-queue"
      >
        {T.viewQueue(queue.counts.pending)}
      </button>{' '}
      <button
        type="button"
        aria-pressed={view === 'refusees' ? 'true' : 'false'}
        onClick={() => show('refusees')}
        data-testid="view-rejected"
      >
        {T.viewRejected(queue.counts.rejected)}
      </button>
    </nav>
  );

  if (view === 'refusees')
    return (
      <>
        {counts}
        {views}
        <h2 id="rejected-title">{T.rejectedTitle}</h2>
        <p class="muted">{T.rejectedHelp}</p>
        <ul class="contributions" aria-labelledby="rejected-title" data-testid="rejected">
          {rejected.length === 0 && <li class="empty">{T.noneRejected}</li>}
          {rejected.map((c) => (
            <li key={c.id} class="contribution rejected" data-row={c.id} data-testid="rejected-item">
              <StaffPhoto item={c} />
              <Words item={c} />
              <div class="actions">
                <ActionButton
                  act={act}
                  label={T.approveAfterAll}
                  testid="approve"
                  confirm={T.confirmApproveAfterAll(c.firstName)}
                  run={async () => {
                    await api.moderate(c.id, 'approve');
                    return T.approved(c.firstName);
                  }}
                />
                {deleteButton(c)}
              </div>
            </li>
          ))}
        </ul>
      </>
    );

  return (
    <>
      {counts}
      {views}
      <p class="keys" data-testid="keys-help">
        {T.keysLabel} : <kbd>A</kbd> <kbd>R</kbd> <kbd>B</kbd> <kbd>↑</kbd> <kbd>↓</kbd> — {T.keys}
      </p>
      <h2 id="pending-title" tabIndex={-1}>
        {T.pendingTitle}
      </h2>
      <ol class="contributions" aria-labelledby="pending-title" data-testid="pending">
        {pending.length === 0 && <li class="empty">{T.nonePending}</li>}
        {pending.map((c) => (
          <li
            key={c.id}
            class="contribution pending"
            // A / R / B act on the focused item: one Tab stop each, read whole (its label), its buttons after it.
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the item itself is what the keys act on
            tabIndex={0}
            data-row={c.id}
            data-testid="pending-item"
            aria-label={T.itemLabel(c.firstName, c.message, timeOf(c.createdAt))}
            onKeyDown={onKey(c)}
          >
            <Photo item={c} />
            <Words item={c} />
            <div class="actions">
              <button type="button" data-testid="approve" onClick={() => approve(c)}>
                {T.approve}
              </button>
              <button type="button" data-testid="reject" onClick={() => reject(c)}>
                {T.reject}
              </button>
              <button type="button" class="danger" data-testid="ban" onClick={() => ban(c)}>
                {T.ban}
              </button>
              {deleteButton(c)}
            </div>
          </li>
        ))}
      </ol>
      <h2 id="approved-title">{T.approvedTitle}</h2>
      <ul class="contributions" aria-labelledby="approved-title" data-testid="approved">
        {approved.length === 0 && <li class="empty">{T.noneApproved}</li>}
        {approved.map((c) => (
          <li key={c.id} class="contribution" data-row={c.id} data-testid="approved-item">
            <Photo item={c} />
            <Words item={c} />
            <div class="actions">
              <ActionButton
                act={act}
                label={c.pinned ? T.unpin : T.pin}
                testid="pin"
                run={async () => {
                  await api.pin(c.id, !c.pinned);
                  return c.pinned ? T.unpinnedDone(c.firstName) : T.pinnedDone(c.firstName);
                }}
              />
              <ActionButton
                act={act}
                label={T.rejectApproved}
                testid="reject"
                run={async () => {
                  await api.moderate(c.id, 'reject');
                  return T.removed(c.firstName);
                }}
              />
              <ActionButton
                act={act}
                label={T.banDevice}
                testid="ban"
                danger
                confirm={T.confirmBan(c.firstName)}
                run={async () => T.banned(c.firstName, (await api.banDevice(c.id)).rejected)}
              />
              {deleteButton(c)}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The re-encoded photo the origin serves to anyone while it is not rejected. */
function Photo({ item }: { item: StaffContribution }) {
  return (
    <img
      class="photo"
      src={item.photo}
      alt={T.photoOf(item.firstName)}
      width={item.width}
      height={item.height}
      loading="lazy"
      data-testid="photo"
    />
  );
}

/**
 * A rejected one's photo: the public URL refuses it, so its bytes come from the staff API with the
 * token (an <img> cannot send one) and are shown from memory, released when the item goes.
 */
function StaffPhoto({ item }: { item: StaffContribution }) {
  const [url, setUrl] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let gone = false;
    api.contributionPhoto(item.id).then(
      (blob) => {
        if (gone) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => !gone && setMissing(true),
    );
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [item.id]);
  if (!url)
    return (
      <div class="photo gone" data-testid={missing ? 'photo-missing' : 'photo-loading'}>
        {missing ? T.photoMissing : T.photoLoading}
      </div>
    );
  return (
    <img
      class="photo"
      src={url}
      alt={T.photoOf(item.firstName)}
      width={item.width}
      height={item.height}
      data-testid="photo"
    />
  );
}

function Words({ item }: { item: StaffContribution }) {
  return (
    <div class="words">
      <strong data-testid="first-name">{item.firstName}</strong>{' '}
      {item.pinned && (
        <span class="badge" data-testid="pinned">
          {T.pinned}
        </span>
      )}
      <br />
      <small class="muted" data-testid="sent-at">
        {T.sentAt(timeOf(item.createdAt))}
        {item.moderatedBy && ` · ${T.by(item.moderatedBy)}`}
      </small>
      {item.message && (
        <p class="message" data-testid="message-text">
          {item.message}
        </p>
      )}
    </div>
  );
}
