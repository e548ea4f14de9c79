// The ingest's Prometheus metrics (prom-client), on their own registry: the staff API serves them
// at `/api/v1/staff/ingest/metrics` (bearer token, as Prometheus can send).
import { Counter, Gauge, Registry } from 'prom-client';

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

export function createIngestMetrics() {
  const registry = new Registry();
  const labelNames = ['channel'] as const;
  return {
    registry,
    receiving: new Gauge({
      name: 'ingest_receiving',
      help: '1 while a publisher is on air on the channel',
      labelNames,
      registers: [registry],
    }),
    bitrate: new Gauge({
      name: 'ingest_input_bitrate_bits',
      help: 'Bits per second the publisher sends (last 5 s)',
      labelNames,
      registers: [registry],
    }),
    packagerLag: new Gauge({
      name: 'ingest_packager_lag_seconds',
      help: 'From a segment being complete in every rendition to its slot being published, last segment',
      labelNames,
      registers: [registry],
    }),
    segments: new Counter({
      name: 'ingest_segments_total',
      help: 'Segments of a feed put on air',
      labelNames,
      registers: [registry],
    }),
    slateSeconds: new Counter({
      name: 'ingest_slate_seconds_total',
      help: 'Seconds of slate put on air',
      labelNames,
      registers: [registry],
    }),
    drops: new Counter({
      name: 'ingest_feed_drops_total',
      help: 'Feeds lost while on air',
      labelNames,
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'ingest_refusals_total',
      help: 'Publishers refused',
      labelNames: ['channel', 'protocol', 'reason'] as const,
      registers: [registry],
    }),
    restarts: new Counter({
      name: 'ingest_ffmpeg_restarts_total',
      help: 'ffmpeg processes that exited on their own and were started again',
      labelNames: ['channel', 'role'] as const,
      registers: [registry],
    }),
  };
}
