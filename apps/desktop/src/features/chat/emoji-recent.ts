const KEY = 'charla.emoji.recent';
const MAX = 24;

/** Emoji picked recently on this device, newest first (composer and reactions share them). */
export function recentEmoji(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string' && e.length <= 32).slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberEmoji(emoji: string): void {
  const next = [emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or blocked: recents are a convenience.
  }
}
