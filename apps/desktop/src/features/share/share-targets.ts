/** Something to share out of Charla: a link (invite, channel), with a line of text to go with it. */
export type Shareable = { url?: string; text: string; title?: string };

export type ShareTarget = 'x' | 'facebook' | 'whatsapp' | 'telegram' | 'linkedin' | 'email';
export const SHARE_TARGETS: readonly ShareTarget[] = ['x', 'facebook', 'whatsapp', 'telegram', 'linkedin', 'email'];

const q = encodeURIComponent;
const joined = (s: Shareable) => (s.url ? `${s.text} ${s.url}` : s.text);

/**
 * Each network's documented share URL (web intents). Networks that only take a link (Facebook,
 * LinkedIn) are offered only when there is one.
 */
export function shareUrl(target: ShareTarget, s: Shareable): string | null {
  switch (target) {
    case 'x':
      return `https://twitter.com/intent/tweet?text=${q(s.text)}${s.url ? `&url=${q(s.url)}` : ''}`;
    case 'facebook':
      return s.url ? `https://www.facebook.com/sharer/sharer.php?u=${q(s.url)}` : null;
    case 'whatsapp':
      return `https://wa.me/?text=${q(joined(s))}`;
    case 'telegram':
      return s.url ? `https://t.me/share/url?url=${q(s.url)}&text=${q(s.text)}` : null;
    case 'linkedin':
      return s.url ? `https://www.linkedin.com/sharing/share-offsite/?url=${q(s.url)}` : null;
    case 'email':
      return `mailto:?subject=${q(s.title ?? s.text)}&body=${q(joined(s))}`;
  }
}
