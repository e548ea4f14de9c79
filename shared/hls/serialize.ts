// Model → playlist text. See model.ts for why this is ours and not hls-parser's stringify.
import type {
  AlternativeRendition,
  DateRange,
  LowLatencyInfo,
  MasterPlaylist,
  MediaPlaylist,
  PartialSegment,
  Playlist,
  VariantStream,
} from './model.ts';

export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';

export function serializePlaylist(playlist: Playlist): string {
  return playlist.kind === 'master' ? serializeMaster(playlist) : serializeMedia(playlist);
}

export function serializeMaster(playlist: MasterPlaylist): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${playlist.version}`];
  if (playlist.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  for (const rendition of playlist.renditions) lines.push(mediaTag(rendition));
  for (const variant of playlist.variants) lines.push(streamInfTag(variant), variant.uri);
  return `${lines.join('\n')}\n`;
}

export function serializeMedia(playlist: MediaPlaylist): string {
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${playlist.version}`,
    `#EXT-X-TARGETDURATION:${playlist.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${playlist.mediaSequence}`,
  ];
  const ll = playlist.lowLatency;
  if (ll) lines.push(serverControlTag(ll), `#EXT-X-PART-INF:PART-TARGET=${formatDecimal(ll.partTarget)}`);
  if (playlist.discontinuitySequence > 0) {
    lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${playlist.discontinuitySequence}`);
  }
  if (playlist.playlistType) lines.push(`#EXT-X-PLAYLIST-TYPE:${playlist.playlistType}`);
  if (playlist.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  for (const range of playlist.dateRanges ?? []) lines.push(dateRangeTag(range));
  if (ll?.skip) {
    const removed = ll.skip.recentlyRemovedDateRanges;
    lines.push(
      `#EXT-X-SKIP:SKIPPED-SEGMENTS=${ll.skip.skippedSegments}${removed ? `,RECENTLY-REMOVED-DATERANGES=${quoted(removed.join('\t'))}` : ''}`,
    );
  }
  for (const segment of playlist.segments) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.programDateTime !== undefined) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.programDateTime).toISOString()}`);
    }
    for (const part of segment.parts ?? []) lines.push(partTag(part));
    if (segment.gap) lines.push('#EXT-X-GAP');
    lines.push(`#EXTINF:${formatDecimal(segment.duration)},`, segment.uri);
  }
  if (ll?.pending) {
    if (ll.pending.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (ll.pending.programDateTime !== undefined)
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(ll.pending.programDateTime).toISOString()}`);
    for (const part of ll.pending.parts) lines.push(partTag(part));
  }
  if (ll?.preloadHint) lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI=${quoted(ll.preloadHint)}`);
  for (const report of ll?.renditionReports ?? []) {
    lines.push(
      `#EXT-X-RENDITION-REPORT:URI=${quoted(report.uri)},LAST-MSN=${report.lastMsn},LAST-PART=${report.lastPart}`,
    );
  }
  if (playlist.endList) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

function serverControlTag(ll: LowLatencyInfo): string {
  const c = ll.serverControl;
  const attrs = [`CAN-BLOCK-RELOAD=${yesNo(c.canBlockReload)}`, `PART-HOLD-BACK=${formatDecimal(c.partHoldBack)}`];
  if (c.canSkipUntil !== undefined) attrs.push(`CAN-SKIP-UNTIL=${formatDecimal(c.canSkipUntil)}`);
  if (c.canSkipDateRanges) attrs.push('CAN-SKIP-DATERANGES=YES');
  return `#EXT-X-SERVER-CONTROL:${attrs.join(',')}`;
}

function partTag(part: PartialSegment): string {
  return `#EXT-X-PART:DURATION=${formatDecimal(part.duration)},URI=${quoted(part.uri)}${part.independent ? ',INDEPENDENT=YES' : ''}${part.gap ? ',GAP=YES' : ''}`;
}

function mediaTag(r: AlternativeRendition): string {
  const attrs: string[] = [`TYPE=${r.type}`, `GROUP-ID=${quoted(r.groupId)}`, `NAME=${quoted(r.name)}`];
  if (r.language) attrs.push(`LANGUAGE=${quoted(r.language)}`);
  attrs.push(`DEFAULT=${yesNo(r.isDefault)}`, `AUTOSELECT=${yesNo(r.autoselect)}`);
  if (r.type === 'SUBTITLES') attrs.push(`FORCED=${yesNo(r.forced ?? false)}`);
  if (r.channels) attrs.push(`CHANNELS=${quoted(r.channels)}`);
  attrs.push(`URI=${quoted(r.uri)}`);
  return `#EXT-X-MEDIA:${attrs.join(',')}`;
}

function streamInfTag(v: VariantStream): string {
  const attrs: string[] = [`BANDWIDTH=${Math.round(v.bandwidth)}`];
  if (v.averageBandwidth !== undefined) attrs.push(`AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth)}`);
  attrs.push(`CODECS=${quoted(v.codecs)}`);
  if (v.resolution) attrs.push(`RESOLUTION=${v.resolution.width}x${v.resolution.height}`);
  if (v.frameRate !== undefined) attrs.push(`FRAME-RATE=${v.frameRate.toFixed(3)}`);
  if (v.audio) attrs.push(`AUDIO=${quoted(v.audio)}`);
  if (v.subtitles) attrs.push(`SUBTITLES=${quoted(v.subtitles)}`);
  return `#EXT-X-STREAM-INF:${attrs.join(',')}`;
}

function dateRangeTag(d: DateRange): string {
  const attrs: string[] = [`ID=${quoted(d.id)}`];
  if (d.class) attrs.push(`CLASS=${quoted(d.class)}`);
  attrs.push(`START-DATE=${quoted(new Date(d.startDate).toISOString())}`);
  if (d.duration !== undefined) attrs.push(`DURATION=${formatDecimal(d.duration)}`);
  if (d.plannedDuration !== undefined) attrs.push(`PLANNED-DURATION=${formatDecimal(d.plannedDuration)}`);
  for (const [name, value] of Object.entries(d.clientAttributes ?? {})) {
    if (!/^X-[A-Z0-9-]+$/.test(name)) throw new Error(`Invalid DATERANGE client attribute name: ${name}`);
    const text =
      typeof value === 'string' ? quoted(value) : typeof value === 'number' ? formatDecimal(value) : value.enumerated;
    attrs.push(`${name}=${text}`);
  }
  return `#EXT-X-DATERANGE:${attrs.join(',')}`;
}

function quoted(value: string): string {
  // Quoted-string attribute values cannot contain a double quote or a line break (RFC 8216 §4.2).
  if (/["\r\n]/.test(value)) throw new Error(`Invalid HLS quoted-string: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

function yesNo(flag: boolean): 'YES' | 'NO' {
  return flag ? 'YES' : 'NO';
}

/** EXTINF value: 3 decimals when exact (2 → "2.000"), else 6 (2.005333). */
function formatDecimal(value: number): string {
  const micros = Math.round(value * 1e6);
  return micros % 1000 === 0 ? value.toFixed(3) : value.toFixed(6);
}
