// « Publicité »: launch a break in a live now (« Lancer la coupure », confirmed first), the
// scheduled breaks, the campaigns. Creating a campaign stays in the previous console for now.
// « Audience »: viewers per channel now, and an event's sponsor report, its JSON downloaded by
// the page (a blob made from the answer: a plain link could not carry the token).
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { EventReport } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { dateTime } from '../time.ts';
import { field, useAction, useLoaded, useSubmit } from '../ui.tsx';

const T = TEXT.ads;

export function AdsPage() {
  const { data, reload } = useLoaded(async () => {
    const [campaigns, breaks, events] = await Promise.all([api.campaigns(), api.breaks(), api.events()]);
    return { campaigns, breaks, live: events.filter((e) => e.status === 'live') };
  }, 5000);
  const act = useAction(reload);
  const launch = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const eventId = field(form, 'eventId');
    const seconds = Number(field(form, 'duration'));
    const title = data?.live.find((e) => e.id === eventId)?.title ?? eventId;
    void act(ev, async () => {
      const b = await api.launchBreak(eventId, seconds);
      return T.launched(title, b.startsAt ? new Date(b.startsAt).toLocaleTimeString('fr-FR') : '');
    }, { confirm: T.confirmLaunch(title, seconds) });
  };
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
          {T.duration} <input name="duration" type="number" min={5} max={300} step={1} value="30" required data-testid="break-duration" />
        </label>
        <button type="submit" class="danger" data-testid="launch-break" disabled={!data?.live.length}>
          {T.launch}
        </button>
      </form>
      <h2 id="breaks-title">{T.breaksTitle}</h2>
      <table aria-labelledby="breaks-title">
        <thead>
          <tr>
            <th scope="col">{TEXT.channel}</th>
            <th scope="col">{T.where}</th>
            <th scope="col">{T.when}</th>
            <th scope="col">{T.duration}</th>
          </tr>
        </thead>
        <tbody data-testid="breaks">
          {(data?.breaks ?? [])
            .slice()
            .reverse()
            .map((b) => (
              <tr data-testid="break-row" data-break-id={b.id}>
                <td>{CHANNEL_NAMES[b.target.channelId] ?? b.target.channelId}</td>
                <td>{b.target.kind === 'live' ? T.inLive : T.inReplay(b.target.replayId ?? '')}</td>
                <td data-testid="break-when">{b.startsAt ? dateTime(b.startsAt) : T.atOffset(b.offset ?? 0)}</td>
                <td>{b.durationSeconds} s</td>
              </tr>
            ))}
        </tbody>
      </table>
      <h2 id="campaigns-title">{T.campaignsTitle}</h2>
      <p>
        <a href="/staff/ads/">{TEXT.oldAdsConsole}</a>
      </p>
      <table aria-labelledby="campaigns-title">
        <thead>
          <tr>
            <th scope="col">{T.campaign}</th>
            <th scope="col">{T.sponsor}</th>
            <th scope="col">{T.priority}</th>
            <th scope="col">{T.period}</th>
            <th scope="col">{T.cap}</th>
          </tr>
        </thead>
        <tbody data-testid="campaigns">
          {(data?.campaigns ?? []).map((k) => (
            <tr data-testid="campaign-row">
              <td>{k.name}</td>
              <td>{k.sponsorId}</td>
              <td>{k.priority}</td>
              <td>
                {dateTime(k.startsAt)} → {dateTime(k.endsAt)}
              </td>
              <td>{T.capText(k.frequencyCap.impressions, k.frequencyCap.perHours)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Saves the report as a JSON file, from the answer the page already has (the token stays in the page). */
function download(report: EventReport): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `rapport-${report.event.id}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AudiencePage() {
  const { data } = useLoaded(async () => {
    const [now, events] = await Promise.all([api.audienceNow(), api.events()]);
    return { now, events: events.filter((e) => e.storedStatus !== 'scheduled' || e.status === 'live') };
  }, 5000);
  const [report, setReport] = useState<EventReport | null>(null);
  const submit = useSubmit(async () => undefined);
  const show = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(async () => {
      const r = await api.eventReport(field(form, 'eventId'));
      setReport(r);
      return T.reportShown(r.event.title);
    }, () => undefined);
  };
  return (
    <>
      <table aria-label={T.nowTitle}>
        <thead>
          <tr>
            <th scope="col">{TEXT.channel}</th>
            <th scope="col">{T.viewers}</th>
          </tr>
        </thead>
        <tbody data-testid="audience-now">
          {(data?.now.channels ?? []).map((c) => (
            <tr data-testid={`viewers-${c.channelId}`}>
              <td>{CHANNEL_NAMES[c.channelId] ?? c.channelId}</td>
              <td>{c.viewers}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card" onSubmit={show} data-testid="report-form" aria-labelledby="report-title">
        <h2 id="report-title">{T.reportTitle}</h2>
        <label>
          {T.event}{' '}
          <select name="eventId" required data-testid="report-event">
            {(data?.events ?? []).map((e) => (
              <option value={e.id}>
                {CHANNEL_NAMES[e.channelId] ?? e.channelId} — {e.title}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="show-report">
          {T.showReport}
        </button>
      </form>
      {report && (
        <section aria-label={T.reportTitle} data-testid="report">
          <h3>{report.event.title}</h3>
          <dl>
            <dt>{T.peak}</dt>
            <dd data-testid="report-peak">{report.audience.peak}</dd>
            <dt>{T.average}</dt>
            <dd>{report.audience.average}</dd>
            <dt>{T.minutes}</dt>
            <dd>{report.audience.minutesWatched}</dd>
            <dt>{T.completion}</dt>
            <dd>{report.completionRate === null ? '—' : `${Math.round(report.completionRate * 100)} %`}</dd>
          </dl>
          <button type="button" onClick={() => download(report)} data-testid="report-json">
            {T.downloadJson}
          </button>
        </section>
      )}
    </>
  );
}
