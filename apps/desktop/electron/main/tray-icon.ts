/**
 * Draws the tray icon, the unread badge and the app icon as pixels: a speech bubble, plus a red pill
 * with the count in a 3x5 bitmap font. No canvas, no SVG (nativeImage cannot rasterise SVG).
 */
import { type Bitmap, createBitmap, encodePng, type Rgba, setPixel } from './png.ts';

const GLYPHS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};

const BRAND: Rgba = [37, 99, 235, 255];
const BADGE: Rgba = [220, 38, 38, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/** '' for zero, the number up to 99, then '99+'. */
export function badgeLabel(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '';
  const n = Math.floor(count);
  return n > 99 ? '99+' : String(n);
}

function fillCircle(b: Bitmap, cx: number, cy: number, r: number, color: Rgba): void {
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++)
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++)
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) setPixel(b, x, y, color);
}

function fillRect(b: Bitmap, x0: number, y0: number, w: number, h: number, color: Rgba): void {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) setPixel(b, x, y, color);
}

/** Width in pixels of `text` at `scale` (glyphs 3 wide, 1 column gap). */
export function textWidth(text: string, scale: number): number {
  return text.length ? (text.length * 4 - 1) * scale : 0;
}

export function drawText(b: Bitmap, text: string, x0: number, y0: number, scale: number, color: Rgba): void {
  let x = x0;
  for (const ch of text) {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new Error(`no glyph for ${JSON.stringify(ch)}`);
    glyph.forEach((row, gy) => {
      for (let gx = 0; gx < 3; gx++)
        if (row[gx] === '1') fillRect(b, x + gx * scale, y0 + gy * scale, scale, scale, color);
    });
    x += 4 * scale;
  }
}

/** The Charla mark: a round speech bubble with a tail and three dots. */
function drawBubble(b: Bitmap, size: number): void {
  const r = size * 0.4;
  const cx = size / 2;
  const cy = size * 0.46;
  fillCircle(b, cx, cy, r, BRAND);
  // tail: a small triangle at the lower left
  for (let i = 0; i < size * 0.22; i++)
    fillRect(
      b,
      Math.round(cx - r * 0.7),
      Math.round(cy + r * 0.5 + i),
      Math.max(1, Math.round(size * 0.22 - i)),
      1,
      BRAND,
    );
  const dot = Math.max(1, size * 0.06);
  for (const dx of [-1, 0, 1]) fillCircle(b, cx + dx * size * 0.17, cy, dot, WHITE);
}

function drawPill(b: Bitmap, label: string, scale: number, right: number, bottom: number): void {
  const pad = scale + 1;
  const h = 5 * scale + pad * 2;
  const w = Math.max(h, textWidth(label, scale) + pad * 2);
  const x0 = right - w;
  const y0 = bottom - h;
  const r = h / 2;
  fillRect(b, Math.round(x0 + r), y0, Math.round(w - 2 * r), h, BADGE);
  fillCircle(b, x0 + r, y0 + r, r, BADGE);
  fillCircle(b, x0 + w - r, y0 + r, r, BADGE);
  drawText(b, label, Math.round(x0 + (w - textWidth(label, scale)) / 2), y0 + pad, scale, WHITE);
}

/** The Linux tray image: the mark with the unread count drawn in (badge counts need Unity there). */
export function renderTrayIcon(count: number, size = 32): Buffer {
  const b = createBitmap(size, size);
  drawBubble(b, size);
  const label = badgeLabel(count);
  if (label) drawPill(b, label, label.length > 2 ? 1 : Math.max(1, Math.floor(size / 16)), size, size);
  return encodePng(b);
}

/** The Windows taskbar overlay (16x16): just the pill; null when nothing is unread. */
export function renderOverlayIcon(count: number): Buffer | null {
  const label = badgeLabel(count);
  if (!label) return null;
  const b = createBitmap(16, 16);
  drawPill(b, label, 1, 16, 16);
  return encodePng(b);
}

/** The application icon (512x512 for Linux; electron-builder derives the others). */
export function renderAppIcon(size = 512): Buffer {
  const b = createBitmap(size, size);
  drawBubble(b, size);
  return encodePng(b);
}
