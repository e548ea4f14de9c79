// « Résumés »: cut a highlight out of a replay — in and out typed like chapters (« m:ss »,
// « h:mm:ss »), cut at the 2 s segment boundaries by the API — and the published highlights.
import { api } from '../api.ts';
import type { Highlight, Replay } from '../api.ts';
import { CHANNEL_NAMES, TEXT } from '../text.ts';
import { clock, dateTime, parseClock } from '../time.ts';
import { field, useLoaded, useSubmit } from '../ui.tsx';

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
  const replays: Replay[] = data?.replays ?? [];
  const titleOf = (id: string) => replays.find((r) => r.id === id)?.title ?? id;

  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        const cut = await api.cutHighlight({ replayId: field(form, 'replayId'), title: field(form, 'title'), in: offset(form, 'in'), out: offset(form, 'out') });
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
      <form class="card" onSubmit={onSubmit} data-testid="highlight-form" aria-labelledby="cut-title">
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
        <thead>
          <tr>
            <th scope="col">{TEXT.channel}</th>
            <th scope="col">{TEXT.titleField}</th>
            <th scope="col">{T.replay}</th>
            <th scope="col">{TEXT.replays.duration}</th>
            <th scope="col">{TEXT.replays.publishedAt}</th>
          </tr>
        </thead>
        <tbody data-testid="highlights">
          {data === null && (
            <tr>
              <td colSpan={5}>{TEXT.loading}</td>
            </tr>
          )}
          {data?.highlights.length === 0 && (
            <tr>
              <td colSpan={5}>{T.none}</td>
            </tr>
          )}
          {(data?.highlights ?? []).map((h: Highlight) => (
            <tr key={h.id} data-row={h.id} data-testid="highlight-row" data-highlight-id={h.id}>
              <td>{CHANNEL_NAMES[h.channelId] ?? h.channelId}</td>
              <td data-testid="highlight-title">{h.title}</td>
              <td>{titleOf(h.replayId)}</td>
              <td data-testid="highlight-duration">{clock(h.duration)}</td>
              <td>{dateTime(h.publishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
