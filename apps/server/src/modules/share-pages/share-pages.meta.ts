import type { ConversationRecord } from '../../storage/ports.ts';

/** What a shared link unfurls to on a social network (Open Graph and Twitter Card tags). */
export type ShareCard = { title: string; description: string; url: string; image?: string | undefined };

const strings = {
  en: {
    members: (n: number) => (n === 1 ? '1 member' : `${n} members`),
    group: (name: string) => `Join the group “${name}” on Charla`,
    channel: (name: string) => `Join the channel “${name}” on Charla`,
    channelPage: (name: string) => `“${name}”, a channel on Charla`,
  },
  es: {
    members: (n: number) => (n === 1 ? '1 miembro' : `${n} miembros`),
    group: (name: string) => `Únete al grupo «${name}» en Charla`,
    channel: (name: string) => `Únete al canal «${name}» en Charla`,
    channelPage: (name: string) => `«${name}», un canal en Charla`,
  },
};
export type ShareLanguage = keyof typeof strings;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * An invite's card. A private group shows only its name and member count; a channel (public by
 * nature) also its description and picture (`image`: the public channel image page, given only for
 * channels). Nothing else: no members, no messages, no media capability URLs.
 */
export function inviteCard(
  c: ConversationRecord,
  memberCount: number,
  url: string,
  lang: ShareLanguage,
  image?: string,
): ShareCard {
  const s = strings[lang];
  const name = clip(c.title ?? 'Charla', 100);
  const members = s.members(memberCount);
  if (c.kind !== 'channel') return { title: s.group(name), description: members, url };
  return { title: s.channel(name), description: channelDescription(c, members), url, image };
}

const channelDescription = (c: ConversationRecord, members: string) =>
  c.description ? `${members} · ${clip(c.description, 200)}` : members;

/** A public channel's own page (/channel/<id>): as its invite card, titled as the channel itself. */
export function channelCard(...args: Parameters<typeof inviteCard>): ShareCard {
  const [c, , , lang] = args;
  return { ...inviteCard(...args), title: strings[lang].channelPage(clip(c.title ?? 'Charla', 100)) };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** The <head> tags for a card; every value is escaped (titles are user text). */
export function cardTags(card: ShareCard): string {
  const tags: [string, string, string][] = [
    ['property', 'og:type', 'website'],
    ['property', 'og:site_name', 'Charla'],
    ['property', 'og:title', card.title],
    ['property', 'og:description', card.description],
    ['property', 'og:url', card.url],
    ['name', 'twitter:card', 'summary'],
    ['name', 'twitter:title', card.title],
    ['name', 'twitter:description', card.description],
    ...(card.image
      ? ([
          ['property', 'og:image', card.image],
          ['name', 'twitter:image', card.image],
        ] as [string, string, string][])
      : []),
    ['name', 'description', card.description],
    // A shared link is for the people it was sent to, not for search engines.
    ['name', 'robots', 'noindex'],
  ];
  return tags.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${escapeHtml(value)}">`).join('');
}

/** The web client's index.html with the card's tags (and title) in its <head>. */
export function withCard(indexHtml: string, card: ShareCard): string {
  const titled = indexHtml.replace(/<title>[^<]*<\/title>/i, `<title>${escapeHtml(card.title)}</title>`);
  return titled.replace(/<\/head>/i, `${cardTags(card)}</head>`);
}
