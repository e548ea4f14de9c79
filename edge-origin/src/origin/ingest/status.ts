// What the staff see of a channel's ingest (`GET /api/v1/staff/ingest`): plain types with no
// runtime behind them, so the régie's browser code can import them too.
import type { ChannelId } from '../../../../shared/catalog/types.ts';
import type { Protocol } from './commands.ts';
import type { InputInfo } from './ffmpeg-log.ts';

export type IngestState = 'waiting' | 'receiving' | 'slate';

export interface ChannelIngestStatus {
  channel: ChannelId;
  state: IngestState;
  ports: Partial<Record<Protocol, number>>;
  /** The feed on air, when receiving. */
  feed?: {
    protocol: Protocol;
    since: string;
    input: InputInfo;
    bitrateKbps: number;
    droppedFrames: number;
    /** Transcoding speed against real time (below 1: this machine cannot keep up). */
    speed: number;
    secondsSinceKeyframe: number | null;
    segments: number;
    /** The feed's own picture is the top rendition (copied, not encoded again). */
    passthrough: boolean;
  };
  packagerLagMs: number | null;
  lastSegmentAt: string | null;
  restarts: number;
  lastRefusal: { at: string; protocol: Protocol; reason: string } | null;
  /** The last feed lost while on air, and why (the encoder went, fell silent, the transcoder died…). */
  lastDrop: { at: string; protocol: Protocol; cause: string } | null;
}
