// A big phone photo is made smaller before it leaves the phone: over 4G a 4 MB picture takes
// seconds the spectator does not need to wait, and the screen shows at most 1920 px anyway. Done
// by the browser's own decoder (orientation applied), in JPEG. Any failure (an old browser, a
// format the browser cannot draw, like HEIC on Android): the original is sent and the server decides.
const LONG_SIDE = 2048;
const WORTH_IT_BYTES = 1.5 * 1024 * 1024;

export async function shrink(file: File): Promise<Blob> {
  if (file.size < WORTH_IT_BYTES || typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;
  }
}
