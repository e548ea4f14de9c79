// « Audience »: viewers per channel now; an event's sponsor report (peak, average, minutes watched,
// viewers over time as a chart, each campaign's impressions) and a campaign's (its impressions,
// and per event it ran in). A report's JSON is downloaded by the page (a blob made from the answer:
// a plain link could not carry the token).
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { CampaignReport, EventReport } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { field, TableHead, useLoaded, useSubmit } from '../ui.tsx';

const T = TEXT.audience;
type Impressions = EventReport['impressions'];
const STEPS = ['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete'] as const;
const rate = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)} %`);

/** Saves a report as a JSON file, from the answer the page already has (the token stays in the page). */
function download(report: unknown, name: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Viewers over the event, as a line over time (drawn in the page: no chart library for one line). */
function Chart({ samples }: { samples: EventReport['audience']['samples'] }) {
  if (samples.length === 0) return <p>{T.noSamples}</p>;
  const [W, H, L, B, TOP, R] = [760, 220, 48, 28, 10, 10];
  const t0 = samples[0]?.at ?? 0;
  const t1 = Math.max(t0 + 1, samples.at(-1)?.at ?? 0);
  const max = Math.max(1, ...samples.map((s) => s.viewers));
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v: number) => TOP + (1 - v / max) * (H - TOP - B);
  const time = (t: number) => new Date(t).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
  return (
    <svg
      class="chart"
      data-testid="chart"
      role="img"
      aria-label={T.chartLabel}
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
    >
      <line x1={L} y1={H - B} x2={W - R} y2={H - B} stroke="#999" />
      <line x1={L} y1={TOP} x2={L} y2={H - B} stroke="#999" />
      <text x={L - 6} y={TOP + 10} text-anchor="end">
        {max}
      </text>
      <text x={L - 6} y={H - B} text-anchor="end">
        0
      </text>
      <text x={L} y={H - 8}>
        {time(t0)}
      </text>
      <text x={W - R} y={H - 8} text-anchor="end">
        {time(t1)}
      </text>
      <polyline
        fill="none"
        stroke="#c4161c"
        stroke-width="2"
        points={samples.map((s) => `${x(s.at).toFixed(1)},${y(s.viewers).toFixed(1)}`).join(' ')}
      />
    </svg>
  );
}

function ImpressionCells({ counts, completion }: { counts: Impressions; completion: number | null }) {
  return (
    <>
      {STEPS.map((k) => (
        <td>{counts[k] ?? 0}</td>
      ))}
      <td>{rate(completion)}</td>
    </>
  );
}
const impressionHeads = () => [
  ...STEPS.map((k) => <th scope="col">{T.steps[k]}</th>),
  <th scope="col">{T.completion}</th>,
];

export function AudiencePage() {
  const { data } = useLoaded(async () => {
    const [now, events, campaigns] = await Promise.all([api.audienceNow(), api.events(), api.campaigns()]);
    return { now, events: events.filter((e) => e.storedStatus !== 'scheduled' || e.status === 'live'), campaigns };
  }, 5000);
  const [report, setReport] = useState<
    { kind: 'event'; r: EventReport } | { kind: 'campaign'; r: CampaignReport } | null
  >(null);
  const submit = useSubmit(async () => undefined);
  const show = (kind: 'event' | 'campaign') => (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        if (kind === 'event') {
          const r = await api.eventReport(field(form, 'eventId'));
          setReport({ kind, r });
          return T.reportShown(r.event.title);
        }
        const r = await api.campaignReport(field(form, 'campaignId'));
        setReport({ kind, r });
        return T.reportShown(r.campaign.name);
      },
      () => undefined,
    );
  };
  return (
    <>
      <table aria-label={T.nowTitle}>
        <TableHead columns={[TEXT.channel, T.viewers, T.onAir]} />
        <tbody data-testid="audience-now">
          {(data?.now.channels ?? []).map((c) => (
            <tr data-testid={`viewers-${c.channelId}`}>
              <td>{CHANNEL_NAMES[c.channelId] ?? c.channelId}</td>
              <td data-testid="viewers">{c.viewers}</td>
              <td>{(c.eventId && data?.events.find((e) => e.id === c.eventId)?.title) || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="forms">
        <form class="card" onSubmit={show('event')} data-testid="report-form" aria-labelledby="report-title">
          <h2 id="report-title">{T.eventReportTitle}</h2>
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
        <form
          class="card"
          onSubmit={show('campaign')}
          data-testid="campaign-report-form"
          aria-labelledby="campaign-report-title"
        >
          <h2 id="campaign-report-title">{T.campaignReportTitle}</h2>
          <label>
            {T.campaign}{' '}
            <select name="campaignId" required data-testid="report-campaign">
              {(data?.campaigns ?? []).map((k) => (
                <option value={k.id}>{k.name}</option>
              ))}
            </select>
          </label>
          <button type="submit" data-testid="show-campaign-report">
            {T.showReport}
          </button>
        </form>
      </div>
      {report?.kind === 'event' && <EventReportView r={report.r} />}
      {report?.kind === 'campaign' && <CampaignReportView r={report.r} />}
    </>
  );
}

function EventReportView({ r }: { r: EventReport }) {
  return (
    <section class="card" aria-label={T.eventReportTitle} data-testid="report">
      <h3>
        {r.event.title} — {CHANNEL_NAMES[r.event.channelId] ?? r.event.channelId}
        {r.sponsor ? ` · ${T.sponsoredBy(r.sponsor.name)}` : ''}
      </h3>
      <dl>
        <dt>{T.peak}</dt>
        <dd data-testid="report-peak">{r.audience.peak}</dd>
        <dt>{T.average}</dt>
        <dd data-testid="report-average">{r.audience.average}</dd>
        <dt>{T.minutes}</dt>
        <dd data-testid="report-minutes">{r.audience.minutesWatched}</dd>
        <dt>{T.completionAll}</dt>
        <dd>{rate(r.completionRate)}</dd>
      </dl>
      <Chart samples={r.audience.samples} />
      <table aria-label={T.byCampaign}>
        <thead>
          <tr>
            <th scope="col">{T.campaign}</th>
            {impressionHeads()}
          </tr>
        </thead>
        <tbody data-testid="report-campaigns">
          {r.campaigns.map((c) => (
            <tr>
              <td>{c.name}</td>
              <ImpressionCells counts={c.impressions} completion={c.completionRate} />
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => download(r, `rapport-${r.event.id}.json`)} data-testid="report-json">
        {T.downloadJson}
      </button>
    </section>
  );
}

function CampaignReportView({ r }: { r: CampaignReport }) {
  return (
    <section class="card" aria-label={T.campaignReportTitle} data-testid="campaign-report">
      <h3>
        {T.campaignTitle(r.campaign.name)}
        {r.sponsor ? ` — ${r.sponsor.name}` : ''}
      </h3>
      <table aria-label={T.byEvent}>
        <thead>
          <tr>
            <th scope="col">{T.event}</th>
            <th scope="col">{T.peak}</th>
            <th scope="col">{T.average}</th>
            <th scope="col">{T.minutes}</th>
            {impressionHeads()}
          </tr>
        </thead>
        <tbody data-testid="campaign-report-rows">
          <tr data-testid="campaign-report-total">
            <td>{T.total}</td>
            <td />
            <td />
            <td />
            <ImpressionCells counts={r.impressions} completion={r.completionRate} />
          </tr>
          {r.events.map((e) => (
            <tr>
              <td>{e.title}</td>
              <td>{e.audience.peak}</td>
              <td>{e.audience.average}</td>
              <td>{e.audience.minutesWatched}</td>
              <ImpressionCells counts={e.impressions} completion={e.completionRate} />
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => download(r, `rapport-${r.campaign.id}.json`)}
        data-testid="campaign-report-json"
      >
        {T.downloadJson}
      </button>
    </section>
  );
}
