/**
 * Writes build/icon.png (512x512) from the same pixel code as the tray icon, so the placeholder
 * artwork is reproducible without an image editor. electron-builder derives the Windows .ico and
 * macOS .icns from it. Run: node apps/desktop/build/generate-icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderAppIcon } from '../electron/main/tray-icon.ts';

const out = path.join(import.meta.dirname, 'icon.png');
fs.writeFileSync(out, renderAppIcon(512));
console.log(`wrote ${out}`);
