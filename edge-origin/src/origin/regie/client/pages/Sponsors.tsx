// « Partenaires »: the sponsors (site, logo, channels, what uses each), a new one with an optional
// logo (sent through the poster upload: its type is checked on the bytes and it is resized), an
// inline edit, and « Supprimer » (confirmed; refused by the API, with its reason, while an event
// or a campaign still uses it).
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { StaffSponsor } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import {
  ActionButton,
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

const T = TEXT.sponsors;

/** The logo file chosen in a form, uploaded; undefined when none was chosen. */
async function uploadedLogo(form: HTMLFormElement): Promise<string | undefined> {
  const file = new FormData(form).get('logo');
  return file instanceof File && file.size > 0 ? (await api.uploadPoster(file)).poster : undefined;
}

export function SponsorsPage() {
  const { data: sponsors, reload } = useLoaded(api.sponsors, 15_000);
  const act = useAction(reload);
  const submit = useSubmit(reload);
  const rows = useRowForm();
  const add = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        const logo = await uploadedLogo(form);
        const channelIds = checkedValues(form, 'channelIds');
        const created = await api.createSponsor({
          name: field(form, 'name'),
          url: field(form, 'url'),
          ...(logo ? { logo } : {}),
          ...(channelIds.length ? { channelIds } : {}),
        });
        return T.added(created.name);
      },
      () => form.reset(),
    );
  };
  const uses = (s: StaffSponsor) =>
    [
      ...s.usedBy.events.map((e) => T.usedByEvent(e.title)),
      ...s.usedBy.campaigns.map((k) => T.usedByCampaign(k.name)),
    ].join(', ') || '—';
  return (
    <>
      <form class="card" onSubmit={add} data-testid="sponsor-form" aria-labelledby="sponsor-form-title">
        <h2 id="sponsor-form-title">{T.addTitle}</h2>
        <label>
          {T.name} <input name="name" required maxlength={120} data-testid="sponsor-name" />
        </label>
        <label>
          {T.site} <input name="url" type="url" required placeholder="https://…" data-testid="sponsor-url" />
        </label>
        <label>
          {T.logo} <input name="logo" type="file" accept="image/jpeg,image/png,image/webp" data-testid="sponsor-logo" />
        </label>
        <ChannelBoxes name="channelIds" checked={[]} legend={T.channels} />
        <button type="submit" data-testid="add-sponsor">
          {T.add}
        </button>
      </form>
      <table aria-label={TEXT.pages.partenaires}>
        <TableHead columns={[T.name, T.site, T.logoColumn, T.channelsColumn, T.usedBy, TEXT.actions]} />
        <tbody data-testid="sponsors">
          {(sponsors ?? [])
            .flatMap((s) => [
              <tr key={s.id} data-row={s.id} data-testid="sponsor-row" data-sponsor-id={s.id}>
                <td data-testid="sponsor-row-name">{s.name}</td>
                <td>
                  <a href={s.url} rel="noopener" target="_blank">
                    {s.url}
                  </a>
                </td>
                <td>
                  {s.logo ? (
                    <img class="logo" alt={T.logoOf(s.name)} src={s.logo} data-testid="sponsor-row-logo" />
                  ) : (
                    '—'
                  )}
                </td>
                <td data-testid="sponsor-row-channels">
                  {(s.channelIds ?? []).map((c) => CHANNEL_NAMES[c] ?? c).join(', ') || T.allChannels}
                </td>
                <td class="muted">{uses(s)}</td>
                <td>
                  <div class="actions">
                    <OpenButton expanded={rows.isOpen(s.id)} onClick={() => rows.toggle(s.id)} />
                    <ActionButton
                      act={act}
                      label={T.delete}
                      testid="delete"
                      danger
                      confirm={T.confirmDelete(s.name)}
                      run={async () => {
                        await api.deleteSponsor(s.id);
                        return T.deleted(s.name);
                      }}
                    />
                  </div>
                </td>
              </tr>,
              rows.isOpen(s.id) ? (
                <FormRow key={`${s.id}-form`} of={s.id} colSpan={6} testid="sponsor-form-row">
                  <SponsorForm sponsor={s} reload={reload} close={() => rows.close(s.id)} />
                </FormRow>
              ) : null,
            ])
            .filter((row) => row !== null)}
        </tbody>
      </table>
    </>
  );
}

function SponsorForm({
  sponsor,
  reload,
  close,
}: {
  sponsor: StaffSponsor;
  reload: () => Promise<void>;
  close: () => void;
}) {
  const [initial] = useState(sponsor);
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(async () => {
      const logo = await uploadedLogo(form);
      const saved = await api.editSponsor(initial.id, {
        name: field(form, 'name'),
        url: field(form, 'url'),
        channelIds: checkedValues(form, 'channelIds'),
        ...(logo ? { logo } : {}),
      });
      return T.edited(saved.name);
    }, close);
  };
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="sponsor-edit-form" aria-label={T.editTitle(initial.name)}>
      <strong>{T.editTitle(initial.name)}</strong>
      <br />
      <label>
        {T.name} <input name="name" required maxlength={120} value={initial.name} data-testid="sponsor-edit-name" />
      </label>
      <label>
        {T.site} <input name="url" type="url" required value={initial.url} data-testid="sponsor-edit-url" />
      </label>
      <label>
        {T.newLogo}{' '}
        <input name="logo" type="file" accept="image/jpeg,image/png,image/webp" data-testid="sponsor-edit-logo" />
      </label>
      <ChannelBoxes name="channelIds" checked={initial.channelIds} legend={T.channels} />
      <FormButtons busy={false} close={close} />
    </form>
  );
}
