// Turns the catalog into what the screens show: tiles grouped in rails. Pure, so
// the choices (what goes first, what a subtitle says) are unit-tested without Lightning.
import type {
  Channel,
  ChannelRails,
  Highlight,
  HomeResponse,
  LiveEvent,
  Replay,
} from '../../../shared/catalog/types.ts';
import type { TileData } from '../ui/tile-data.ts';
import { countdown, durationParts, isOnAir, progress, type Countdown } from '../schedule/schedule.ts';
import { formatDate, formatTime, t } from '../i18n/index.ts';
import type { ResumePoint } from '../settings/preferences.ts';

export function countdownLabel(c: Countdown): string {
  switch (c.kind) {
    case 'now':
      return t('countdown.now');
    case 'minutes':
      return t('countdown.inMinutes', { m: c.minutes });
    case 'hours':
      return t('countdown.inHours', { h: c.hours, m: c.minutes < 10 ? `0${c.minutes}` : c.minutes });
    case 'days':
      return t('countdown.inDays', { n: c.days });
  }
}

export function durationLabel(seconds: number): string {
  const { hours, minutes } = durationParts(seconds);
  return hours > 0
    ? t('duration.hoursMinutes', { h: hours, m: minutes < 10 ? `0${minutes}` : minutes })
    : t('duration.minutes', { m: minutes });
}

export function liveTile(event: LiveEvent, channel: Channel, now: Date): TileData {
  return {
    id: `live-${event.id}`,
    title: event.title,
    subtitle: `${channel.name} · ${event.venue}`,
    poster: event.poster,
    color: channel.color,
    channelName: channel.name,
    badge: 'live',
    progress: progress(new Date(event.startsAt), new Date(event.endsAt), now),
    action: { kind: 'play', playable: { kind: 'live', event } },
  };
}

export function upcomingTile(event: LiveEvent, channel: Channel, now: Date): TileData {
  const starts = new Date(event.startsAt);
  return {
    id: `upcoming-${event.id}`,
    title: event.title,
    subtitle: `${countdownLabel(countdown(starts, now))} · ${formatDate(starts)} ${formatTime(starts)}`,
    poster: event.poster,
    color: channel.color,
    channelName: channel.name,
    badge: null,
    progress: null,
    action: { kind: 'event', event },
  };
}

export function replayTile(replay: Replay, channel: Channel, resume: ResumePoint | undefined): TileData {
  return {
    id: `replay-${replay.id}`,
    title: replay.title,
    subtitle: `${channel.name} · ${durationLabel(replay.duration)}`,
    poster: replay.poster,
    color: channel.color,
    channelName: channel.name,
    badge: 'replay',
    progress: resume ? Math.min(1, resume.position / Math.max(1, replay.duration)) : null,
    action: { kind: 'play', playable: { kind: 'replay', replay }, startPosition: resume?.position },
  };
}

export function highlightTile(highlight: Highlight, channel: Channel): TileData {
  return {
    id: `highlight-${highlight.id}`,
    title: highlight.title,
    subtitle: `${channel.name} · ${durationLabel(highlight.duration)}`,
    poster: highlight.poster,
    color: channel.color,
    channelName: channel.name,
    badge: 'highlight',
    progress: null,
    action: { kind: 'play', playable: { kind: 'highlight', highlight } },
  };
}

/** One channel's rail: on air first, then replays, then highlights (phase-1 home and channel page). */
export function channelRail(rails: ChannelRails, now: Date, resume: ResumePoint[] = []): TileData[] {
  const { channel } = rails;
  const tiles: TileData[] = [];
  if (rails.onAir && isOnAir(rails.onAir, now)) tiles.push(liveTile(rails.onAir, channel, now));
  for (const r of rails.replays)
    tiles.push(
      replayTile(
        r,
        channel,
        resume.find((p) => p.id === r.id),
      ),
    );
  for (const h of rails.highlights) tiles.push(highlightTile(h, channel));
  return tiles;
}

export function channelIsLive(rails: ChannelRails, now: Date): boolean {
  return rails.onAir !== null && isOnAir(rails.onAir, now);
}

export interface HomeRail {
  id: 'live' | 'upcoming' | 'replays' | 'highlights' | 'continue';
  title: string;
  tiles: TileData[];
}

/** Newest first across channels. */
const byDateDesc =
  <T>(date: (x: T) => string) =>
  (a: T, b: T) =>
    Date.parse(date(b)) - Date.parse(date(a));

