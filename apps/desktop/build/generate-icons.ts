/**
 * Writes build/icon.png (512x512) from the same pixel code as the tray icon, so the placeholder
 * artwork is reproducible without an image editor. electron-builder derives the Windows .ico and
 * macOS .icns from it. Also writes the web client's public/favicon.ico (16, 32 and 48 px PNGs in an
 * ICO container, which every browser reads). Run: node apps/desktop/build/generate-icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderAppIcon } from '../electron/main/tray-icon.ts';

const out = path.join(import.meta.dirname, 'icon.png');
fs.writeFileSync(out, renderAppIcon(512));
console.log(`wrote ${out}`);

/** An ICO file holding PNG images (allowed since Windows Vista; all browsers read it). */
function ico(pngs: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.data)]);
}

const favicon = path.join(import.meta.dirname, '../public/favicon.ico');
fs.mkdirSync(path.dirname(favicon), { recursive: true });
fs.writeFileSync(favicon, ico([16, 32, 48].map((size) => ({ size, data: renderAppIcon(size) }))));
console.log(`wrote ${favicon}`);
