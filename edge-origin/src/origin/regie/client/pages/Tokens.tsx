// « Jetons » (admins): the staff's access tokens, a new one (its secret shown once, here), and
// « Révoquer » behind a confirmation. « Journal » (admins): every write, newest first, 50 a page.
import { useState } from 'hono/jsx/dom';
import { api } from '../api.ts';
import type { AuditEntry, Role } from '../api.ts';
import { TEXT } from '../text.ts';
import { dateTime } from '../time.ts';
import { ActionButton, field, TableHead, useAction, useLoaded, useSubmit } from '../ui.tsx';

const T = TEXT.tokens;

export function TokensPage() {
  const { data: tokens, reload } = useLoaded(api.tokens, 30_000);
  const [secret, setSecret] = useState<{ label: string; token: string } | null>(null);
  const submit = useSubmit(reload);
  const act = useAction(reload);
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    void submit(
      async () => {
        const created = await api.createToken({ label: field(form, 'label'), role: field(form, 'role') as Role });
        setSecret({ label: created.label, token: created.token });
        return T.created(created.label);
      },
      () => {
        form.reset();
        setTimeout(() => document.querySelector<HTMLElement>('[data-testid="new-token"]')?.focus(), 50);
      },
    );
  };
  return (
    <>
      <form class="card" onSubmit={onSubmit} data-testid="token-form" aria-labelledby="token-form-title">
        <h2 id="token-form-title">{T.createTitle}</h2>
        <label>
          {T.label} <input name="label" required maxlength={120} size={30} data-testid="token-label" />
        </label>
        <label>
          {T.role}{' '}
          <select name="role" data-testid="token-role">
            <option value="editor">{T.roles.editor}</option>
            <option value="admin">{T.roles.admin}</option>
          </select>
        </label>
        <button type="submit" data-testid="create-token">
          {T.create}
        </button>
      </form>
      {secret && (
        <div class="secrets" data-testid="secret">
          <p>{T.secretOnce(secret.label)}</p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: shown once, focused, for a keyboard user to copy */}
          <code tabIndex={0} data-testid="new-token">
            {secret.token}
          </code>
        </div>
      )}
      <table aria-label={T.listTitle}>
        <TableHead columns={[T.label, T.role, T.createdAt, T.state, TEXT.actions]} />
        <tbody data-testid="tokens">
          {(tokens ?? []).map((t) => (
            <tr key={t.id} data-row={t.id} data-testid="token-row" data-token-id={t.id}>
              <td data-testid="token-row-label">{t.label}</td>
              <td>{T.roles[t.role] ?? t.role}</td>
              <td>{dateTime(t.createdAt)}</td>
              <td data-testid="token-state">{t.revokedAt ? T.revokedOn(dateTime(t.revokedAt)) : T.active}</td>
              <td>
                {!t.revokedAt && (
                  <ActionButton
                    act={act}
                    label={T.revoke}
                    testid="revoke"
                    danger
                    confirm={T.confirmRevoke(t.label)}
                    run={async () => {
                      await api.revokeToken(t.id);
                      return T.revoked(t.label);
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const PAGE = 50;

/** What an entry says in a line: the detail's fields, short. */
const detailOf = (entry: AuditEntry): string => {
  const detail = entry.detail;
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ')
    .slice(0, 200);
};

export function AuditPage() {
  const [offset, setOffset] = useState(0);
  const { data } = useLoaded(() => api.audit(offset, PAGE), 10_000, [offset]);
  const total = data?.total ?? 0;
  const go = (to: number) => setOffset(to);
  return (
    <>
      <p data-testid="audit-range">
        {data ? T.auditRange(total ? offset + 1 : 0, offset + data.items.length, total) : TEXT.loading}
      </p>
      <table aria-label={TEXT.pages.journal}>
        <TableHead columns={[T.when, T.who, T.action, T.target, T.detail]} />
        <tbody data-testid="audit">
          {(data?.items ?? []).map((e) => (
            <tr data-testid="audit-row">
              <td>{dateTime(e.at)}</td>
              <td>{e.actor.label ?? e.actor.tokenId}</td>
              <td data-testid="audit-action">{e.action}</td>
              <td data-testid="audit-target">
                {e.target.kind} {e.target.id}
              </td>
              <td>
                <small>{detailOf(e)}</small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label={T.pagesNav} class="actions">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => go(Math.max(0, offset - PAGE))}
          data-testid="audit-newer"
        >
          {T.newer}
        </button>
        <button type="button" disabled={!data?.next} onClick={() => go(offset + PAGE)} data-testid="audit-older">
          {T.older}
        </button>
      </nav>
    </>
  );
}
