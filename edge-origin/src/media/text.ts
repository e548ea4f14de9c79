// Text drawn on the demo pictures. Given to ffmpeg's drawtext through text files (textfile=)
// so apostrophes, colons and accents ("C'Sport", "Événement : 20:30") need no escaping.

/** Breaks a title into lines of at most `width` characters, at spaces. */
export function wrapText(text: string, width: number, maxLines = 3): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    const last = lines.pop() ?? '';
    lines.push(`${last.replace(/\s*\S*$/, '')} …`);
  }
  return lines.join('\n');
}

/** `HH:MM:SS` of a number of seconds. */
export function hms(seconds: number): string {
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
