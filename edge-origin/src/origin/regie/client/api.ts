// The staff API as the régie uses it: typed answers, the token from the session (shared with the
// other staff pages), errors carrying the API's own message.
export type IngestState = 'waiting' | 'receiving' | 'slate';

export interface ChannelIngest {
  channel: string;
  state: IngestState;
  ports: { srt?: number; rtmp?: number };
  feed?: {
    protocol: 'srt' | 'rtmp';
    since: string;
    input: { format: string; video?: { codec: string; width: number; height: number; fps: number }; audio?: { codec: string; sampleRate: number; channels: string } };
    bitrateKbps: number;
    droppedFrames: number;
    speed: number;
    secondsSinceKeyframe: number | null;
    segments: number;
  };
  packagerLagMs: number | null;
  lastSegmentAt: string | null;
  restarts: number;
  lastRefusal: { at: string; protocol: string; reason: string } | null;
  lastDrop: string | null;
}

export interface IngestDetails extends ChannelIngest {
  streamKey: string;
  urls: { srt?: string; rtmp?: { server: string; streamKey: string; url: string } };
}

export interface LiveEvent {
  id: string;
  channelId: string;
  title: string;
  status: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'citetv-staff-token';
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

async function call<T>(method: string, path: string): Promise<T> {
  const response = await fetch(`/api/v1${path}`, { method, headers: { authorization: `Bearer ${session.token() ?? ''}` }, cache: 'no-store' });
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok) throw new ApiError(response.status, body?.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

export const api = {
  ingest: () => call<{ channels: ChannelIngest[] }>('GET', '/staff/ingest'),
  ingestDetails: (channel: string) => call<IngestDetails>('GET', `/staff/ingest/${channel}`),
  rotateKey: (channel: string) => call<IngestDetails>('POST', `/staff/ingest/${channel}/key`),
  liveEvents: async () => (await call<{ items: LiveEvent[] }>('GET', '/events?limit=100')).items.filter((e) => e.status === 'live'),
};
