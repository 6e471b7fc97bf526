// @vitest-environment node
import { inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { createBadge, normalizeCount } from './badge.ts';
import { buildTrayMenu, createTrayController, shouldHideOnClose, type TrayMenuItem } from './tray.ts';
import { badgeLabel, renderAppIcon, renderOverlayIcon, renderTrayIcon } from './tray-icon.ts';

/** Decodes our own PNGs (RGBA, filter 0) so tests can look at pixels. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  let offset = 8;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + len));
    offset += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  return { width, height, rgba };
}

const countColour = (img: { rgba: Buffer }, [r, g, b]: [number, number, number]) => {
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4)
    if (img.rgba[i] === r && img.rgba[i + 1] === g && img.rgba[i + 2] === b && img.rgba[i + 3] === 255) n++;
  return n;
};
const RED: [number, number, number] = [220, 38, 38];
const WHITE: [number, number, number] = [255, 255, 255];

describe('badge label and images', () => {
  it.each([
    [0, ''],
    [-3, ''],
    [Number.NaN, ''],
    [1, '1'],
    [42, '42'],
    [99, '99'],
    [100, '99+'],
    [1e6, '99+'],
  ])('%d -> %j', (n, label) => expect(badgeLabel(n)).toBe(label));

  it('draws the count into the tray icon (different counts, different pixels)', () => {
    const none = decodePng(renderTrayIcon(0));
    const one = decodePng(renderTrayIcon(1));
    const many = decodePng(renderTrayIcon(100));
    expect(none.width).toBe(32);
    expect(countColour(none, RED)).toBe(0);
    expect(countColour(one, RED)).toBeGreaterThan(20);
    expect(one.rgba.equals(decodePng(renderTrayIcon(7)).rgba)).toBe(false);
    expect(countColour(many, WHITE)).toBeGreaterThan(countColour(one, WHITE) - 10);
  });

  it('has no Windows overlay at zero and a 16x16 one otherwise', () => {
    expect(renderOverlayIcon(0)).toBeNull();
    const img = decodePng(renderOverlayIcon(5) as Buffer);
    expect([img.width, img.height]).toEqual([16, 16]);
    expect(countColour(img, RED)).toBeGreaterThan(10);
  });

  it('renders a 512x512 app icon', () => {
    const img = decodePng(renderAppIcon());
    expect([img.width, img.height]).toEqual([512, 512]);
  });
});

function targets(platform: NodeJS.Platform) {
  const setBadgeCount = vi.fn();
  const setOverlayIcon = vi.fn();
  const tray = { setImage: vi.fn(), setToolTip: vi.fn() };
  const badge = createBadge<Buffer>({
    platform,
    setBadgeCount,
    overlay: () => ({ setOverlayIcon }),
    tray: () => tray,
    imageFromPng: (png) => png,
  });
  return { badge, setBadgeCount, setOverlayIcon, tray };
}

describe('badge per OS', () => {
  it('macOS: dock badge count', () => {
    const t = targets('darwin');
    t.badge.set(3);
    expect(t.setBadgeCount).toHaveBeenCalledWith(3);
    expect(t.setOverlayIcon).not.toHaveBeenCalled();
    expect(t.tray.setToolTip).toHaveBeenLastCalledWith('Charla — 3 unread');
  });

  it('Windows: overlay icon, cleared at zero', () => {
    const t = targets('win32');
    t.badge.set(4);
    expect(t.setOverlayIcon.mock.calls[0]?.[0]).toBeInstanceOf(Buffer);
    expect(t.setOverlayIcon.mock.calls[0]?.[1]).toBe('4 unread');
    t.badge.set(0);
    expect(t.setOverlayIcon).toHaveBeenLastCalledWith(null, '');
  });

  it('Linux: tray image with the count drawn in', () => {
    const t = targets('linux');
    t.badge.set(12);
    const image = t.tray.setImage.mock.calls[0]?.[0] as Buffer;
    expect(image.equals(renderTrayIcon(12))).toBe(true);
  });

  it('does not redraw an unchanged count and clamps hostile values', () => {
    const t = targets('linux');
    t.badge.set(2);
    t.badge.set(2);
    expect(t.tray.setImage).toHaveBeenCalledTimes(1);
    t.badge.set(-5);
    expect(t.badge.count()).toBe(0);
    t.badge.set(Number.POSITIVE_INFINITY);
    expect(t.badge.count()).toBe(0);
    expect(normalizeCount(2.7)).toBe(2);
    expect(normalizeCount(1e12)).toBe(1_000_000);
  });
});

describe('tray', () => {
  const actions = () => ({ open: vi.fn(), openConversation: vi.fn(), setDoNotDisturb: vi.fn(), quit: vi.fn() });
  const item = (menu: TrayMenuItem[], id: string) =>
    menu.find((i) => 'id' in i && i.id === id) as TrayMenuItem & {
      label: string;
      click: () => void;
      checked?: boolean;
    };

  it('menu: open (with unread count), do not disturb checkbox, quit', () => {
    const a = actions();
    const menu = buildTrayMenu({ unread: 3, doNotDisturb: false, recent: [] }, a);
    expect(menu.map((i) => ('id' in i ? i.id : i.type))).toEqual(['open', 'dnd', 'separator', 'quit']);
    expect(item(menu, 'open').label).toBe('Open Charla (3 unread)');
    expect(item(menu, 'dnd').checked).toBe(false);
    item(menu, 'dnd').click();
    expect(a.setDoNotDisturb).toHaveBeenCalledWith(true);
    item(menu, 'quit').click();
    expect(a.quit).toHaveBeenCalled();
    expect(item(buildTrayMenu({ unread: 0, doNotDisturb: true, recent: [] }, a), 'dnd').checked).toBe(true);
  });

  it('menu: the latest conversations (at most five, unread counts, & shown literally) open on click', () => {
    const a = actions();
    const recent = Array.from({ length: 7 }, (_, i) => ({
      conversationId: `c${i}`,
      title: i === 0 ? 'Ana & Ben' : `Chat ${i}`,
      unread: i === 1 ? 250 : i,
    }));
    const menu = buildTrayMenu({ unread: 0, doNotDisturb: false, recent }, a);
    expect(menu.map((i) => ('id' in i ? i.id : i.type))).toEqual([
      'open',
      'separator',
      'conversation:c0',
      'conversation:c1',
      'conversation:c2',
      'conversation:c3',
      'conversation:c4',
      'separator',
      'dnd',
      'separator',
      'quit',
    ]);
    expect(item(menu, 'conversation:c0').label).toBe('Ana && Ben');
    expect(item(menu, 'conversation:c1').label).toBe('Chat 1 (99+)');
    expect(item(menu, 'conversation:c3').label).toBe('Chat 3 (3)');
    item(menu, 'conversation:c2').click();
    expect(a.openConversation).toHaveBeenCalledWith('c2');
  });

  it('controller rebuilds the menu only when state changes; click opens (not on macOS)', () => {
    const a = actions();
    const menus: TrayMenuItem[][] = [];
    let click: (() => void) | undefined;
    const c = createTrayController<string, TrayMenuItem[]>({
      createTray: () => ({
        setContextMenu: (m) => menus.push(m),
        setToolTip: vi.fn(),
        setImage: vi.fn(),
        on: (_e, l) => {
          click = l;
        },
        destroy: vi.fn(),
      }),
      buildMenu: (t) => t,
      initialImage: 'img',
      actions: a,
      platform: 'linux',
    });
    c.update({ unread: 2 });
    c.update({ unread: 2 });
    c.update({ doNotDisturb: true });
    expect(menus).toHaveLength(3);
    expect(item(menus[2] as TrayMenuItem[], 'dnd').checked).toBe(true);
    expect(c.state()).toEqual({ unread: 2, doNotDisturb: true, recent: [] });
    c.update({ recent: [{ conversationId: 'c1', title: 'Ana', unread: 1 }] });
    expect(menus).toHaveLength(4);
    expect(item(menus[3] as TrayMenuItem[], 'conversation:c1').label).toBe('Ana (1)');
    click?.();
    expect(a.open).toHaveBeenCalled();
  });

  it('close-to-tray hides the window unless quitting or there is no tray', () => {
    expect(shouldHideOnClose({ closeToTray: true, quitting: false, hasTray: true })).toBe(true);
    expect(shouldHideOnClose({ closeToTray: true, quitting: true, hasTray: true })).toBe(false);
    expect(shouldHideOnClose({ closeToTray: true, quitting: false, hasTray: false })).toBe(false);
    expect(shouldHideOnClose({ closeToTray: false, quitting: false, hasTray: true })).toBe(false);
  });
});
