import type { Mail } from '../../mail/mailer.ts';

export type DigestConversation = {
  /** The chat's name as the reader sees it (the other person, or the group's title). */
  name: string;
  count: number;
  mentions: number;
  /** Newest first, at most three: "Ana: hi" (empty when content is hidden or encrypted). */
  lines: string[];
};

export type DigestMailInput = {
  to: string;
  locale: 'en' | 'es';
  /** "Hide content": counts only, no chat names, no senders, no text. */
  hideContent: boolean;
  conversations: DigestConversation[];
  /** Opens Charla (the newest conversation when there is one). */
  openUrl: string;
  /** The page that turns the digest off with the mailed single-use token. */
  unsubscribeUrl: string;
  /** RFC 8058 one-click endpoint (POST), for mail clients' own unsubscribe button. */
  oneClickUrl: string;
};

const words = {
  en: {
    subject: (n: number) =>
      n === 1 ? 'You have 1 unread message on Charla' : `You have ${n} unread messages on Charla`,
    intro: 'While you were away:',
    hidden: (n: number, chats: number) =>
      `${n === 1 ? '1 new message' : `${n} new messages`} in ${chats === 1 ? '1 chat' : `${chats} chats`}.`,
    line: (name: string, count: number, mentions: number) =>
      `${name}: ${count === 1 ? '1 new message' : `${count} new messages`}${mentions ? ` (${mentions === 1 ? '1 mention' : `${mentions} mentions`})` : ''}`,
    open: 'Open Charla',
    why: 'You get this because you turned on email for missed messages (at most one an hour).',
    unsubscribe: 'Stop these emails',
  },
  es: {
    subject: (n: number) =>
      n === 1 ? 'Tienes 1 mensaje sin leer en Charla' : `Tienes ${n} mensajes sin leer en Charla`,
    intro: 'Mientras no estabas:',
    hidden: (n: number, chats: number) =>
      `${n === 1 ? '1 mensaje nuevo' : `${n} mensajes nuevos`} en ${chats === 1 ? '1 chat' : `${chats} chats`}.`,
    line: (name: string, count: number, mentions: number) =>
      `${name}: ${count === 1 ? '1 mensaje nuevo' : `${count} mensajes nuevos`}${mentions ? ` (${mentions === 1 ? '1 mención' : `${mentions} menciones`})` : ''}`,
    open: 'Abrir Charla',
    why: 'Recibes esto porque activaste el correo de mensajes perdidos (como mucho uno por hora).',
    unsubscribe: 'No enviarme más estos correos',
  },
} as const;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The missed-messages digest; with hidden content it names chats and counts only. */
export function digestMail(input: DigestMailInput): Mail {
  const w = words[input.locale];
  const total = input.conversations.reduce((n, c) => n + c.count, 0);
  const blocks = input.hideContent
    ? [{ heading: w.hidden(total, input.conversations.length), lines: [] as string[] }]
    : input.conversations.map((c) => ({ heading: w.line(c.name, c.count, c.mentions), lines: c.lines }));
  const text = [
    w.intro,
    '',
    ...blocks.flatMap((b) => [b.heading, ...b.lines.map((l) => `  ${l}`), '']),
    `${w.open}: ${input.openUrl}`,
    '',
    w.why,
    `${w.unsubscribe}: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(w.intro)}</p>`,
    ...blocks.map(
      (b) => `<p><strong>${escapeHtml(b.heading)}</strong>${b.lines.map((l) => `<br>${escapeHtml(l)}`).join('')}</p>`,
    ),
    `<p><a href="${escapeHtml(input.openUrl)}">${escapeHtml(w.open)}</a></p>`,
    `<p style="color:#666;font-size:12px">${escapeHtml(w.why)} <a href="${escapeHtml(input.unsubscribeUrl)}">${escapeHtml(w.unsubscribe)}</a></p>`,
  ].join('\n');
  return {
    to: input.to,
    subject: w.subject(total),
    text,
    html,
    link: input.unsubscribeUrl,
    headers: {
      'List-Unsubscribe': `<${input.oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