/** The home screen's rails across the four channels; empty rails are dropped. */
export function homeRails(home: HomeResponse, now: Date, resume: ResumePoint[] = []): HomeRail[] {
  const live: TileData[] = [];
  const upcoming: { at: number; tile: TileData }[] = [];
  const replays: { replay: Replay; channel: Channel }[] = [];
  const highlights: { highlight: Highlight; channel: Channel }[] = [];
  for (const rails of home.channels) {
    const { channel } = rails;
    if (rails.onAir && isOnAir(rails.onAir, now)) live.push(liveTile(rails.onAir, channel, now));
    for (const e of rails.upcoming) {
      if (e.status === 'scheduled' && Date.parse(e.startsAt) > now.getTime()) {
        upcoming.push({ at: Date.parse(e.startsAt), tile: upcomingTile(e, channel, now) });
      }
    }
    for (const replay of rails.replays) replays.push({ replay, channel });
    for (const highlight of rails.highlights) highlights.push({ highlight, channel });
  }
  const continueTiles: TileData[] = [];
  for (const point of resume) {
    const found = replays.find((r) => r.replay.id === point.id);
    if (found) continueTiles.push(replayTile(found.replay, found.channel, point));
  }
  const rails: HomeRail[] = [
    { id: 'live', title: t('rail.live'), tiles: live },
    {
      id: 'continue',
      title: t('rail.continue'),
      tiles: continueTiles.map((tile) => ({ ...tile, id: `continue-${tile.id}` })),
    },
    { id: 'upcoming', title: t('rail.upcoming'), tiles: upcoming.sort((a, b) => a.at - b.at).map((u) => u.tile) },
    {
      id: 'replays',
      title: t('rail.replays'),
      tiles: replays.sort(byDateDesc((r) => r.replay.publishedAt)).map((r) =>
        replayTile(
          r.replay,
          r.channel,
          resume.find((p) => p.id === r.replay.id),
        ),
      ),
    },
    {
      id: 'highlights',
      title: t('rail.highlights'),
      tiles: highlights
        .sort(byDateDesc((h) => h.highlight.publishedAt))
        .map((h) => highlightTile(h.highlight, h.channel)),
    },
  ];
  return rails.filter((r) => r.tiles.length > 0);
}

export interface HeroChoice {
  kind: 'live' | 'next';
  event: LiveEvent;
  channel: Channel;
}

/** The hero: an event on air (catalog channel order), else the next one to start. */
export function heroFor(home: HomeResponse, now: Date): HeroChoice | null {
  for (const rails of home.channels) {
    if (rails.onAir && isOnAir(rails.onAir, now)) return { kind: 'live', event: rails.onAir, channel: rails.channel };
  }
  let next: HeroChoice | null = null;
  for (const rails of home.channels) {
    for (const e of rails.upcoming) {
      if (e.status !== 'scheduled' || Date.parse(e.startsAt) <= now.getTime()) continue;
      if (!next || Date.parse(e.startsAt) < Date.parse(next.event.startsAt))
        next = { kind: 'next', event: e, channel: rails.channel };
    }
  }
  return next;
}

export type EventActionId = 'watchLive' | 'startOver' | 'resume' | 'fromStart' | 'watch' | 'highlight';

/** The actions of the event details page, in the order shown. */
export function eventActions(
  event: LiveEvent,
  replay: Replay | null,
  highlight: Highlight | null,
  resumePosition: number | null,
  now: Date,
): EventActionId[] {
  const actions: EventActionId[] = [];
  // « Depuis le début » of a live: the origin keeps a long window to rewind into.
  if (isOnAir(event, now) && event.playbackUrl) actions.push('watchLive', 'startOver');
  if (replay) {
    if (resumePosition !== null) actions.push('resume', 'fromStart');
    else actions.push('watch');
  }
  if (highlight) actions.push('highlight');
  return actions;
}

/** The channel page's rails: upcoming, replays, highlights of one channel. */
export function channelPageRails(rails: ChannelRails, now: Date, resume: ResumePoint[] = []): HomeRail[] {
  return homeRails({ generatedAt: now.toISOString(), channels: [rails] }, now, resume).filter(
    (r) => r.id !== 'live' && r.id !== 'continue',
  );
}

/** Looks a replay / highlights up in the home snapshot (the event page's related items). */
export function findReplay(home: HomeResponse | null, replayId: string | undefined): Replay | null {
  if (!home || !replayId) return null;
  for (const rails of home.channels) for (const r of rails.replays) if (r.id === replayId) return r;
  return null;
}

export function highlightsOfReplay(home: HomeResponse | null, replayId: string | undefined): Highlight[] {
  if (!home || !replayId) return [];
  return home.channels.flatMap((rails) => rails.highlights.filter((h) => h.replayId === replayId));
}

export function channelOf(home: HomeResponse | null, id: string): Channel | null {
  return home?.channels.find((r) => r.channel.id === id)?.channel ?? null;
}
