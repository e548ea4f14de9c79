// The staff console, `/staff/`: one server-rendered page (French) that drives the staff API
// from the browser. The token is typed once and kept in sessionStorage (gone when the tab
// closes). Every action is a fetch to /api/v1/staff/...; errors show the API's message.
// The events table's edit and reschedule forms live in event-editing.ts, the replays section
// in replay-editing.ts, the helpers they share (escaping, local times, poster upload) in
// script-tools.ts.
import type { Hono } from 'hono';
import { CHANNEL_IDS } from '../../../../shared/catalog/types.ts';
import { EVENT_EDITING_SCRIPT } from './event-editing.ts';
import { REPLAY_EDITING_SCRIPT, REPLAYS_SECTION } from './replay-editing.ts';
import { CONSOLE_TOOLS_SCRIPT } from './script-tools.ts';
import { CHANNEL_NAMES, CONSOLE_SCRIPT_PRELUDE, consoleHead, consolePageRoutes } from './shell.ts';

export function consoleRoutes(): Hono {
  return consolePageRoutes('/staff/', PAGE);
}

const channelOptions = CHANNEL_IDS.map((id) => `<option value="${id}">${CHANNEL_NAMES[id]}</option>`).join('');

const EDITING_CSS = `
  #message { position: sticky; top: 0; z-index: 1; background: #fff; margin: 0; padding: .3rem 0; } /* seen from a form far down the page */
  form.inline { border-color: #8aa4c8; background: #f5f8fc; margin: .2rem 0 .6rem; }
  .poster-field { margin: .3rem 0; } .poster-field img.card { width: 200px; height: 112px; object-fit: cover; vertical-align: middle; margin-right: .8rem; border: 1px solid #ccc; }
  .muted { color: #666; } td small { color: #444; }`;

