// The QR code as a picture Lightning can draw (its own chunk: qrcode-generator is loaded only
// where a QR code is shown). The matrix is drawn black on white with the standard 4-module
// quiet zone, one whole number of pixels per module so that no module blurs.
import qrcode from 'qrcode-generator';

/** The modules of `text` (true = dark), error correction M: readable through a wall's glare. */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

/** A PNG data URL about `size` px wide (a whole number of px per module). */
export function qrDataUrl(text: string, size: number): string {
  const matrix = qrMatrix(text);
  const modules = matrix.length + 8;
  const cell = Math.max(1, Math.floor(size / modules));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = modules * cell;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000000';
  matrix.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) ctx.fillRect((c + 4) * cell, (r + 4) * cell, cell, cell);
    });
  });
  return canvas.toDataURL('image/png');
}
