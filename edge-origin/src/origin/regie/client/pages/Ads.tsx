// « Publicité »: launch a break in a live now (« Lancer la coupure », confirmed first), schedule a
// replay's pre-roll or a mid-roll before one of its chapters, and every break with « Annuler la
// coupure » (confirmed) on those not yet on air. Campaigns and sponsors have their own pages.
import { api } from '../api.ts';
import type { AdBreak } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { clock, dateTime } from '../time.ts';
import { ActionButton, field, TableHead, useAction, useLoaded } from '../ui.tsx';
import { useState } from 'hono/jsx/dom';

const T = TEXT.ads;

/** What the API lets the staff cancel: a replay's break, or a live one that has not started. */
const cancellable = (b: AdBreak, nowMs: number) =>
  b.target.kind === 'replay' || (b.startsAt !== undefined && Date.parse(b.startsAt) > nowMs);

export function AdsPage() {
  const { data, reload } = useLoaded(async () => {
    const [breaks, events, replays] = await Promise.all([api.breaks(), api.events(), api.replays()]);
    return { breaks, live: events.filter((e) => e.status === 'live'), events, replays, at: Date.now() };
  }, 5000);
  const act = useAction(reload);
  const [replayId, setReplayId] = useState('');
  const replays = data?.replays ?? [];
  const chosen = replays.find((r) => r.id === replayId) ?? replays[0];
  const titleOfReplay = (id: string) => replays.find((r) => r.id === id)?.title ?? id;
  const titleOfEvent = (id: string | undefined) => (id && data?.events.find((e) => e.id === id)?.title) || '';

  const launch = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const eventId = field(form, 'eventId');
    const seconds = Number(field(form, 'duration'));
    const title = data?.live.find((e) => e.id === eventId)?.title ?? eventId;
    void act(
      ev,
      async () => {
        const b = await api.launchBreak(eventId, seconds);
        return T.launched(title, b.startsAt ? new Date(b.startsAt).toLocaleTimeString('fr-FR') : '');
      },
      { confirm: T.confirmLaunch(title, seconds) },
    );
  };
  const schedule = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const position = field(form, 'position');
    const id = field(form, 'replayId');
    void act(ev, async () => {
      const b = await api.replayBreak(
        id,
        Number(field(form, 'duration')),
        position === '' ? undefined : Number(position),
      );
      return T.scheduled(titleOfReplay(id), clock(b.offset ?? 0));
    });
  };
  const where = (b: AdBreak) =>
    b.target.kind === 'live' ? T.inLive(titleOfEvent(b.target.eventId)) : T.inReplay(titleOfReplay(b.target.replayId));
  const when = (b: AdBreak) => (b.startsAt ? dateTime(b.startsAt) : b.offset ? T.atOffset(clock(b.offset)) : T.preRoll);

  return (
    <>
      <form class="card" onSubmit={launch} data-testid="break-form" aria-labelledby="break-title">
        <h2 id="break-title">{T.launchTitle}</h2>
        {data && data.live.length === 0 && <p data-testid="no-live">{T.noLive}</p>}
        <label>
          {T.live}{' '}
          <select name="eventId" required data-testid="break-event">
            {(data?.live ?? []).map((e) => (
              <option value={e.id}>
                {CHANNEL_NAMES[e.channelId] ?? e.channelId} — {e.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {T.duration}{' '}
          <input
            name="duration"
            type="number"
            min={5}
            max={300}
            step={1}
            value="30"
            required
            data-testid="break-duration"
          />
        </label>
        <button type="submit" class="danger" data-testid="launch-break" disabled={!data?.live.length}>
          {T.launch}
        </button>
      </form>
      <form class="card" onSubmit={schedule} data-testid="replay-break-form" aria-labelledby="replay-break-title">
        <h2 id="replay-break-title">{T.replayTitle}</h2>
        <label>
          {TEXT.highlights.replay}{' '}
          <select
            name="replayId"
            required
            data-testid="replay-break-replay"
            onChange={(e: Event) => setReplayId((e.currentTarget as HTMLSelectElement).value)}
          >
            {replays.map((r) => (
              <option value={r.id} selected={r.id === chosen?.id}>
                {r.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {T.position}{' '}
          <select name="position" data-testid="replay-break-position">
            <option value="">{T.preRoll}</option>
            {(chosen?.chapters ?? []).map((c, i) =>
              c.start > 0 ? <option value={String(i)}>{T.beforeChapter(c.title, clock(c.start))}</option> : null,
            )}
          </select>
        </label>
        <label>
          {T.duration}{' '}
          <input
            name="duration"
            type="number"
            min={5}
            max={300}
            step={1}
            value="10"
            required
            data-testid="replay-break-duration"
          />
        </label>
        <button type="submit" data-testid="schedule-replay-break" disabled={!chosen}>
          {T.scheduleBreak}
        </button>
      </form>
      <h2 id="breaks-title">{T.breaksTitle}</h2>
      <table aria-labelledby="breaks-title">
        <TableHead columns={[TEXT.channel, T.where, T.when, T.duration, TEXT.actions]} />
        <tbody data-testid="breaks">
          {data?.breaks.length === 0 && (
            <tr>
              <td colSpan={5}>{T.noBreaks}</td>
            </tr>
          )}
          {(data?.breaks ?? [])
            .slice()
            .reverse()
            .map((b) => (
              <tr key={b.id} data-row={b.id} data-testid="break-row" data-break-id={b.id}>
                <td>{CHANNEL_NAMES[b.target.channelId] ?? b.target.channelId}</td>
                <td data-testid="break-where">{where(b)}</td>
                <td data-testid="break-when">{when(b)}</td>
                <td>{b.durationSeconds} s</td>
                <td>
                  {data && cancellable(b, data.at) ? (
                    <ActionButton
                      act={act}
                      label={T.cancelBreak}
                      testid="cancel-break"
                      danger
                      confirm={T.confirmCancel(where(b), when(b))}
                      run={async () => {
                        await api.cancelBreak(b.id);
                        return T.cancelled(where(b));
                      }}
                    />
                  ) : (
                    <span class="muted">{T.onAirOrPast}</span>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}
