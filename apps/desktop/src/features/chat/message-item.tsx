import type { Message, Participant, ReplyTo } from '@charla/shared-types';
import { lazy, memo, Suspense, useEffect, useRef, useState } from 'react';
import type { Tick } from '../../api/cache.ts';
import type { OutboxEntry } from '../../api/outbox.ts';
import { ApiError, type ClientErrorCode } from '../../platform/errors.ts';
import { formatTime } from '../../ui/format.ts';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { menuKeyDown } from '../../ui/menu-keys.ts';
import { Avatar } from '../../ui/status.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { BlockButton } from '../safety/safety.tsx';
import { useMessageShare } from '../share/share-message.tsx';
import { type TranslationActions, TranslationNote } from '../translation/translation-ui.tsx';
import type { MessageTranslation } from '../translation/use-chat-translation.ts';
import { Attachment } from './attachment.tsx';
import { LinkPreviewCard } from './link-preview-card.tsx';
import { MessageText } from './message-text.tsx';
import { ReceiptTick } from './receipt-tick.tsx';

const EmojiPicker = lazy(() => import('./emoji-picker.tsx').then((m) => ({ default: m.EmojiPicker })));

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export type MessageActions = {
  reply: (m: Message) => void;
  react: (m: Message, emoji: string, on: boolean) => void;
  edit: (m: Message) => void;
  remove: (m: Message, scope: 'me' | 'everyone') => void;
  forward: (m: Message) => void;
  info: (m: Message) => void;
  report: (m: Message) => void;
  jumpTo: (id: string) => void;
  /** The sender takes the link preview off their message. */
  removePreview: (m: Message) => void;
};

function nameOf(members: Map<string, Participant>, id: string | null, unknown: string) {
  return (id && members.get(id)?.user.displayName) || unknown;
}

function systemText(
  m: Message,
  members: Map<string, Participant>,
  t: (k: MessageKey, v?: Record<string, string>) => string,
) {
  const s = m.system;
  if (!s) return '';
  const actor = nameOf(members, s.actorId, t('chat.someone'));
  const targets = s.targetIds.map((id) => nameOf(members, id, t('chat.someone'))).join(', ');
  if (s.type === 'posting_changed')
    return t(s.value === 'true' ? 'system.posting_admins' : 'system.posting_everyone', { actor });
  return t(`system.${s.type}`, { actor, targets, value: s.value ?? '' });
}

export function ReplyQuote({
  reply,
  members,
  onClick,
}: {
  reply: ReplyTo;
  members: Map<string, Participant>;
  onClick?: () => void;
}) {
  const { t } = useI18n();
  const who = nameOf(members, reply.snapshot.senderId, t('chat.someone'));
  const body = reply.snapshot.text || t('message.unavailable');
  return (
    <button
      type="button"
      className="reply-quote"
      onClick={onClick}
      aria-label={t('message.jumpToReply', { name: who })}
    >
      <strong>{who}</strong>
      <span>{body}</span>
    </button>
  );
}

type ItemProps = {
  message: Message;
  mine: boolean;
  meId: string;
  showSender: boolean;
  group: boolean;
  tick: Tick | null;
  members: Map<string, Participant>;
  actions: MessageActions;
  highlighted: boolean;
  canDeleteForEveryone: boolean;
  /** From the conversation's server-computed permissions (announcement mode, unverified email). */
  canPost: boolean;
  canReact: boolean;
  /** Set only for a message in another language than the reader's (and translation available). */
  translation?: MessageTranslation | undefined;
  /** Auto-translate is on, or the reader asked for this one: request it once rendered (= on screen). */
  wantTranslation?: boolean;
  translationActions?: TranslationActions | undefined;
};