const PAGE = `${consoleHead('Cité TV — régie', EDITING_CSS)}<h1>Cité TV — régie des directs</h1>
<p><a href="/staff/ads/" data-testid="ads-link">Publicité, partenaires et audience →</a></p>
<p id="message" role="status" data-testid="message"></p>

<form id="login" data-testid="login">
  <label>Jeton d’accès <input id="token" type="password" autocomplete="off" required data-testid="token"></label>
  <button type="submit">Se connecter</button>
  <span id="who"></span>
</form>

<section id="app" hidden>
  <h2>Programmer un direct</h2>
  <form id="schedule" data-testid="schedule-form">
    <label>Chaîne <select name="channelId" data-testid="channel">${channelOptions}</select></label>
    <label>Titre <input name="title" required maxlength="120" data-testid="title"></label>
    <label>Lieu <input name="venue" maxlength="120" data-testid="venue"></label><br>
    <label>Début <input name="startsAt" type="datetime-local" required data-testid="starts"></label>
    <label>Fin <input name="endsAt" type="datetime-local" required data-testid="ends"></label>
    <button type="submit" data-testid="schedule">Programmer</button>
  </form>

  <h2>Événements</h2>
  <table><thead><tr><th>Chaîne</th><th>Titre et lieu</th><th>Horaires</th><th>État</th><th>Actions</th></tr></thead>
  <tbody id="events" data-testid="events"></tbody></table>

  ${REPLAYS_SECTION}

  <h2>Couper un résumé</h2>
  <form id="highlight" data-testid="highlight-form">
    <label>Replay <select id="replay" name="replayId" required data-testid="replay"></select></label>
    <label>Titre <input name="title" required maxlength="120" data-testid="clip-title"></label><br>
    <label>Entrée (s) <input name="in" type="number" min="0" step="0.1" required data-testid="clip-in"></label>
    <label>Sortie (s) <input name="out" type="number" min="0" step="0.1" required data-testid="clip-out"></label>
    <button type="submit" data-testid="cut">Couper</button>
    <small>Coupé aux limites des segments (2 s).</small>
  </form>
</section>

<script>
${CONSOLE_SCRIPT_PRELUDE}${CONSOLE_TOOLS_SCRIPT}${EVENT_EDITING_SCRIPT}${REPLAY_EDITING_SCRIPT}
async function api(method, path, body) {
  const response = await fetch('/api/v1/staff' + path, {
    method,
    headers: { authorization: 'Bearer ' + token(), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((data.error && data.error.message) || ('Erreur ' + response.status));
  return data;
}

function button(label, testid, action) {
  const b = document.createElement('button');
  b.textContent = label; b.dataset.testid = testid;
  b.addEventListener('click', async () => { try { say(await action(), true); await refresh(); } catch (e) { say(e.message, false); } });
  return b;
}

let events = [];

/** Reloads the events (staff list) and the published replays, then redraws both tables. */
async function refresh() {
  const [staffEvents, published] = await Promise.all([api('GET', '/events'), loadReplays()]);
  events = staffEvents.events; replays = published;
  renderEvents(); renderReplays();
}

function renderEvents() {
  const tbody = $('#events'); tbody.textContent = '';
  const clipSource = $('#replay'); const chosen = clipSource.value; clipSource.textContent = '';
  for (const e of events.slice().reverse()) {
    const tr = document.createElement('tr'); tr.dataset.eventId = e.id; tr.dataset.testid = 'event-row';
    const cells = [CHANNELS[e.channelId], e.title, timeRange(e.startsAt, e.endsAt), STATUS[e.status] || e.status];
    for (const text of cells) { const td = document.createElement('td'); td.textContent = text; tr.append(td); }
    tr.children[1].dataset.testid = 'event-title';
    if (e.venue) { const venue = document.createElement('small'); venue.className = 'muted'; venue.dataset.testid = 'event-venue'; venue.textContent = e.venue; tr.children[1].append(document.createElement('br'), venue); }
    tr.children[2].dataset.testid = 'event-times';
    tr.children[3].dataset.testid = 'status'; if (e.status === 'live') tr.children[3].className = 'live';
    const actions = document.createElement('td');
    if (e.storedStatus === 'scheduled') actions.append(button('Démarrer le direct', 'start', async () => { await api('POST', '/events/' + e.id + '/start', {}); return 'Direct démarré : ' + e.title; }));
    if (e.storedStatus === 'live') actions.append(button('Arrêter le direct', 'stop', async () => { await api('POST', '/events/' + e.id + '/stop', {}); return 'Direct arrêté : ' + e.title; }));
    if (e.storedStatus === 'ended') actions.append(button('Publier le replay', 'publish', async () => { const r = await api('POST', '/events/' + e.id + '/publish', {}); return 'Replay publié : ' + r.id; }));
    if (e.storedStatus === 'scheduled') actions.append(button('Annuler', 'cancel', async () => { await api('POST', '/events/' + e.id + '/cancel', {}); return 'Annulé : ' + e.title; }));
    if (canEdit(e)) actions.append(formToggle('Modifier', 'edit', e, 'edit'));
    if (canReschedule(e)) actions.append(formToggle('Reporter', 'reschedule', e, 'reschedule'));
    tr.append(actions); tbody.append(tr);
    if (openEventForm && openEventForm.id === e.id) tbody.append(eventFormRow(e, openEventForm.kind));
    if (e.replayId) { const o = document.createElement('option'); o.value = e.replayId; o.textContent = e.title; clipSource.append(o); }
  }
  if (chosen) clipSource.value = chosen;
}

$('#login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  sessionStorage.setItem('citetv-staff-token', $('#token').value.trim());
  await start();
});

async function start() {
  if (!token()) return;
  try { await refresh(); $('#app').hidden = false; $('#login').hidden = true; say('Connecté', true); }
  catch (e) { say(e.message, false); }
}

$('#schedule').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    const e = await api('POST', '/events', { channelId: f.get('channelId'), title: f.get('title'), venue: f.get('venue'),
      startsAt: new Date(f.get('startsAt')).toISOString(), endsAt: new Date(f.get('endsAt')).toISOString() });
    say('Direct programmé : ' + e.title, true); ev.target.reset(); await refresh();
  } catch (e) { say(e.message, false); }
});

$('#highlight').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    const h = await api('POST', '/highlights', { replayId: f.get('replayId'), title: f.get('title'), in: Number(f.get('in')), out: Number(f.get('out')) });
    say('Résumé publié : ' + h.id + ' (' + h.duration + ' s)', true);
  } catch (e) { say(e.message, false); }
});

start();
</script>
</body>
</html>
`;
