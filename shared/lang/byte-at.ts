// Reading binary formats (MPEG-TS headers, an H.264 SPS): a byte past the end reads as 0, which is
// what the bitwise operators made of `undefined` anyway; the parsers check lengths where it matters.
export function byteAt(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}
