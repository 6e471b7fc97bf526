import type { EncryptedFile, LocalMessage, LocalNote } from '@charla/e2ee';
import type { Participant } from '@charla/shared-types';
import { lazy, memo, Suspense, useEffect, useState } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { Avatar } from '../../ui/status.tsx';
import { useE2ee } from './e2ee-context.tsx';
import { useE2eeText } from './e2ee-i18n.ts';

const EmojiPicker = lazy(() => import('../chat/emoji-picker.tsx').then((m) => ({ default: m.EmojiPicker })));

const nameOf = (members: Map<string, Participant>, id: string | null, fallback: string) =>
  (id && members.get(id)?.user.displayName) || fallback;

/** Decrypts an attachment (or its thumbnail) on demand into an object URL. */
function useDecrypted(file: EncryptedFile | undefined, mime: string, auto: boolean) {
  const { bridge } = useE2ee();
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [wanted, setWanted] = useState(auto);
  useEffect(() => {
    if (!bridge || !file || !wanted) return;
    let revoked = false;
    let made: string | null = null;
    setBusy(true);
    bridge
      .call('openFile', file)
      .then((bytes) => {
        if (revoked) return;
        made = URL.createObjectURL(new Blob([bytes.slice().buffer as ArrayBuffer], { type: mime }));
        setUrl(made);
      })
      .catch(() => undefined)
      .finally(() => setBusy(false));
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [bridge, file, mime, wanted]);
  return { url, busy, request: () => setWanted(true) };
}

export function EncryptedAttachment({ a }: { a: LocalMessage['attachments'][number] }) {
  const x = useE2eeText();
  const thumb = useDecrypted(a.thumbnail, a.thumbnail?.mime ?? 'image/webp', true);
  const full = useDecrypted(a, a.mime, false);
  useEffect(() => {
    if (!full.url) return;
    // The decrypted file opens as a download (never rendered as HTML in the app's origin).
    const link = document.createElement('a');
    link.href = full.url;
    link.download = a.name;
    link.click();
  }, [full.url, a.name]);
  return (
    <div className="attachment file">
      {thumb.url && <img src={thumb.url} alt={a.name} width={a.thumbnail?.width} height={a.thumbnail?.height} />}
      <button type="button" className="button secondary" onClick={full.request} disabled={full.busy}>
        {full.busy ? x('decrypting') : `${x('open')} ${a.name}`}
      </button>
    </div>
  );
}

export const EncryptedMessage = memo(function EncryptedMessage(p: {
  m: LocalMessage;
  mine: boolean;
  group: boolean;
  meId: string;
  members: Map<string, Participant>;
  /** Adds (on) or takes back (off) this user's reaction; it travels encrypted like a message. */
  onReact(m: LocalMessage, emoji: string, on: boolean): void;
  onReply(m: LocalMessage): void;
  onEdit(m: LocalMessage): void;
  onDelete(m: LocalMessage): void;
  onReport(m: LocalMessage): void;
  onForward(m: LocalMessage): void;
}) {
  const { t, locale } = useI18n();
  const x = useE2eeText();
  const { m } = p;
  const sender = p.mine ? x('you') : nameOf(p.members, m.senderId, t('chat.someone'));
  const mineFor = (emoji: string) => m.reactions.some((r) => r.emoji === emoji && r.userIds.includes(p.meId));
  const liked = mineFor('👍');
  const [picking, setPicking] = useState(false);
  return (
    <article className={`message first${p.mine ? ' mine' : ''}`} aria-label={t('message.from', { name: sender })}>
      {p.group && !p.mine && (
        <span className="message-avatar">
          <Avatar name={sender} size={28} />
        </span>
      )}
      <div className="bubble">
        {p.group && !p.mine && <div className="sender">{sender}</div>}
        {m.forwarded && !m.deletedAt && <div className="forwarded">{t('message.forwarded')}</div>}
        {m.replyTo && <blockquote className="reply-quote">{m.replyTo.text}</blockquote>}
        {m.deletedAt ? (
          <p className="text deleted">{x('deleted')}</p>
        ) : (
          <>
            {m.attachments.length > 0 && (
              <div className="attachments">
                {m.attachments.map((a) => (
                  <EncryptedAttachment key={a.blobId} a={a} />
                ))}
              </div>
            )}
            {m.text && <p className="text">{m.text}</p>}
          </>
        )}
        <div className="meta">
          {m.editedAt && !m.deletedAt && <span className="edited">{x('edited')}</span>}
          <time dateTime={m.createdAt}>
            {new Date(m.createdAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })}
          </time>
        </div>
        {m.reactions.length > 0 && !m.deletedAt && (
          <ul className="reactions" aria-label={t('message.reactions')}>
            {m.reactions.map((r) => (
              <li key={r.emoji}>
                <button
                  type="button"
                  className="reaction"
                  aria-pressed={r.userIds.includes(p.meId)}
                  aria-label={t('message.reactWith', { emoji: r.emoji })}
                  onClick={() => p.onReact(m, r.emoji, !r.userIds.includes(p.meId))}
                >
                  {r.emoji} {r.userIds.length}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {!m.deletedAt && (
        <div className="message-tools e2ee-tools">
          <button type="button" className="chip" aria-pressed={liked} onClick={() => p.onReact(m, '👍', !liked)}>
            👍 {x('react')}
          </button>
          <button type="button" className="chip" aria-expanded={picking} onClick={() => setPicking((v) => !v)}>
            {t('emoji.more')}
          </button>
          <button type="button" className="chip" onClick={() => p.onReply(m)}>
            {t('message.reply')}
          </button>
          <button type="button" className="chip" onClick={() => p.onForward(m)}>
            {t('message.forward')}
          </button>
          {p.mine ? (
            <>
              <button type="button" className="chip" onClick={() => p.onEdit(m)}>
                {x('edit')}
              </button>
              <button type="button" className="chip" onClick={() => p.onDelete(m)}>
                {x('delete')}
              </button>
            </>
          ) : (
            <button type="button" className="chip" onClick={() => p.onReport(m)}>
              {x('report')}
            </button>
          )}
        </div>
      )}
      {picking && !m.deletedAt && (
        <Suspense fallback={<p className="emoji-status">{t('common.loading')}</p>}>
          <EmojiPicker
            onPick={(emoji) => {
              setPicking(false);
              if (!mineFor(emoji)) p.onReact(m, emoji, true);
            }}
            onClose={() => setPicking(false)}
          />
        </Suspense>
      )}
    </article>
  );
});

export function EncryptedNote({ n, members }: { n: LocalNote; members: Map<string, Participant> }) {
  const { t } = useI18n();
  const x = useE2eeText();
  const name = nameOf(members, n.userId, t('chat.someone'));
  return (
    <p className={`system-message e2ee-note note-${n.note}`} role="note">
      {x(`note.${n.note}`, { name })}
    </p>
  );
}
