// The lower third for the broadcast, `/ecran/<eventId>/bandeau?duree=8`: a page for a vision
// mixer's browser source (OBS « Browser Source », vMix « Web Browser »), 1920×1080, transparent.
// It follows the venue screens' feed (Server-Sent Events) and puts each contribution approved (or
// pinned) from now on in the bottom third for `duree` seconds, one after the other, then nothing
// until the next. What was on the screens before it opened (the snapshot) is not aired again.
// Names and messages go in with textContent, never as HTML.
import { words } from './words.ts';

interface Item {
  id: string;
  firstName: string;
  message: string;
  photo: string;
}
type Change = { type: 'approved' | 'pinned' | 'unpinned'; item: Item } | { type: 'removed'; id: string };

/** How many wait their turn at most: past that the oldest give way (the wall still shows them). */
const MAX_WAITING = 5;
const OUT_MS = 500;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const bar = byId<HTMLElement>('bandeau');
const photo = byId<HTMLImageElement>('photo');
const name = byId<HTMLElement>('name');
const message = byId<HTMLElement>('message');
const logo = byId<HTMLImageElement>('logo');
const label = byId<HTMLElement>('label');
const channelName = byId<HTMLElement>('channel');

const eventId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const asked = Number(new URLSearchParams(location.search).get('duree') ?? '');
const showMs = (Number.isFinite(asked) && asked >= 2 && asked <= 120 ? asked : 8) * 1000;
const api = `/api/v1/contributions/events/${encodeURIComponent(eventId)}`;

const waiting: Item[] = [];
let current: Item | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function show(item: Item): void {
  current = item;
  name.textContent = item.firstName;
  message.textContent = item.message;
  photo.src = item.photo;
  bar.dataset.item = item.id;
  bar.hidden = false;
  // The class after a frame, so the entry transition runs from the hidden state.
  requestAnimationFrame(() => requestAnimationFrame(() => bar.classList.add('on')));
  timer = setTimeout(hide, showMs);
}

function hide(): void {
  clearTimeout(timer);
  bar.classList.remove('on');
  timer = setTimeout(() => {
    bar.hidden = true;
    delete bar.dataset.item;
    current = null;
    const next = waiting.shift();
    if (next) show(next);
  }, OUT_MS);
}

function enqueue(item: Item): void {
  if (current?.id === item.id || waiting.some((w) => w.id === item.id)) return;
  waiting.push(item);
  if (waiting.length > MAX_WAITING) waiting.shift();
  if (!current) show(waiting.shift() as Item);
}

function withdraw(id: string): void {
  const i = waiting.findIndex((w) => w.id === id);
  if (i >= 0) waiting.splice(i, 1);
  // Taken off the screens by the régie: off the programme at once.
  if (current?.id === id && bar.classList.contains('on')) hide();
}

/** The channel's look: its colour and logo, its name under it. */
async function dress(): Promise<void> {
  const response = await fetch(api, { cache: 'no-store' }).catch(() => null);
  if (!response?.ok) return;
  const body = (await response.json()) as { channel?: { name: string; color: string; logo: string } | null };
  const channel = body.channel;
  label.textContent = words.label;
  if (!channel) return;
  if (/^#[0-9a-f]{6}$/i.test(channel.color)) document.documentElement.style.setProperty('--accent', channel.color);
  // The logo when it loads, the channel's name otherwise (never a broken image on air).
  channelName.textContent = channel.name;
  logo.onload = () => {
    logo.hidden = false;
    channelName.hidden = true;
  };
  logo.src = channel.logo;
}

function listen(): void {
  const source = new EventSource(`${api}/stream`);
  const on = (type: string, run: (change: Change) => void) =>
    source.addEventListener(type, (e) => run(JSON.parse((e as MessageEvent<string>).data) as Change));
  on('approved', (c) => 'item' in c && enqueue(c.item));
  on('pinned', (c) => 'item' in c && enqueue(c.item));
  on('removed', (c) => 'id' in c && withdraw(c.id));
  source.addEventListener('open', () => {
    document.documentElement.dataset.listening = 'true';
  });
}

void dress();
listen();
