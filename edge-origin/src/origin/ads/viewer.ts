// Who is asking, for frequency caps and impressions. hls.js adds `_HLS_primary_id` (its playback
// session) to every asset-list request; the TV player also sends CMCD with a session id (`sid`),
// as a `CMCD=` query parameter or a `CMCD-Session` header. An explicit `viewer` parameter (the
// tracking URLs carry it) wins. Without any, the request is anonymous: decided fresh each time.

import { cmcdSessionId } from '../../../../shared/cmcd/cmcd.ts';

/** The `sid` of a CMCD payload (`sid="abc",br=800,...`), if any (shared/cmcd/cmcd.ts). */
export { cmcdSessionId };

export function viewerIdOf(req: Request): string | undefined {
  const url = new URL(req.url);
  const id =
    url.searchParams.get('viewer') ||
    url.searchParams.get('_HLS_primary_id') ||
    cmcdSessionId(url.searchParams.get('CMCD')) ||
    cmcdSessionId(req.headers.get('cmcd-session'));
  // Ids become Redis key parts: keep them short and printable.
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
}
