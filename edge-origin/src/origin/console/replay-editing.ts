// The régie's « Replays publiés » section: the published replays (the TV's public list, read
// past the browser's cache so an edit shows at once) and, per replay, « Modifier »: title,
// description, poster, and chapters typed as lines « m:ss Titre ». The API sorts the chapters
// and refuses one past the end; its message goes to the message line and the form stays open.
// Relies on the page's api(), say(), refresh() and on CONSOLE_TOOLS_SCRIPT.

export const REPLAYS_SECTION = `<h2>Replays publiés</h2>
  <table><thead><tr><th>Chaîne</th><th>Titre</th><th>Durée</th><th>Chapitres</th><th>Publié le</th><th>Actions</th></tr></thead>
  <tbody id="replays" data-testid="replays"></tbody></table>`;

export const REPLAY_EDITING_SCRIPT = `let replays = [];
/** The replay whose form is open under its row, or null. */
let openReplayForm = null;

/** Every published replay, newest first: all pages of GET /api/v1/replays. */
async function loadReplays() {
  const all = [];
  let url = '/api/v1/replays?limit=100';
  for (let pages = 0; url && pages < 50; pages++) {
    // The list is public and cacheable (10 s): no-store, or the browser would show it unedited.
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error('Liste des replays : erreur ' + response.status);
    const page = await response.json();
    all.push(...page.items);
    url = page.next;
  }
  return all;
}

/** Seconds as m:ss, or h:mm:ss from an hour on: what the form reads back (tenths kept). */
function clock(seconds) {
  seconds = Math.round(seconds * 10) / 10;
  const two = (n) => (n < 10 ? '0' : '') + n;
  const s = seconds % 60, m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
  const ss = two(Number.isInteger(s) ? s : Number(s.toFixed(1)));
  return h ? h + ':' + two(m) + ':' + ss : m + ':' + ss;
}

const chapterLines = (chapters) => chapters.map((c) => clock(c.start) + ' ' + c.title).join('\\n');

/** Lines « m:ss Titre » (or « h:mm:ss Titre ») → [{ title, start }]; a line that is neither is refused here, by its number. */
function parseChapters(text) {
  const chapters = [];
  text.split('\\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^(?:(\\d+):)?(\\d+):(\\d{2}(?:[.,]\\d+)?)\\s+(.+)$/.exec(line);
    const seconds = m && Number(m[3].replace(',', '.'));
    if (!m || seconds >= 60 || (m[1] !== undefined && Number(m[2]) >= 60)) throw new Error('Chapitres, ligne ' + (i + 1) + ' : « ' + line + ' » — attendu « m:ss Titre », par ex. « 12:30 Seconde mi-temps »');
    chapters.push({ title: m[4], start: Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + seconds });
  });
  return chapters;
}

function renderReplays() {
  const tbody = $('#replays'); tbody.textContent = '';
  for (const r of replays) {
    const tr = document.createElement('tr'); tr.dataset.testid = 'replay-row'; tr.dataset.replayId = r.id;
    tr.innerHTML = '<td>' + esc(CHANNELS[r.channelId]) + '</td><td data-testid="replay-title">' + esc(r.title) + '</td><td>' + clock(r.duration) + '</td>' +
      '<td data-testid="replay-chapters"><small>' + r.chapters.map((c) => esc(clock(c.start) + ' ' + c.title)).join('<br>') + '</small></td><td>' + dateTime(r.publishedAt) + '</td><td></td>';
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = 'Modifier'; b.dataset.testid = 'edit';
    b.addEventListener('click', () => { openReplayForm = openReplayForm === r.id ? null : r.id; renderReplays(); });
    tr.lastElementChild.append(b);
    tbody.append(tr);
    if (openReplayForm === r.id) tbody.append(replayFormRow(r));
  }
  if (!replays.length) tbody.innerHTML = '<tr><td colspan="6">Aucun replay publié.</td></tr>';
}

function replayFormRow(r) {
  const tr = document.createElement('tr');
  tr.dataset.testid = 'replay-form-row'; tr.dataset.replayId = r.id;
  tr.innerHTML = '<td colspan="6"><form class="inline" data-testid="replay-form"><strong>Modifier le replay « ' + esc(r.title) + ' »</strong> (durée ' + clock(r.duration) + ')<br>' +
    '<label>Titre <input name="title" required maxlength="120" size="50" value="' + esc(r.title) + '" data-testid="replay-edit-title"></label><br>' +
    '<label>Description<br><textarea name="description" maxlength="2000" rows="3" cols="80" data-testid="replay-edit-description">' + esc(r.description) + '</textarea></label><br>' +
    '<label>Chapitres, un par ligne : « m:ss Titre » ou « h:mm:ss Titre » (triés à l’enregistrement)<br><textarea name="chapters" rows="6" cols="60" data-testid="chapters">' + esc(chapterLines(r.chapters)) + '</textarea></label><br>' +
    posterField(r.poster) +
    '<button type="submit" data-testid="save">Enregistrer</button> <button type="button" data-action="close">Fermer</button></form></td>';
  const form = tr.querySelector('form');
  wirePosterField(form);
  form.querySelector('[data-action="close"]').addEventListener('click', () => { openReplayForm = null; renderReplays(); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); saveReplay(r, form); });
  return tr;
}

/** Sends only what changed; the chapters as typed (the API sorts them and checks them against the duration). */
async function saveReplay(r, form) {
  const f = new FormData(form);
  try {
    const patch = {};
    for (const key of ['title', 'description']) { const value = String(f.get(key) ?? '').trim(); if (value !== r[key]) patch[key] = value; }
    const chapters = parseChapters(String(f.get('chapters') ?? ''));
    if (JSON.stringify(chapters) !== JSON.stringify(r.chapters)) patch.chapters = chapters;
    if (form.dataset.poster && form.dataset.poster !== r.poster) patch.poster = form.dataset.poster;
    if (!Object.keys(patch).length) return say('Rien n’a changé', false);
    const saved = await api('PATCH', '/replays/' + encodeURIComponent(r.id), patch);
    openReplayForm = null;
    await refresh();
    say('Replay modifié : ' + saved.title, true);
  } catch (err) { say(err.message, false); }
}
`;
