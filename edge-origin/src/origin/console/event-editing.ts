// The events table's inline forms (inline script text): « Modifier » (title, venue, description,
// poster) and « Reporter » (new start and end). A form opens as a row under its event; saving
// writes through the staff API, redraws the tables, then says so (the message means the tables
// are up to date); a refusal shows the API's message and leaves the form open.
// Relies on the page's api(), say(), renderEvents(), refresh() and on CONSOLE_TOOLS_SCRIPT.

export const EVENT_EDITING_SCRIPT = `/** The event form open under its row, or null: { id, kind: 'edit' | 'reschedule' }. */
let openEventForm = null;

// What the API accepts (staff/lifecycle.ts): any event but a cancelled one is edited; only a
// scheduled one is rescheduled. The console offers nothing the API would refuse.
const canEdit = (e) => e.storedStatus !== 'cancelled';
const canReschedule = (e) => e.storedStatus === 'scheduled';

/** « Modifier » / « Reporter »: opens that form under the event (closes it if already open). */
function formToggle(label, testid, e, kind) {
  const b = document.createElement('button');
  b.type = 'button'; b.textContent = label; b.dataset.testid = testid;
  b.addEventListener('click', () => {
    const open = openEventForm && openEventForm.id === e.id && openEventForm.kind === kind;
    openEventForm = open ? null : { id: e.id, kind };
    renderEvents();
    if (!open) document.querySelector('[data-testid="event-form-row"] input')?.focus();
  });
  return b;
}

/** The row holding the open form of event e. */
function eventFormRow(e, kind) {
  const tr = document.createElement('tr');
  tr.dataset.testid = 'event-form-row'; tr.dataset.eventId = e.id;
  const td = document.createElement('td'); td.colSpan = 5; tr.append(td);
  td.innerHTML = kind === 'edit' ? editFormHtml(e) : rescheduleFormHtml(e);
  const form = td.querySelector('form');
  form.querySelector('[data-action="close"]').addEventListener('click', () => { openEventForm = null; renderEvents(); });
  if (kind === 'edit') { wirePosterField(form); form.addEventListener('submit', (ev) => { ev.preventDefault(); saveEdit(e, form); }); }
  else form.addEventListener('submit', (ev) => { ev.preventDefault(); saveReschedule(e, form); });
  return tr;
}

const formButtons = '<button type="submit" data-testid="save">Enregistrer</button> <button type="button" data-action="close">Fermer</button>';

function editFormHtml(e) {
  return '<form class="inline" data-testid="edit-form"><strong>Modifier « ' + esc(e.title) + ' »</strong><br>' +
    '<label>Titre <input name="title" required maxlength="120" size="40" value="' + esc(e.title) + '" data-testid="edit-title"></label>' +
    '<label>Lieu <input name="venue" maxlength="120" size="30" value="' + esc(e.venue) + '" data-testid="edit-venue"></label><br>' +
    '<label>Description<br><textarea name="description" maxlength="2000" rows="3" cols="80" data-testid="edit-description">' + esc(e.description) + '</textarea></label><br>' +
    posterField(e.poster) + formButtons + '</form>';
}

function rescheduleFormHtml(e) {
  return '<form class="inline" data-testid="reschedule-form"><strong>Reporter « ' + esc(e.title) + ' »</strong> (heure locale)<br>' +
    '<label>Nouveau début <input name="startsAt" type="datetime-local" required value="' + localInput(e.startsAt) + '" data-testid="new-starts"></label>' +
    '<label>Nouvelle fin <input name="endsAt" type="datetime-local" required value="' + localInput(e.endsAt) + '" data-testid="new-ends"></label> ' +
    formButtons + '</form>';
}

/** Sends only what changed (the audit log then says what was edited). */
async function saveEdit(e, form) {
  const f = new FormData(form);
  const patch = {};
  for (const key of ['title', 'venue', 'description']) { const value = String(f.get(key) ?? '').trim(); if (value !== e[key]) patch[key] = value; }
  if (form.dataset.poster && form.dataset.poster !== e.poster) patch.poster = form.dataset.poster;
  if (!Object.keys(patch).length) return say('Rien n’a changé', false);
  try {
    const saved = await api('PATCH', '/events/' + encodeURIComponent(e.id), patch);
    openEventForm = null;
    await refresh();
    say('Événement modifié : ' + saved.title, true);
  } catch (err) { say(err.message, false); }
}

async function saveReschedule(e, form) {
  const f = new FormData(form);
  try {
    const saved = await api('POST', '/events/' + encodeURIComponent(e.id) + '/reschedule', { startsAt: isoFromLocal(f.get('startsAt')), endsAt: isoFromLocal(f.get('endsAt')) });
    openEventForm = null;
    await refresh();
    say('Reporté : ' + saved.title + ', du ' + dateTime(saved.startsAt) + ' au ' + dateTime(saved.endsAt), true);
  } catch (err) { say(err.message, false); }
}
`;
