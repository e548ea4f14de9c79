// « Résumés »: cut a highlight out of a replay — in and out typed like chapters (« m:ss »,
// « h:mm:ss »), cut at the 2 s segment boundaries by the API — and the published highlights, each
// with « Modifier » (title, in, out: a new in or out re-cuts it) and « Supprimer » (confirmed).
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { Highlight, Replay } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { clock, dateTime, parseClock } from '../time.ts';
import {
  ActionButton,
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

const T = TEXT.highlights;

/** The replay the hash names (`#/resumes?replay=<id>`, from the « Replays » page), if any. */
const chosenReplay = (): string => new URLSearchParams(location.hash.split('?')[1] ?? '').get('replay') ?? '';

/** A typed offset, or the alert's text naming the field. */
class BadClock extends Error {}
function offset(form: HTMLFormElement, name: 'in' | 'out'): number {
  const text = field(form, name);
  const seconds = parseClock(text);
  if (seconds === null) throw new BadClock(T.badClock(name === 'in' ? T.in : T.out, text));
  return seconds;
}

export function HighlightsPage() {
  const { data, reload } = useLoaded(async () => {
    const [highlights, replays] = await Promise.all([api.highlights(), api.replays()]);
    return { highlights, replays };
  }, 15_000);
  const submit = useSubmit(reload);
  const act = useAction(reload);
  const rows = useRowForm();
  const replays: Replay[] = data?.replays ?? [];
  const titleOf = (id: string) => replays.find((r) => r.id === id)?.title ?? id;

  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        const cut = await api.cutHighlight({
          replayId: field(form, 'replayId'),
          title: field(form, 'title'),
          in: offset(form, 'in'),
          out: offset(form, 'out'),
        });
        return T.cutDone(cut.title, clock(cut.duration));
      },
      () => {
        (form.elements.namedItem('title') as HTMLInputElement).value = '';
        (form.elements.namedItem('title') as HTMLInputElement).focus();
      },
    );
  };

  return (
    <>
      <form class="card" onSubmit={onSubmit} data-testid="cut-form" aria-labelledby="cut-title">
        <h2 id="cut-title">{T.cutTitle}</h2>
        <label>
          {T.replay}{' '}
          <select name="replayId" required data-testid="replay">
            {replays.map((r) => (
              <option value={r.id} selected={r.id === chosenReplay()}>
                {r.title} ({clock(r.duration)})
              </option>
            ))}
          </select>
        </label>
        <label>
          {TEXT.titleField} <input name="title" required maxlength={120} size={40} data-testid="clip-title" />
        </label>
        <br />
        <label>
          {T.in} <input name="in" required size={8} placeholder="0:00" data-testid="clip-in" />
        </label>
        <label>
          {T.out} <input name="out" required size={8} placeholder="1:30" data-testid="clip-out" />
        </label>
        <button type="submit" data-testid="cut">
          {T.cut}
        </button>{' '}
        <small>{T.segments}</small>
      </form>
      <h2 id="highlights-title">{T.listTitle}</h2>
      <table aria-labelledby="highlights-title">
        <TableHead
          columns={[
            TEXT.channel,
            TEXT.titleField,
            T.replay,
            T.inOut,
            TEXT.replays.duration,
            TEXT.replays.publishedAt,
            TEXT.actions,
          ]}
        />
        <tbody data-testid="highlights">
          {data === null && (
            <tr>
              <td colSpan={7}>{TEXT.loading}</td>
            </tr>
          )}
          {data?.highlights.length === 0 && (
            <tr>
              <td colSpan={7}>{T.none}</td>
            </tr>
          )}
          {(data?.highlights ?? [])
            .flatMap((h: Highlight) => [
              <tr key={h.id} data-row={h.id} data-testid="highlight-row" data-highlight-id={h.id}>
                <td>{CHANNEL_NAMES[h.channelId] ?? h.channelId}</td>
                <td data-testid="highlight-title">{h.title}</td>
                <td>{titleOf(h.replayId)}</td>
                <td data-testid="highlight-in-out">
                  {clock(h.inPoint ?? 0)} → {clock(h.outPoint ?? h.duration)}
                </td>
                <td data-testid="highlight-duration">{clock(h.duration)}</td>
                <td>{dateTime(h.publishedAt)}</td>
                <td>
                  <div class="actions">
                    <OpenButton expanded={rows.isOpen(h.id)} onClick={() => rows.toggle(h.id)} />
                    <ActionButton
                      act={act}
                      label={T.delete}
                      testid="delete"
                      danger
                      confirm={T.confirmDelete(h.title)}
                      run={async () => {
                        await api.deleteHighlight(h.id);
                        return T.deleted(h.title);
                      }}
                    />
                  </div>
                </td>
              </tr>,
              rows.isOpen(h.id) ? (
                <FormRow key={`${h.id}-form`} of={h.id} colSpan={7} testid="highlight-form-row">
                  <HighlightForm highlight={h} reload={reload} close={() => rows.close(h.id)} />
                </FormRow>
              ) : null,
            ])
            .filter((row) => row !== null)}
        </tbody>
      </table>
    </>
  );
}

/** Sends only what changed: a new title, and in/out (typed m:ss) only when they differ from the kept ones. */
function HighlightForm({
  highlight,
  reload,
  close,
}: {
  highlight: Highlight;
  reload: () => Promise<void>;
  close: () => void;
}) {
  const [initial] = useState(highlight);
  const submit = useSubmit(reload);
  const inText = clock(initial.inPoint ?? 0);
  const outText = clock(initial.outPoint ?? initial.duration);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(async () => {
      const patch: { title?: string; in?: number; out?: number } = {};
      if (field(form, 'title') !== initial.title) patch.title = field(form, 'title');
      if (field(form, 'in') !== inText || field(form, 'out') !== outText) {
        patch.in = offset(form, 'in');
        patch.out = offset(form, 'out');
      }
      if (Object.keys(patch).length === 0) throw new Error(TEXT.nothingChanged);
      const saved = await api.editHighlight(initial.id, patch);
      return T.edited(saved.title, clock(saved.duration));
    }, close);
  };
  return (
    <form class="inline" onSubmit={onSubmit} data-testid="highlight-form" aria-label={T.editTitle(initial.title)}>
      <strong>{T.editTitle(initial.title)}</strong>
      <br />
      <label>
        {TEXT.titleField}{' '}
        <input
          name="title"
          required
          maxlength={120}
          size={40}
          value={initial.title}
          data-testid="highlight-edit-title"
        />
      </label>
      <label>
        {T.in} <input name="in" required size={8} value={inText} data-testid="highlight-edit-in" />
      </label>
      <label>
        {T.out} <input name="out" required size={8} value={outText} data-testid="highlight-edit-out" />
      </label>
      <FormButtons busy={false} close={close} />
    </form>
  );
}
