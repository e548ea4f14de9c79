import type {
  ChannelRails,
  HomeResponse,
  LiveEvent,
  Replay,
  Highlight,
  Channel,
  ChannelId,
} from '../../shared/catalog/types.ts';
import { eventActions, heroFor, homeRails, channelRail } from '../../tv-app/src/catalog/rails.ts';
import { searchEntries } from '../../tv-app/src/catalog/searchable.ts';
import { search } from '../../tv-app/src/search/search.ts';
import { itemAt } from '../../shared/lang/item-at.ts';

const NOW = new Date('2026-11-28T18:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function channel(id: ChannelId): Channel {
  return {
    id,
    name: `C'${id}`,
    description: '',
    color: '#112233',
    logo: `/images/logos/${id}.png`,
    liveUrl: `/hls/live/${id}/master.m3u8`,
  };
}
function event(
  id: string,
  ch: ChannelId,
  start: number,
  status: LiveEvent['status'],
  extra: Partial<LiveEvent> = {},
): LiveEvent {
  return {
    id,
    channelId: ch,
    title: id,
    venue: 'Salle',
    description: '',
    poster: `/images/posters/${id}/card.jpg`,
    startsAt: at(start),
    endsAt: at(start + 60),
    status,
    ...extra,
  };
}
function replay(id: string, ch: ChannelId, publishedMin: number): Replay {
  return {
    id,
    eventId: `ev-${id}`,
    channelId: ch,
    title: id,
    description: '',
    poster: '',
    duration: 3600,
    publishedAt: at(publishedMin),
    playbackUrl: `/hls/vod/${id}/master.m3u8`,
    chapters: [],
  };
}
function highlight(id: string, replayId: string, ch: ChannelId, publishedMin: number): Highlight {
  return {
    id,
    replayId,
    channelId: ch,
    title: id,
    poster: '',
    duration: 60,
    publishedAt: at(publishedMin),
    playbackUrl: `/hls/vod/${id}/master.m3u8`,
  };
}
function rails(ch: ChannelId, over: Partial<ChannelRails> = {}): ChannelRails {
  return { channel: channel(ch), onAir: null, upcoming: [], replays: [], highlights: [], ...over };
}

const home: HomeResponse = {
  generatedAt: NOW.toISOString(),
  channels: [
    rails('sport', {
      upcoming: [event('match', 'sport', 120, 'scheduled')],
      replays: [replay('r-old', 'sport', -3000)],
    }),
    rails('culture', {
      onAir: event('concert', 'culture', -30, 'live', { playbackUrl: '/hls/live/culture/master.m3u8' }),
      upcoming: [event('théâtre', 'culture', 30, 'scheduled')],
      replays: [replay('r-new', 'culture', -60)],
      highlights: [highlight('h1', 'r-new', 'culture', -50)],
    }),
    rails('business'),
    rails('agglo'),
  ],
};

test('the hero is the event on air; with none, the next to start', () => {
  expect(heroFor(home, NOW)).toMatchObject({ kind: 'live', event: { id: 'concert' } });
  const quiet = { ...home, channels: home.channels.map((r) => ({ ...r, onAir: null })) };
  expect(heroFor(quiet, NOW)).toMatchObject({ kind: 'next', event: { id: 'théâtre' } });
});

test('home rails: live, continue, upcoming soonest first, replays newest first, highlights; empty ones dropped', () => {
  const result = homeRails(home, NOW, [{ id: 'r-old', kind: 'replay', position: 600, duration: 3600, updatedAt: 1 }]);
  expect(result.map((r) => r.id)).toEqual(['live', 'continue', 'upcoming', 'replays', 'highlights']);
  expect(result.find((r) => r.id === 'upcoming')!.tiles.map((t) => t.title)).toEqual(['théâtre', 'match']);
  expect(result.find((r) => r.id === 'replays')!.tiles.map((t) => t.title)).toEqual(['r-new', 'r-old']);
  const cont = itemAt(result.find((r) => r.id === 'continue')!.tiles, 0);
  expect(cont.progress).toBeCloseTo(600 / 3600);
  expect(cont.action).toMatchObject({ kind: 'play', startPosition: 600 });
  expect(itemAt(result.find((r) => r.id === 'upcoming')!.tiles, 0).subtitle).toMatch(/^Dans 30 min · /);
  expect(homeRails(home, NOW).map((r) => r.id)).not.toContain('continue');
});

test("a channel's rail: on air first, then replays, then highlights", () => {
  const tiles = channelRail(itemAt(home.channels, 1), NOW);
  expect(tiles.map((t) => t.badge)).toEqual(['live', 'replay', 'highlight']);
});

test('event actions follow what exists: live, replay (resume or not), highlight', () => {
  const live = event('concert', 'culture', -30, 'live', { playbackUrl: '/x.m3u8' });
  const r = replay('r', 'culture', -10);
  const h = highlight('h', 'r', 'culture', -5);
  expect(eventActions(live, null, null, null, NOW)).toEqual(['watchLive', 'startOver']);
  expect(eventActions(event('past', 'culture', -300, 'published'), r, h, null, NOW)).toEqual(['watch', 'highlight']);
  expect(eventActions(event('past', 'culture', -300, 'published'), r, null, 120, NOW)).toEqual(['resume', 'fromStart']);
  expect(eventActions(event('soon', 'culture', 60, 'scheduled'), null, null, null, NOW)).toEqual([]);
});

test('search entries find events, replays and highlights without accents', () => {
  const found = search(searchEntries(home, NOW), 'theatre').map((e) => e.tile.id);
  expect(found).toEqual(['upcoming-théâtre']);
});
