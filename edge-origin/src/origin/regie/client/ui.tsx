// What every page of the régie shares: the message line (`say`), actions that confirm, report,
// reload and keep the keyboard focus, the poster field, a self-refreshing loader.
import { createContext, useContext, useEffect, useRef, useState } from 'hono/jsx/dom';
import { api, ApiError } from './api.ts';
import type { Role } from './api.ts';
import { CHANNEL_NAMES, TEXT } from './text.ts';
import { ChapterLineError } from './time.ts';

export interface Regie {
  /** A success in the status line, or (alert) an error announced at once (`role="alert"`). */
  say: (text: string, alert?: boolean) => void;
  /** The signed-in token's role, once known (admins see the token and audit pages). */
  role: Role | null;
  /** The token was refused (revoked, unknown): back to the login form with the API's message. */
  signOut: (message: string) => void;
}

export const RegieContext = createContext<Regie>({ say: () => undefined, role: null, signOut: () => undefined });
export const useRegie = (): Regie => useContext(RegieContext);

export const errorText = (error: unknown): string =>
  error instanceof ApiError && error.status === 403
    ? TEXT.adminOnly
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * After an action redrew the page, focus stays where it was; if that element is gone (« Démarrer »
 * became « Arrêter le direct »), it goes to the first button of the same row (`data-row`); if the
 * row is gone too (a deletion), to the row that was next to it, else to the page's title, so a
 * keyboard user carries on from where they were.
 */
export function keepFocus(rows: (string | undefined)[]): void {
  const refocus = () => {
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    for (const row of rows) {
      if (!row) continue;
      const container = document.querySelector<HTMLElement>(`[data-row="${CSS.escape(row)}"]`);
      if (!container) continue;
      (
        container.querySelector<HTMLElement>('button:not([disabled]), a[href], input, select, textarea') ?? container
      ).focus();
      return;
    }
    document.querySelector<HTMLElement>('[data-testid="page-title"]')?.focus();
  };
  // Looked at again a little later: the redraw that removes the row may come after the first look
  // (the focus was then still on the doomed button, and fell to nothing once it went).
  for (const ms of [50, 300, 1000]) setTimeout(refocus, ms);
}

/** The row an event came from (`data-row`), and its neighbours (where the focus goes if it is removed). */
function rowsAround(event: Event | null): (string | undefined)[] {
  const row = (event?.currentTarget as HTMLElement | null)?.closest<HTMLElement>('[data-row]');
  if (!row) return [];
  const all = [...(row.parentElement?.querySelectorAll<HTMLElement>(':scope > [data-row]') ?? [])];
  const i = all.indexOf(row);
  return [row.dataset.row, all[i + 1]?.dataset.row, all[i - 1]?.dataset.row];
}

/** An error of a page: a refused token signs out, anything else is announced. */
export function useFail(): (error: unknown) => void {
  const { say, signOut } = useRegie();
  return (error) =>
    error instanceof ApiError && error.status === 401 ? signOut(error.message) : say(errorText(error), true);
}

/**
 * Runs a staff action from a button: asks first when `confirm` is given (nothing happens on
 * « Annuler »), then writes, reloads, says what was done (or the API's refusal, in the alert) and
 * keeps the focus in the row (or its neighbour's, when the row is gone).
 */
