// « Campagnes »: the sponsors' campaigns (spot, priority, targeting, dates, cap per viewer, state),
// a new one, and per campaign « Modifier » (the same fields) and « Mettre en pause » / « Reprendre »
// (a paused campaign is in no break until resumed). Everything the API validates, it refuses with
// its reason in the alert and the form stays open.
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { Campaign, CampaignFields, Creative, StaffSponsor } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { dateTime, isoFromLocal, localInput } from '../time.ts';
import {
  ChannelBoxes,
  checkedValues,
  field,
  FormButtons,
  FormRow,
  OpenButton,
  TableHead,
  useAction,
  useLoaded,
  useRowForm,
  useSubmit,
} from '../ui.tsx';

const T = TEXT.campaigns;

const stateOf = (k: Campaign, nowMs: number): string =>
  k.paused
    ? T.state.paused
    : Date.parse(k.endsAt) <= nowMs
      ? T.state.ended
      : Date.parse(k.startsAt) > nowMs
        ? T.state.coming
        : T.state.running;

export function CampaignsPage() {
  const { data, reload } = useLoaded(async () => {
    const [campaigns, sponsors, creatives] = await Promise.all([api.campaigns(), api.sponsors(), api.creatives()]);
    return { campaigns, sponsors, creatives: creatives.filter((c) => c.kind === 'sponsor'), at: Date.now() };
  }, 10_000);
  const act = useAction(reload);
  const rows = useRowForm();
  const sponsorName = (id: string) => data?.sponsors.find((s) => s.id === id)?.name ?? id;
  const spotName = (id: string) => data?.creatives.find((c) => c.id === id)?.title ?? id;
  return (
    <>
      {data && (
        <details class="card" data-testid="new-campaign">
          <summary>{T.createTitle}</summary>
          <CampaignForm sponsors={data.sponsors} creatives={data.creatives} reload={reload} close={() => undefined} />
        </details>
      )}
      <table aria-label={TEXT.pages.campagnes}>
        <TableHead
          columns={[T.name, T.sponsor, T.spot, T.priority, T.targeting, T.period, T.cap, T.stateTitle, TEXT.actions]}
        />
        <tbody data-testid="campaigns">
          {(data?.campaigns ?? [])
            .flatMap((k) => [
              <tr key={k.id} data-row={k.id} data-testid="campaign-row" data-campaign-id={k.id}>
                <td data-testid="campaign-name">{k.name}</td>
                <td>{sponsorName(k.sponsorId)}</td>
                <td>{spotName(k.creativeId)}</td>
                <td data-testid="campaign-priority">{k.priority}</td>
                <td data-testid="campaign-targeting">
                  {[...(k.channelIds ?? []).map((c) => CHANNEL_NAMES[c] ?? c), ...(k.eventIds ?? [])].join(', ') ||
                    T.everywhere}
                </td>
                <td>
                  {dateTime(k.startsAt)} → {dateTime(k.endsAt)}
                </td>
                <td>{T.capText(k.frequencyCap.impressions, k.frequencyCap.perHours)}</td>
                <td data-testid="campaign-state">{data ? stateOf(k, data.at) : ''}</td>
                <td>
                  <div class="actions">
                    <OpenButton expanded={rows.isOpen(k.id)} onClick={() => rows.toggle(k.id)} />
                    <button
                      type="button"
                      data-testid={k.paused ? 'resume' : 'pause'}
                      onClick={(ev: Event) =>
                        act(ev, async () => {
                          await api.editCampaign(k.id, { paused: !k.paused });
                          return k.paused ? T.resumed(k.name) : T.pausedDone(k.name);
                        })
                      }
                    >
                      {k.paused ? T.resume : T.pause}
                    </button>
                  </div>
                </td>
              </tr>,
              rows.isOpen(k.id) && data ? (
                <FormRow key={`${k.id}-form`} of={k.id} colSpan={9} testid="campaign-form-row">
                  <CampaignForm
                    campaign={k}
                    sponsors={data.sponsors}
                    creatives={data.creatives}
                    reload={reload}
                    close={() => rows.close(k.id)}
                  />
                </FormRow>
              ) : null,
            ])
            .filter((row) => row !== null)}
        </tbody>
      </table>
    </>
  );
}

