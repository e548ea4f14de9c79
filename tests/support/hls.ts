// Reading playlists in tests: the URIs of a media playlist's segments, in order.
export function parseMediaPlaylistUris(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}