export const MessageItem = memo(function MessageItem(p: ItemProps) {
  const { t, locale } = useI18n();
  const [menu, setMenu] = useState<DOMRect | null>(null);
  const m = p.message;
  const share = useMessageShare(m);
  const tr = p.translation;
  const trActions = p.translationActions;
  useEffect(() => {
    if (p.wantTranslation && tr?.state === 'idle') trActions?.want(m);
  }, [p.wantTranslation, tr?.state, trActions, m]);
  if (m.kind === 'system') {
    // A system row without an event holds a number a crashed send reserved: nothing to show.
    if (!m.system) return null;
    return (
      <p className="system-message" id={`m-${m.id}`}>
        {systemText(m, p.members, t)}
      </p>
    );
  }
  const deleted = m.deletedAt !== null;
  const sender = nameOf(p.members, m.senderId, t('chat.someone'));
  return (
    <article
      className={`message${p.mine ? ' mine' : ''}${p.highlighted ? ' highlighted' : ''}${p.showSender ? ' first' : ''}`}
      id={`m-${m.id}`}
      aria-label={t('message.from', { name: p.mine ? t('list.you') : sender })}
    >
      {p.group && !p.mine && (
        <span className="message-avatar">{p.showSender && <Avatar name={sender} size={28} />}</span>
      )}
      <div className="bubble">
        {p.group && !p.mine && p.showSender && <div className="sender">{sender}</div>}
        {m.forwardedFrom && <div className="forwarded">{t('message.forwarded')}</div>}
        {m.replyTo && (
          <ReplyQuote
            reply={m.replyTo}
            members={p.members}
            onClick={() => m.replyTo && p.actions.jumpTo(m.replyTo.id)}
          />
        )}
        {deleted ? (
          <p className="text deleted">{t('message.deleted')}</p>
        ) : (
          <>
            {m.attachments.length > 0 && (
              <div className="attachments">
                {m.attachments.map((id) => (
                  <Attachment key={id} id={id} messageId={m.id} conversationId={m.conversationId} />
                ))}
              </div>
            )}
            {m.text &&
              (tr?.state === 'translated' && !tr.showOriginal ? (
                <div className="text translated">
                  <MessageText text={tr.text} />
                </div>
              ) : (
                <div className="text" lang={m.language && m.language !== 'unknown' ? m.language : undefined}>
                  <MessageText text={m.text} />
                </div>
              ))}
            {tr && trActions && <TranslationNote message={m} translation={tr} actions={trActions} />}
            {m.linkPreview && (
              <LinkPreviewCard
                preview={m.linkPreview}
                {...(p.mine ? { onRemove: () => p.actions.removePreview(m) } : {})}
              />
            )}
          </>
        )}
        <div className="meta">
          {m.editedAt && !deleted && <span className="edited">{t('message.edited')}</span>}
          <time dateTime={m.createdAt}>{formatTime(m.createdAt, locale)}</time>
          {p.mine && p.tick && !deleted && <ReceiptTick tick={p.tick} />}
        </div>
        {m.reactions.length > 0 && !deleted && (
          <ul className="reactions" aria-label={t('message.reactions')}>
            {m.reactions.map((r) => {
              const mineR = r.userIds.includes(p.meId);
              return (
                <li key={r.emoji}>
                  <button
                    type="button"
                    className={`reaction${mineR ? ' mine' : ''}`}
                    aria-pressed={mineR}
                    // Taking my reaction back is always allowed; adding one follows the server's flag.
                    disabled={!mineR && !p.canReact}
                    aria-label={t('message.reaction', { emoji: r.emoji, count: String(r.count) })}
                    onClick={() => p.actions.react(m, r.emoji, !mineR)}
                  >
                    {r.emoji} {r.count}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {!deleted && (
        <div className="message-tools">
          <button
            type="button"
            className="icon-button"
            aria-expanded={menu !== null}
            aria-label={t('message.actions')}
            onClick={(e) => {
              const rect = e.currentTarget.getBoundingClientRect();
              setMenu((v) => (v ? null : rect));
            }}
          >
            <Icon name="more" />
          </button>
          {menu && (
            <MessageMenu
              m={m}
              mine={p.mine}
              sender={sender}
              group={p.group}
              canDeleteForEveryone={p.mine || p.canDeleteForEveryone}
              canPost={p.canPost}
              canReact={p.canReact}
              actions={p.actions}
              anchor={menu}
              close={() => setMenu(null)}
              share={() => void share.start()}
            />
          )}
        </div>
      )}
      {share.dialog}
    </article>
  );
});

function MessageMenu(p: {
  m: Message;
  mine: boolean;
  sender: string;
  group: boolean;
  canDeleteForEveryone: boolean;
  canPost: boolean;
  canReact: boolean;
  actions: MessageActions;
  anchor: DOMRect;
  close: () => void;
  /** "Share…": out of Charla (system share sheet, else share links). */
  share: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const [picking, setPicking] = useState(false);
  // Keyboard users land inside the menu; the arrows move through it, Esc closes it.
  const { close } = p;
  useEffect(() => {
    const el = ref.current;
    el?.querySelector<HTMLButtonElement>('button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
      else if (el) menuKeyDown(e, el);
    };
    // Fixed-position menu: close it when the list scrolls or the user clicks elsewhere.
    const onOutside = (e: Event) => {
      if (!el?.contains(e.target as Node)) close();
    };
    el?.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onOutside, true);
    document.addEventListener('scroll', onOutside, true);
    return () => {
      el?.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onOutside, true);
      document.removeEventListener('scroll', onOutside, true);
    };
  }, [close]);
  const a = p.anchor;
  const below = a.top < (picking ? 480 : 340);
  const style = {
    position: 'fixed' as const,
    left: Math.max(8, Math.min(a.left - 160, window.innerWidth - (picking ? 330 : 230))),
    ...(below ? { top: a.bottom + 4 } : { bottom: window.innerHeight - a.top + 4 }),
  };
  const act = (fn: () => void) => () => {
    fn();
    p.close();
  };
  return (
    <div className="menu" ref={ref} style={style}>
      {p.canReact && (
        <fieldset className="quick-reactions" aria-label={t('message.react')}>
          {QUICK_REACTIONS.map((e) => (
            <button
              key={e}
              type="button"
              aria-label={t('message.reactWith', { emoji: e })}
              onClick={act(() => p.actions.react(p.m, e, true))}
            >
              {e}
            </button>
          ))}
          <button
            type="button"
            aria-label={t('emoji.more')}
            aria-expanded={picking}
            onClick={() => setPicking((v) => !v)}
          >
            +
          </button>
        </fieldset>
      )}
      {p.canReact && picking && (
        <Suspense fallback={<p className="emoji-status">{t('common.loading')}</p>}>
          <EmojiPicker onPick={(e) => act(() => p.actions.react(p.m, e, true))()} onClose={() => setPicking(false)} />
        </Suspense>
      )}
      {p.canPost && (
        <button type="button" onClick={act(() => p.actions.reply(p.m))}>
          {t('message.reply')}
        </button>
      )}
      {p.canPost && p.mine && p.m.kind === 'text' && (
        <button type="button" onClick={act(() => p.actions.edit(p.m))}>
          {t('message.edit')}
        </button>
      )}
      <button type="button" onClick={act(() => void navigator.clipboard?.writeText(p.m.text))}>
        {t('message.copy')}
      </button>
      <button type="button" onClick={act(() => p.actions.forward(p.m))}>
        {t('message.forward')}
      </button>
      <button type="button" onClick={act(p.share)}>
        {t('message.share')}
      </button>
      {p.mine && (
        <button type="button" onClick={act(() => p.actions.info(p.m))}>
          {t('message.info')}
        </button>
      )}
      {!p.mine && (
        <button type="button" onClick={act(() => p.actions.report(p.m))}>
          {t('message.report')}
        </button>
      )}
      {!p.mine && p.m.senderId && <BlockButton person={{ id: p.m.senderId, name: p.sender }} onDone={p.close} />}
      <button type="button" onClick={act(() => p.actions.remove(p.m, 'me'))}>
        {t('message.deleteForMe')}
      </button>
      {p.canDeleteForEveryone && (
        <button type="button" className="danger" onClick={act(() => p.actions.remove(p.m, 'everyone'))}>
          {t('message.deleteForEveryone')}
        </button>
      )}
    </div>
  );
}

export function PendingItem({
  entry,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  const { t } = useI18n();
  const failed = entry.status === 'failed';
  return (
    <article
      className={`message mine pending${failed ? ' failed' : ''}`}
      aria-label={t('message.from', { name: t('list.you') })}
    >
      <div className="bubble">
        <div className="text">
          <MessageText text={entry.text} />
        </div>
        <div className="meta">
          {failed ? (
            <>
              <span className="failed-label" role="status">
                {t('message.failed')}
                {entry.error ? ` — ${errorText(t, new ApiError(entry.error as ClientErrorCode, 0, ''))}` : ''}
              </span>
              <button type="button" className="link" onClick={onRetry}>
                {t('common.retry')}
              </button>
              <button type="button" className="link" onClick={onDiscard}>
                {t('common.discard')}
              </button>
            </>
          ) : (
            <span className="tick tick-pending" role="img" aria-label={t('tick.pending')}>
              <Icon name="clock" size={14} />
            </span>
          )}
        </div>
      </div>
    </article>
  );
}
