import type { Message, Participant } from '@charla/shared-types';
import { MESSAGE_TEXT_MAX } from '@charla/shared-types';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../api/errors.ts';
import { useRealtime } from '../../api/realtime.tsx';
import { type UploadHandle, uploadMedia } from '../../api/upload.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { draftKey } from './drafts.ts';
import { ReplyQuote } from './message-item.tsx';

const EMOJI = [
  '😀',
  '😂',
  '😊',
  '😍',
  '🤔',
  '😎',
  '😢',
  '😡',
  '👍',
  '👎',
  '👏',
  '🙏',
  '🎉',
  '❤️',
  '🔥',
  '✅',
  '👀',
  '💯',
];

/** The @word being typed just before the caret, if any. */
export function mentionQuery(text: string, caret: number): { start: number; q: string } | null {
  const m = text.slice(0, caret).match(/(?:^|\s)@([A-Za-z0-9_.]{0,32})$/);
  if (!m) return null;
  return { start: caret - (m[1]?.length ?? 0) - 1, q: m[1] ?? '' };
}

/** Mentioned user ids: every @username in the text that names a member. */
export function mentionsIn(text: string, members: Participant[]): string[] {
  const names = new Set([...text.matchAll(/@([A-Za-z0-9_.]{3,32})/g)].map((m) => (m[1] ?? '').toLowerCase()));
  return members.filter((p) => names.has(p.user.username.toLowerCase())).map((p) => p.userId);
}

type Props = {
  conversationId: string;
  members: Participant[];
  meId: string;
  replyTo: Message | null;
  editing: Message | null;
  lastMine: Message | null;
  onCancel: () => void;
  onEdit: (m: Message) => void;
  onSubmitEdit: (m: Message, text: string) => Promise<void>;
  membersById: Map<string, Participant>;
  disabled?: boolean;
};

