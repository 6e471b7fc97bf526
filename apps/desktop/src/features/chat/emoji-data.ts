import type { EmojiData, EmojiDataResolver } from 'frimousse';

/*
 * Emoji data for the picker from emojibase-data, bundled as lazy chunks (one per language) instead of
 * frimousse's default download from a public CDN: nothing leaves for a third party, it works offline
 * and in the desktop app, and the browser caches the hashed chunk.
 */

type Entry = {
  label: string;
  emoji: string;
  group?: number;
  subgroup?: number;
  order?: number;
  version: number;
  tags?: string[];
  skins?: { emoji: string; tone?: number | number[] }[];
};
type Messages = {
  groups: { key: string; message: string; order: number }[];
  subgroups: { key: string; order: number }[];
  skinTones: { key: string; message: string }[];
};

const loaders = {
  en: () => Promise.all([import('emojibase-data/en/data.json'), import('emojibase-data/en/messages.json')]),
  es: () => Promise.all([import('emojibase-data/es/data.json'), import('emojibase-data/es/messages.json')]),
};
const TONES = ['light', 'medium-light', 'medium', 'medium-dark', 'dark'] as const;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The newest emoji version this device draws (an unknown emoji renders as a monochrome box). */
export function supportedVersion(entries: Entry[], draws: (emoji: string) => boolean): number {
  const firstOfVersion = new Map<number, string>();
  for (const e of entries) if (!firstOfVersion.has(e.version)) firstOfVersion.set(e.version, e.emoji);
  const versions = [...firstOfVersion.keys()].sort((a, b) => b - a);
  // No colour emoji font at all (a bare Linux box): hiding everything would be worse than showing all.
  return versions.find((v) => draws(firstOfVersion.get(v) as string)) ?? versions[0] ?? 0;
}

/** Colour emoji ignore fillStyle: drawn in red and in blue, a supported emoji gives identical pixels. */
function drawsInColour(emoji: string): boolean {
  try {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!ctx) return true;
    ctx.canvas.width = 4;
    ctx.canvas.height = 4;
    ctx.font = '4px "Apple Color Emoji","Noto Color Emoji","Segoe UI Emoji",sans-serif';
    ctx.textBaseline = 'middle';
    const sample = (colour: string) => {
      ctx.clearRect(0, 0, 4, 4);
      ctx.fillStyle = colour;
      ctx.fillText(emoji, 0, 2);
      return ctx.getImageData(0, 0, 4, 4).data.join(',');
    };
    return sample('#f00') === sample('#00f');
  } catch {
    return true;
  }
}

export function toEmojiData(locale: string, entries: Entry[], messages: Messages, maxVersion: number): EmojiData {
  const flags = messages.subgroups.find((s) => s.key === 'country-flag')?.order;
  const groups = messages.groups.filter((g) => g.key !== 'component');
  const skinTones = Object.fromEntries(
    TONES.map((k) => [k, capital(messages.skinTones.find((s) => s.key === k)?.message ?? k)]),
  ) as EmojiData['skinTones'];
  const emojis = entries
    .filter((e) => e.group !== undefined && e.group !== 2 && e.version <= maxVersion)
    .map((e) => {
      const toned = (e.skins ?? []).filter((s) => typeof s.tone === 'number');
      return {
        emoji: e.emoji,
        category: e.group as number,
        label: capital(e.label),
        version: e.version,
        tags: e.tags ?? [],
        ...(flags !== undefined && e.subgroup === flags ? { countryFlag: true as const } : {}),
        ...(toned.length === TONES.length
          ? {
              skins: Object.fromEntries(toned.map((s) => [TONES[(s.tone as number) - 1], s.emoji])) as NonNullable<
                EmojiData['emojis'][number]['skins']
              >,
            }
          : {}),
      };
    });
  return {
    locale,
    emojis,
    categories: groups.map((g) => ({ index: g.order, label: capital(g.message) })),
    skinTones,
  };
}

export const resolveEmojiData: EmojiDataResolver = async (locale) => {
  const lang = locale === 'es' ? 'es' : 'en';
  const [data, messages] = await loaders[lang]();
  const entries = data.default as Entry[];
  return toEmojiData(lang, entries, messages.default as Messages, supportedVersion(entries, drawsInColour));
};