export function useAction(reload: () => Promise<void>) {
  const { say } = useRegie();
  const fail = useFail();
  return async (
    event: Event | null,
    action: () => Promise<string>,
    options: { confirm?: string } = {},
  ): Promise<boolean> => {
    const rows = rowsAround(event);
    if (options.confirm && !window.confirm(options.confirm)) return false;
    say('');
    try {
      const done = await action();
      await reload();
      say(done);
      keepFocus(rows);
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  };
}

/**
 * Loads a page's data now and every `everyMs` (the page refreshes itself); `reload` for after a
 * write. Answers are applied in the order their requests started: a refresh sent before a write
 * but answered after the write's reload would otherwise put the old rows back for 5 s (a stopped
 * live shown « en direct », its open form redrawn under another button).
 */
export function useLoaded<T>(
  load: () => Promise<T>,
  everyMs: number,
  deps: unknown[] = [],
): { data: T | null; reload: () => Promise<void> } {
  const fail = useFail();
  const [data, setData] = useState<T | null>(null);
  const order = useRef({ started: 0, applied: 0 });
  const fetchInOrder = async (): Promise<void> => {
    const mine = ++order.current.started;
    const value = await load();
    if (mine < order.current.applied) return;
    order.current.applied = mine;
    setData(value);
  };
  useEffect(() => {
    let stopped = false;
    const tick = () =>
      (stopped ? Promise.resolve() : fetchInOrder()).catch((error: unknown) => !stopped && fail(error));
    void tick();
    const timer = setInterval(tick, everyMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, deps);
  return { data, reload: fetchInOrder };
}

/**
 * A form's poster: the card the TV shows now, and a file input that uploads at once (the preview is the resized card).
 */
export function PosterField({
  current,
  onPoster,
  onBusy,
}: {
  current: string;
  onPoster: (path: string) => void;
  onBusy: (busy: boolean) => void;
}) {
  const { say } = useRegie();
  const [shown, setShown] = useState(current);
  const chosen = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    onBusy(true);
    try {
      const { poster } = await api.uploadPoster(file);
      setShown(poster);
      onPoster(poster);
      say(TEXT.poster.sent);
    } catch (error) {
      input.value = '';
      say(errorText(error), true);
    } finally {
      onBusy(false);
    }
  };
  return (
    <div class="poster-field">
      {shown && <img class="card" alt={TEXT.poster.alt} src={shown} data-testid="poster-preview" />}
      <label>
        {TEXT.poster.label}{' '}
        <input type="file" accept="image/jpeg,image/png,image/webp" onChange={chosen} data-testid="poster-file" />
      </label>
    </div>
  );
}

/** Submits a form: the write, then reload, then the message (so the message means the table is up to date). */
export function useSubmit(reload: () => Promise<void>) {
  const { say } = useRegie();
  const fail = useFail();
  return async (write: () => Promise<string>, after: () => void) => {
    say('');
    try {
      const done = await write();
      await reload();
      after();
      say(done);
    } catch (error) {
      if (error instanceof ChapterLineError) say(TEXT.chapters.badLine(error.line, error.text), true);
      else fail(error);
    }
  };
}

export const field = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '').trim();

export function FormButtons({ busy, close }: { busy: boolean; close: () => void }) {
  return (
    <p>
      <button type="submit" disabled={busy} data-testid="save">
        {TEXT.save}
      </button>{' '}
      <button type="button" onClick={close} data-testid="close">
        {TEXT.close}
      </button>
    </p>
  );
}

/** One checkbox per channel (none checked: every channel, as the API reads an empty list). */
export function ChannelBoxes({
  name,
  checked,
  legend,
}: {
  name: string;
  checked: readonly string[] | undefined;
  legend: string;
}) {
  return (
    <fieldset class="channels-field" data-testid={`${name}-boxes`}>
      <legend>{legend}</legend>
      {Object.entries(CHANNEL_NAMES).map(([id, label]) => (
        <label>
          <input type="checkbox" name={name} value={id} checked={(checked ?? []).includes(id)} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

export const checkedValues = (form: HTMLFormElement, name: string): string[] =>
  new FormData(form).getAll(name).map(String);

/**
 * Moves the focus once the page has redrawn (a form just opened, a row just came back), unless the
 * user has moved it meanwhile: one who clicked into the form's third field at once had their
 * typing sent to the first (the régie's events test saw its chapters typed into the title).
 */
const focusSoon = (selector: string): void => {
  const before = document.activeElement;
  setTimeout(() => {
    const now = document.activeElement;
    if (now !== before && now !== null && now !== document.body && now.isConnected) return;
    document.querySelector<HTMLElement>(selector)?.focus();
  }, 50);
};

/**
 * The one form open under a table's rows (which row, which form): opening one puts the focus in
 * its first field; closing it (saved, or « Fermer ») gives the focus back to its row's first button.
 */
export function useRowForm<K extends string = 'form'>() {
  const [open, setOpen] = useState<{ id: string; kind: K } | null>(null);
  const isOpen = (id: string, kind?: K): boolean => open?.id === id && (kind === undefined || open.kind === kind);
  const toggle = (id: string, kind = 'form' as K): void => {
    const opening = !isOpen(id, kind);
    setOpen(opening ? { id, kind } : null);
    if (opening) focusSoon(`[data-form-of="${CSS.escape(id)}"] :is(input, textarea)`);
  };
  const close = (id: string): void => {
    setOpen(null);
    focusSoon(`[data-row="${CSS.escape(id)}"] button`);
  };
  return { open, isOpen, toggle, close };
}

/** The row that holds a table row's open form, under it. */
export function FormRow({
  of,
  colSpan,
  testid,
  children,
}: {
  of: string;
  colSpan: number;
  testid: string;
  children: unknown;
}) {
  return (
    <tr data-form-of={of} data-testid={testid}>
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}

/** « Modifier » (or another label): opens or closes the row's form, and says which (aria-expanded). */
export function OpenButton({
  expanded,
  onClick,
  label = TEXT.edit,
  testid = 'edit',
}: {
  expanded: boolean;
  onClick: () => void;
  label?: string;
  testid?: string;
}) {
  return (
    <button type="button" data-testid={testid} aria-expanded={expanded ? 'true' : 'false'} onClick={onClick}>
      {label}
    </button>
  );
}

/** A row's action button: `run` writes and says what was done; with `confirm`, asked first (see useAction). */
export function ActionButton({
  act,
  label,
  testid,
  run,
  confirm,
  danger = false,
}: {
  act: ReturnType<typeof useAction>;
  label: string;
  testid: string;
  run: () => Promise<string>;
  confirm?: string;
  danger?: boolean;
}) {
  return (
    <button
      type="button"
      class={danger ? 'danger' : undefined}
      data-testid={testid}
      onClick={(ev: Event) => act(ev, run, confirm ? { confirm } : {})}
    >
      {label}
    </button>
  );
}

/** A table's header row: one column heading each. */
export function TableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th scope="col">{c}</th>
        ))}
      </tr>
    </thead>
  );
}
