// Where a published live slot's bytes are in a rendition, and how they are made continuous: the
// loop's source segment with its timestamps moved forward by whole loops, the slate's with its
// own moved slot by slot, an ingest unit as it is. Shared by the segment and part routes.
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { StreamMedia } from '../../media/manifest.ts';
import type { MediaLibrary } from '../files/media-library.ts';
import { outputKind } from '../live/live-channels.ts';
import type { LiveChannels } from '../live/live-channels.ts';
import type { Slot } from '../live/timeline.ts';
import { loopTimestampOffset, shiftTransportStream, shiftWebVtt } from '../live/timestamps.ts';

export type SlotBytes =
  | { path: string; tag: string; transform?: (bytes: Uint8Array) => Uint8Array }
  | { bytes: Uint8Array; tag: string };

export function slotSource(
  liveChannels: LiveChannels,
  library: MediaLibrary,
  stream: StreamMedia,
  slot: Slot,
  rendition: string,
  ext: string,
): SlotBytes | undefined {
  const channel = stream.id as ChannelId;
  const shift = (offset: number) =>
    ext === 'ts'
      ? (bytes: Uint8Array) => shiftTransportStream(bytes, offset)
      : (bytes: Uint8Array) => shiftVttBytes(bytes, offset);
  if (slot.kind === 'loop') {
    const source = slot.sourceIndex!;
    // Loop k's timestamps move forward by k loop durations so they never jump back (see live/timestamps.ts).
    const offset = loopTimestampOffset(
      Math.floor(slot.sequence / stream.segmentCount),
      Math.round(stream.duration * 90_000),
    );
    return {
      path: library.segmentFile(stream, rendition, source, ext),
      tag: `${library.manifest.version}-${stream.id}`,
      transform: shift(offset),
    };
  }
  const files = liveChannels.files;
  if (!files) return undefined;
  // The feed and the slate carry no subtitles: an empty cue file keeps the track going.
  if (outputKind(rendition) === 'subtitles') return { bytes: EMPTY_VTT, tag: `empty-${slot.kind}` };
  if (slot.kind === 'slate') {
    const slate = files.slate(channel, rendition);
    // The same 2 s again and again, each slot's timestamps where the previous one's ended.
    return (
      slate && {
        path: slate.path,
        tag: `slate-${channel}`,
        transform: shift(loopTimestampOffset(slot.sequence, Math.round(liveChannels.clock.segmentDuration * 90_000))),
      }
    );
  }
  const unit = slot.unit!;
  return {
    path: files.unit(channel, unit.session, rendition, unit.index),
    tag: `ingest-${unit.session}-${unit.index}`,
  };
}

const EMPTY_VTT = new TextEncoder().encode('WEBVTT\n\n');

function shiftVttBytes(bytes: Uint8Array, offset: number): Uint8Array {
  return new TextEncoder().encode(shiftWebVtt(new TextDecoder().decode(bytes), offset));
}
