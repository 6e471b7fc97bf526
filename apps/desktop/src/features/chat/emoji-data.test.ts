import en from 'emojibase-data/en/data.json';
import enMessages from 'emojibase-data/en/messages.json';
import es from 'emojibase-data/es/data.json';
import esMessages from 'emojibase-data/es/messages.json';
import { beforeEach, describe, expect, it } from 'vitest';
import { supportedVersion, toEmojiData } from './emoji-data.ts';
import { recentEmoji, rememberEmoji } from './emoji-recent.ts';

type Entries = Parameters<typeof toEmojiData>[1];
type Messages = Parameters<typeof toEmojiData>[2];

describe('emoji data for the picker', () => {
  it('maps emojibase to categories, Spanish labels and tags, five skin tones, no components', () => {
    const data = toEmojiData('es', es as unknown as Entries, esMessages as unknown as Messages, 99);
    expect(data.categories[0]).toEqual({ index: 0, label: 'Emoticonos y emoción' });
    expect(data.categories.some((c) => c.label.toLowerCase().includes('componente'))).toBe(false);
    const wave = data.emojis.find((e) => e.emoji === '👋');
    expect(wave?.label).toBe('Mano saludando');
    expect(wave?.tags).toContain('saludo');
    expect(wave?.skins).toEqual({
      light: '👋🏻',
      'medium-light': '👋🏼',
      medium: '👋🏽',
      'medium-dark': '👋🏾',
      dark: '👋🏿',
    });
    expect(data.skinTones.dark).toBe('Tono de piel oscuro');
    expect(data.emojis.length).toBeGreaterThan(1800);
  });

  it('drops emoji newer than the device draws', () => {
    const entries = en as unknown as Entries;
    const all = toEmojiData('en', entries, enMessages as unknown as Messages, 99).emojis.length;
    const upTo13 = toEmojiData('en', entries, enMessages as unknown as Messages, 13).emojis;
    expect(upTo13.length).toBeLessThan(all);
    expect(upTo13.every((e) => e.version <= 13)).toBe(true);
    // The newest version whose sample this "device" draws wins.
    const versionOf = new Map(entries.map((e) => [e.emoji, e.version]));
    expect(supportedVersion(entries, (emoji) => (versionOf.get(emoji) ?? 0) <= 14)).toBe(14);
    const newest = Math.max(...entries.map((e) => e.version));
    expect(supportedVersion(entries, () => true)).toBe(newest);
    expect(supportedVersion(entries, () => false)).toBe(newest);
  });
});

describe('recent emoji', () => {
  beforeEach(() => localStorage.clear());
  it('keeps the newest first, once each, at most 24, and survives junk in storage', () => {
    for (const e of ['😀', '🎉', '😀']) rememberEmoji(e);
    expect(recentEmoji()).toEqual(['😀', '🎉']);
    for (let i = 0; i < 30; i++) rememberEmoji(String.fromCodePoint(0x1f600 + i));
    expect(recentEmoji()).toHaveLength(24);
    localStorage.setItem('charla.emoji.recent', '{not json');
    expect(recentEmoji()).toEqual([]);
  });
});
