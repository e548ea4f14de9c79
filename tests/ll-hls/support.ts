// What the LL-HLS tests share: fetching with the instant each answer arrived, and reading the
// LL-HLS lines of a playlist by hand (the tests' own reading, beside hls-parser's).

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  sentAt: number;
  receivedAt: number;
}

export async function get(url: string): Promise<Answer> {
  const sentAt = Date.now();
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, sentAt, receivedAt: Date.now() };
}

export interface ListedPart {
  msn: number;
  part: number;
  duration: number;
  independent: boolean;
  /** ms since the epoch at which it ends: its segment's EXT-X-PROGRAM-DATE-TIME + the parts up to it. */
  endsAt: number;
}

/** The playlist's lines, and what its LL-HLS tags say. */
export function readLowLatency(text: string) {
  const lines = text.trim().split('\n');
  const attr = (line: string, name: string) =>
    new RegExp(`[:,]${name}=("[^"]*"|[^,]*)`).exec(line)?.[1]?.replace(/^"|"$/g, '');
  const parts: ListedPart[] = [];
  const segments: { msn: number; duration: number; programDateTime: number }[] = [];
  let pdt = 0;
  let elapsed = 0;
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      pdt = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
      elapsed = 0;
    } else if (line.startsWith('#EXT-X-PART:')) {
      const uri = attr(line, 'URI') ?? '';
      const [, msn, part] = /^(\d+)\.(\d+)\.ts$/.exec(uri) ?? [];
      const duration = Number(attr(line, 'DURATION'));
      elapsed += duration;
      parts.push({
        msn: Number(msn),
        part: Number(part),
        duration,
        independent: attr(line, 'INDEPENDENT') === 'YES',
        endsAt: pdt + elapsed * 1000,
      });
    } else if (line.startsWith('#EXTINF:')) {
      segments.push({
        msn: Number(/^(\d+)\.ts$/.exec(lines[i + 1] ?? '')?.[1]),
        duration: Number.parseFloat(line.slice(8)),
        programDateTime: pdt,
      });
    }
  }
  const tag = (name: string) => lines.find((l) => l.startsWith(`#${name}:`));
  const hint = tag('EXT-X-PRELOAD-HINT');
  const serverControl = tag('EXT-X-SERVER-CONTROL') ?? '';
  return {
    lines,
    version: Number(tag('EXT-X-VERSION')?.split(':')[1]),
    targetDuration: Number(tag('EXT-X-TARGETDURATION')?.split(':')[1]),
    mediaSequence: Number(tag('EXT-X-MEDIA-SEQUENCE')?.split(':')[1]),
    partTarget: Number(attr(tag('EXT-X-PART-INF') ?? '', 'PART-TARGET')),
    serverControl: {
      canBlockReload: attr(serverControl, 'CAN-BLOCK-RELOAD'),
      partHoldBack: Number(attr(serverControl, 'PART-HOLD-BACK')),
      canSkipUntil: Number(attr(serverControl, 'CAN-SKIP-UNTIL')),
    },
    parts,
    segments,
    hint: hint ? { type: attr(hint, 'TYPE'), uri: attr(hint, 'URI') } : undefined,
    reports: lines
      .filter((l) => l.startsWith('#EXT-X-RENDITION-REPORT:'))
      .map((l) => ({
        uri: attr(l, 'URI'),
        lastMsn: Number(attr(l, 'LAST-MSN')),
        lastPart: Number(attr(l, 'LAST-PART')),
      })),
    skip: tag('EXT-X-SKIP'),
  };
}