export function Composer(p: Props) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  const { send, emitTyping } = useRealtime();
  const [text, setText] = useState(() => localStorage.getItem(draftKey(p.conversationId)) ?? '');
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [emoji, setEmoji] = useState(false);
  const [upload, setUpload] = useState<{ name: string; progress: number; handle: UploadHandle } | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // Editing fills the box with the message; leaving edit mode restores the draft.
  useEffect(() => {
    if (p.editing) setText(p.editing.text);
    else setText(localStorage.getItem(draftKey(p.conversationId)) ?? '');
    area.current?.focus();
  }, [p.editing, p.conversationId]);
  useEffect(() => {
    if (p.replyTo) area.current?.focus();
  }, [p.replyTo]);

  const saveDraft = (v: string) => {
    if (p.editing) return;
    if (v) localStorage.setItem(draftKey(p.conversationId), v);
    else localStorage.removeItem(draftKey(p.conversationId));
  };

  const mq = mentionQuery(text, caret);
  const suggestions = mq
    ? p.members
        .filter((m) => m.userId !== p.meId)
        .filter(
          (m) =>
            m.user.username.toLowerCase().startsWith(mq.q.toLowerCase()) ||
            m.user.displayName.toLowerCase().startsWith(mq.q.toLowerCase()),
        )
        .slice(0, 6)
    : [];

  const insertMention = (m: Participant) => {
    if (!mq) return;
    const next = `${text.slice(0, mq.start)}@${m.user.username} ${text.slice(caret)}`;
    setText(next);
    saveDraft(next);
    const pos = mq.start + m.user.username.length + 2;
    requestAnimationFrame(() => area.current?.setSelectionRange(pos, pos));
    setCaret(pos);
  };

  const submit = async () => {
    const body = text.trim();
    if (!body) return;
    if (body.length > MESSAGE_TEXT_MAX) {
      toasts.show({ kind: 'error', text: t('composer.tooLong', { max: MESSAGE_TEXT_MAX }) });
      return;
    }
    if (p.editing) {
      const m = p.editing;
      setText('');
      await p.onSubmitEdit(m, body);
      return;
    }
    setText('');
    saveDraft('');
    const replyToId = p.replyTo?.id;
    p.onCancel();
    await send(p.conversationId, {
      text: body,
      mentions: mentionsIn(body, p.members),
      ...(replyToId ? { replyToId } : {}),
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((i) => (i + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const s = suggestions[Math.min(pick, suggestions.length - 1)];
        if (s) insertMention(s);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && (p.replyTo || p.editing)) {
      e.preventDefault();
      p.onCancel();
    } else if (e.key === 'ArrowUp' && !text && p.lastMine) {
      e.preventDefault();
      p.onEdit(p.lastMine);
    }
  };

  const attach = (file: File) => {
    const handle = uploadMedia(api, file, (progress) => setUpload((u) => (u ? { ...u, progress } : u)));
    setUpload({ name: file.name, progress: 0, handle });
    handle.promise
      .then((media) => send(p.conversationId, { text: text.trim(), mentions: [], attachments: [media.id] }))
      .then(() => {
        setText('');
        saveDraft('');
      })
      .catch((e) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        const key = isApiError(e, 'not_found')
          ? 'upload.unavailable'
          : isApiError(e, 'payload_too_large')
            ? 'errors.tooLarge'
            : isApiError(e, 'unsupported_media_type')
              ? 'errors.unsupportedMedia'
              : 'upload.failed';
        toasts.show({ kind: 'error', text: t(key) });
      })
      .finally(() => setUpload(null));
  };

  return (
    <section
      className="composer"
      aria-label={t('composer.label')}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const f = e.dataTransfer.files[0];
        if (f) attach(f);
      }}
    >
      {(p.replyTo || p.editing) && (
        <div className="composer-mode">
          <span>{p.editing ? t('composer.editing') : t('composer.replyingTo')}</span>
          {p.replyTo && (
            <ReplyQuote
              reply={{
                id: p.replyTo.id,
                snapshot: { senderId: p.replyTo.senderId, kind: p.replyTo.kind, text: p.replyTo.text },
              }}
              members={p.membersById}
            />
          )}
          <button type="button" className="icon-button" aria-label={t('common.cancel')} onClick={p.onCancel}>
            ×
          </button>
        </div>
      )}
      {upload && (
        <div className="upload">
          <span>{t('upload.uploading', { name: upload.name })}</span>
          <progress max={1} value={upload.progress} aria-label={t('upload.progress')} />
          <button type="button" className="link" onClick={() => upload.handle.cancel()}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {suggestions.length > 0 && (
        <ul className="mentions" aria-label={t('composer.mentions')}>
          {suggestions.map((s, i) => (
            <li key={s.userId}>
              <button
                type="button"
                aria-current={i === pick ? 'true' : undefined}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => insertMention(s)}
              >
                {s.user.displayName} <small>@{s.user.username}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
      {emoji && (
        <fieldset className="emoji-picker" aria-label={t('composer.emoji')}>
          {EMOJI.map((e) => (
            <button
              key={e}
              type="button"
              className="emoji-btn"
              aria-label={e}
              onClick={() => {
                setText((v) => v + e);
                setEmoji(false);
                area.current?.focus();
              }}
            >
              {e}
            </button>
          ))}
        </fieldset>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="icon-button"
          aria-label={t('composer.attach')}
          onClick={() => fileInput.current?.click()}
          disabled={p.disabled || Boolean(upload)}
        >
          <Icon name="attach" />
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) attach(f);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          className="icon-button"
          aria-label={t('composer.emoji')}
          aria-expanded={emoji}
          onClick={() => setEmoji((v) => !v)}
        >
          <Icon name="smile" />
        </button>
        <textarea
          ref={area}
          className="input"
          rows={1}
          value={text}
          disabled={p.disabled}
          placeholder={p.disabled ? t('composer.readOnly') : t('composer.placeholder')}
          aria-label={t('composer.placeholder')}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setPick(0);
            saveDraft(e.target.value);
            if (e.target.value) emitTyping(p.conversationId);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const f = e.clipboardData.files[0];
            if (f) {
              e.preventDefault();
              attach(f);
            }
          }}
        />
        <button
          type="button"
          className="button primary"
          onClick={() => void submit()}
          disabled={p.disabled || !text.trim()}
        >
          {p.editing ? t('common.save') : t('composer.send')}
        </button>
      </div>
    </section>
  );
}
