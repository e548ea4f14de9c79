// « Replays »: every published replay (the TV's public list, all pages, read past the browser's
// cache so an edit shows at once) and, per replay, « Modifier »: title, description, poster,
// chapters typed « m:ss Titre » (the API sorts them and refuses one past the end),
// « Couper un résumé » (the « Résumés » page, this replay chosen) and « Dépublier » (confirmed
// first, saying that its highlights and breaks go with it and its live can be published again).
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { PublishFields, Replay } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { chapterLines, clock, dateTime, parseChapters } from '../time.ts';
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
  useRowForm,
  useSubmit,
} from '../ui.tsx';

const T = TEXT.replays;

export function ReplaysPage() {
  const { data, reload } = useLoaded(async () => {
    const [replays, highlights] = await Promise.all([api.replays(), api.highlights()]);
    return { replays, highlights };
  }, 15_000);
  const replays = data?.replays ?? null;
  const clipsOf = (id: string) => (data?.highlights ?? []).filter((h) => h.replayId === id).length;
  const act = useAction(reload);
  const rows = useRowForm();
  return (
    <table aria-label={T.listTitle}>
      <TableHead columns={[TEXT.channel, TEXT.titleField, T.duration, T.chapters, T.publishedAt, TEXT.actions]} />
      <tbody data-testid="replays">
        {replays === null && (
          <tr>
            <td colSpan={6}>{TEXT.loading}</td>
          </tr>
        )}
        {replays?.length === 0 && (
          <tr>
            <td colSpan={6}>{T.none}</td>
          </tr>
        )}
        {(replays ?? [])
          .flatMap((r) => [
            <tr key={r.id} data-row={r.id} data-testid="replay-row" data-replay-id={r.id}>
              <td>{CHANNEL_NAMES[r.channelId] ?? r.channelId}</td>
              <td data-testid="replay-title">{r.title}</td>
              <td>{clock(r.duration)}</td>
              <td data-testid="replay-chapters">
                <small>
                  {r.chapters.map((c) => (
                    <>
                      {clock(c.start)} {c.title}
                      <br />
                    </>
                  ))}
                </small>
              </td>
              <td>{dateTime(r.publishedAt)}</td>
              <td>
                <div class="actions">
                  <OpenButton expanded={rows.isOpen(r.id)} onClick={() => rows.toggle(r.id)} />
                  <a href={`#/resumes?replay=${encodeURIComponent(r.id)}`} data-testid="cut-link">
                    {T.cut}
                  </a>
                  <ActionButton
                    act={act}
                    label={T.unpublish}
                    testid="unpublish"
                    danger
                    confirm={T.confirmUnpublish(r.title, clipsOf(r.id))}
                    run={async () => T.unpublished(r.title, (await api.unpublishReplay(r.id)).highlightsRemoved.length)}
                  />
                </div>
              </td>
            </tr>,
            rows.isOpen(r.id) ? (
              <FormRow key={`${r.id}-form`} of={r.id} colSpan={6} testid="replay-form-row">
                <ReplayForm replay={r} reload={reload} close={() => rows.close(r.id)} />
              </FormRow>
            ) : null,
          ])
          .filter((row) => row !== null)}
      </tbody>
    </table>
  );
}

/** Sends only what changed; the chapters as typed. */
function ReplayForm({ replay, reload, close }: { replay: Replay; reload: () => Promise<void>; close: () => void }) {
  const [initial] = useState(replay);
  const [poster, setPoster] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = useSubmit(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(async () => {
      const patch: PublishFields = {};
      for (const key of ['title', 'description'] as const)
        if (field(form, key) !== initial[key]) patch[key] = field(form, key);
      const chapters = parseChapters(String(new FormData(form).get('chapters') ?? ''));
      if (JSON.stringify(chapters) !== JSON.stringify(initial.chapters)) patch.chapters = chapters;
      if (poster && poster !== initial.poster) patch.poster = poster;
      // Nothing to send: said in the alert, the form stays open.
      if (Object.keys(patch).length === 0) throw new Error(TEXT.nothingChanged);
      return T.edited((await api.editReplay(initial.id, patch)).title);
    }, close);
  };
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="replay-form" aria-label={T.editTitle(initial.title)}>
      <strong>{T.editTitle(initial.title)}</strong> ({T.duration.toLowerCase()} {clock(initial.duration)})
      <br />
      <label>
        {TEXT.titleField}{' '}
        <input name="title" required maxlength={120} size={50} value={initial.title} data-testid="replay-edit-title" />
      </label>
      <label class="block">
        {TEXT.description}
        <textarea name="description" maxlength={2000} rows={3} cols={80} data-testid="replay-edit-description">
          {initial.description}
        </textarea>
      </label>
      <label class="block">
        {TEXT.chapters.label}
        <textarea name="chapters" rows={6} cols={60} data-testid="chapters">
          {chapterLines(initial.chapters)}
        </textarea>
      </label>
      <PosterField current={initial.poster} onPoster={setPoster} onBusy={setBusy} />
      <FormButtons busy={busy} close={close} />
    </form>
  );
}
