import { type ConversationSummary, type Media, participantSchema, paths } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { listOf } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { formatDuration } from '../../ui/format.ts';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';
import { parseFormatting, plainText } from '../chat/format.ts';
import { useMediaMeta } from '../media/media-meta.ts';
import { systemPreview } from './conversation-utils.ts';

type T = (k: MessageKey, v?: Record<string, string | number>) => string;

/** "📷 Photo", "🎥 Video", "🎤 Voice message 0:12", "📄 report.pdf". */
export function describeMedia(m: Media, t: T, count = 1): string {
  const more = count > 1 ? ` ${t('preview.more', { count: count - 1 })}` : '';
  switch (m.kind) {
    case 'image':
      return `📷 ${t('preview.photo')}${more}`;
    case 'video':
      return `🎥 ${t('preview.video')}${more}`;
    case 'audio':
      return m.mime === 'audio/webm' || m.mime === 'audio/ogg' || m.fileName.startsWith('voice-')
        ? `🎤 ${t('preview.voice')}${m.duration ? ` ${formatDuration(m.duration)}` : ''}`
        : `🎵 ${m.fileName}${more}`;
    case 'file':
      return `📄 ${m.fileName}${more}`;
  }
}

/** "Ana, Ben are typing…" in groups; "typing…" in a direct chat. */
export function typingText(names: string[], group: boolean, t: T): string {
  if (!group || names.length === 0) return t('chat.typing');
  return names.length === 1
    ? t('preview.typingOne', { name: names[0] ?? '' })
    : t('chat.typingNamed', { names: names.join(', ') });
}

/** The second line of a chat list row. */
export function PreviewText({ c, meId, typers }: { c: ConversationSummary; meId: string; typers: string[] }) {
  const { t } = useI18n();
  const me = useMe();
  const last = c.lastMessage;
  const group = c.kind !== 'direct';
  const firstMedia = last && !last.deleted ? last.attachments?.[0] : undefined;
  const media = useMediaMeta(firstMedia, last?.id).data;
  // The server names the sender; a live message from someone new may not: ask the member list then.
  const needNames = group && ((last && !last.senderName && last.senderId !== meId) || typers.length > 0);
  const { api } = useApp();
  const members = useQuery({
    queryKey: keys.participants(c.id),
    queryFn: () => api.get(paths.conversations.participants(c.id), listOf(participantSchema)),
    enabled: Boolean(needNames),
    staleTime: Number.POSITIVE_INFINITY,
  }).data;
  const nameOf = (id: string | null) =>
    (id && members?.find((p) => p.userId === id)?.user.displayName.split(' ')[0]) || null;
  if (typers.length) {
    const names = typers.map((id) => nameOf(id) ?? t('chat.someone'));
    return <span className="row-preview typing">{typingText(names, group, t)}</span>;
  }
  if (!last) return <span className="row-preview">{t('list.noMessages')}</span>;
  if (last.deleted) return <span className="row-preview">{t('message.deleted')}</span>;
  // A system message says what happened ("Ana created the group"), never "You: " with nothing after.
  if (last.kind === 'system')
    return (
      <span className="row-preview">
        {systemPreview(last.system, c, meId, t, {
          // My name, not "You": the sentences are conjugated for a third person in Spanish.
          you: me.displayName,
          someone: t('chat.someone'),
          fallback: t('list.noMessages'),
        })}
      </span>
    );
  const sender =
    last.senderId === meId ? t('list.you') : group ? (last.senderName?.split(' ')[0] ?? nameOf(last.senderId)) : null;
  const text = plainText(parseFormatting(last.text)).replace(/\s+/g, ' ').trim();
  const count = last.attachments?.length ?? 0;
  const body = firstMedia
    ? media
      ? `${describeMedia(media, t, count)}${text ? ` ${text}` : ''}`
      : text || t('message.media')
    : text;
  return (
    <span className="row-preview">
      {sender && <span className="row-sender">{sender}: </span>}
      {body}
    </span>
  );
}