/** A new campaign (no `campaign`) or the edit of one: every field the API takes. */
function CampaignForm({
  campaign,
  sponsors,
  creatives,
  reload,
  close,
}: {
  campaign?: Campaign;
  sponsors: StaffSponsor[];
  creatives: Creative[];
  reload: () => Promise<void>;
  close: () => void;
}) {
  const [initial] = useState(campaign);
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const fields: CampaignFields = {
      name: field(form, 'name'),
      sponsorId: field(form, 'sponsorId'),
      creativeId: field(form, 'creativeId'),
      priority: Number(field(form, 'priority')),
      channelIds: checkedValues(form, 'channelIds') as CampaignFields['channelIds'],
      eventIds: initial?.eventIds ?? [],
      startsAt: isoFromLocal(field(form, 'startsAt')),
      endsAt: isoFromLocal(field(form, 'endsAt')),
      frequencyCap: { impressions: Number(field(form, 'cap')), perHours: Number(field(form, 'perHours')) },
    };
    void submit(
      async () =>
        initial
          ? T.edited((await api.editCampaign(initial.id, fields)).name)
          : T.created((await api.createCampaign(fields)).name),
      () => (initial ? close() : form.reset()),
    );
  };
  return (
    <form
      class={initial ? 'inline' : ''}
      onSubmit={onSubmit}
      data-testid="campaign-form"
      aria-label={initial ? T.editTitle(initial.name) : T.createTitle}
    >
      {initial && (
        <>
          <strong>{T.editTitle(initial.name)}</strong>
          <br />
        </>
      )}
      <label>
        {T.name}{' '}
        <input
          name="name"
          required
          maxlength={120}
          size={36}
          value={initial?.name ?? ''}
          data-testid="campaign-edit-name"
        />
      </label>
      <label>
        {T.sponsor}{' '}
        <select name="sponsorId" required data-testid="campaign-sponsor">
          {sponsors.map((s) => (
            <option value={s.id} selected={s.id === initial?.sponsorId}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {T.spot}{' '}
        <select name="creativeId" required data-testid="campaign-creative">
          {creatives.map((c) => (
            <option value={c.id} selected={c.id === initial?.creativeId}>
              {c.advertiser} — {c.title} ({Math.round(c.duration)} s)
            </option>
          ))}
        </select>
      </label>
      <label>
        {T.priority}{' '}
        <input
          name="priority"
          type="number"
          min={0}
          max={100}
          value={String(initial?.priority ?? 10)}
          required
          data-testid="campaign-priority-input"
        />
      </label>
      <ChannelBoxes name="channelIds" checked={initial?.channelIds} legend={T.channels} />
      <label>
        {TEXT.events.startsAt}{' '}
        <input
          name="startsAt"
          type="datetime-local"
          required
          value={initial ? localInput(initial.startsAt) : ''}
          data-testid="campaign-starts"
        />
      </label>
      <label>
        {TEXT.events.endsAt}{' '}
        <input
          name="endsAt"
          type="datetime-local"
          required
          value={initial ? localInput(initial.endsAt) : ''}
          data-testid="campaign-ends"
        />
      </label>
      <label>
        {T.cap}{' '}
        <input
          name="cap"
          type="number"
          min={1}
          max={1000}
          value={String(initial?.frequencyCap.impressions ?? 3)}
          required
          size={4}
          data-testid="campaign-cap"
        />
      </label>
      <label>
        {T.perHours}{' '}
        <input
          name="perHours"
          type="number"
          min={1}
          max={8784}
          value={String(initial?.frequencyCap.perHours ?? 24)}
          required
          size={4}
          data-testid="campaign-per-hours"
        />
      </label>
      {initial ? (
        <FormButtons busy={false} close={close} />
      ) : (
        <p>
          <button type="submit" data-testid="create-campaign">
            {T.create}
          </button>
        </p>
      )}
    </form>
  );
}
