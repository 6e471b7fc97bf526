import type { Message, Participant } from '@charla/shared-types';
import { MESSAGE_TEXT_MAX } from '@charla/shared-types';
import { type KeyboardEvent, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useApp } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { AttachmentTray, useAttachmentTray, useChatDrop } from './composer-attachments.tsx';
import { useVoiceNote } from './composer-voice.tsx';
import { draftKey } from './drafts.ts';
import { ReplyQuote } from './message-item.tsx';
import { canRecordVoice, RecordingBar } from './voice-recorder.tsx';

const EmojiPicker = lazy(() => import('./emoji-picker.tsx').then((m) => ({ default: m.EmojiPicker })));

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
  /** Why the composer is disabled (the placeholder), from the server's permission flags. */
  disabledText?: string;
};

/** Up to six other members whose username or display name starts with what follows the `@`. */
function mentionSuggestions(members: Participant[], meId: string, q: string): Participant[] {
  const prefix = q.toLowerCase();
  return members
    .filter((m) => m.userId !== meId)
    .filter(
      (m) => m.user.username.toLowerCase().startsWith(prefix) || m.user.displayName.toLowerCase().startsWith(prefix),
    )
    .slice(0, 6);
}

export function Composer(p: Props) {
  const { t } = useI18n();
  const { api } = useApp();
  const toasts = useToasts();
  const { send, emitTyping } = useRealtime();
  const [text, setText] = useState(() => localStorage.getItem(draftKey(p.conversationId)) ?? '');
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [emoji, setEmoji] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLElement>(null);
  const tray = useAttachmentTray(api, (key, vars) => toasts.show({ kind: 'error', text: t(key, vars) }));
  const canAttach = !p.disabled && !p.editing;
  const drop = useChatDrop(root, tray.add, canAttach);
  const voice = useVoiceNote(p.conversationId, p.replyTo?.id, p.onCancel);
  const [voiceSupported] = useState(canRecordVoice);
  const nothingToSend = !text.trim() && tray.files.length === 0;

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

  /** Emoji go where the caret is (or replace the selection), and the caret moves after them. */
  const insertAtCaret = (e: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + e + text.slice(end);
    setText(next);
    saveDraft(next);
    const pos = start + e.length;
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(pos, pos);
    });
  };

  const mq = mentionQuery(text, caret);
  const suggestions = mq ? mentionSuggestions(p.members, p.meId, mq.q) : [];

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
    const withFiles = tray.files.length > 0 && !p.editing;
    if (!body && !withFiles) return;
    if (withFiles && !tray.ready) {
      toasts.show({ kind: 'info', text: t('attach.waiting') });
      return;
    }
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
    const attachments = withFiles ? tray.mediaIds : [];
    if (withFiles) tray.clear();
    await send(p.conversationId, {
      text: body,
      mentions: mentionsIn(body, p.members),
      ...(attachments.length ? { attachments } : {}),
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

  return (
    <section className="composer" aria-label={t('composer.label')} ref={root}>
      {drop.zone &&
        drop.over &&
        createPortal(
          <div className="drop-overlay" aria-hidden="true">
            {t('attach.drop')}
          </div>,
          drop.zone,
        )}
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
      <AttachmentTray files={tray.files} onRemove={tray.remove} onRetry={tray.retry} />
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
        <div className="emoji-popover composer-emoji">
          <Suspense fallback={<p className="emoji-status">{t('common.loading')}</p>}>
            <EmojiPicker
              onPick={(e) => {
                insertAtCaret(e);
                setEmoji(false);
              }}
              onClose={() => {
                setEmoji(false);
                area.current?.focus();
              }}
            />
          </Suspense>
        </div>
      )}
      {voice.progress !== null && (
        <div className="upload">
          <span>{t('voice.sending')}</span>
          <progress max={1} value={voice.progress} aria-label={t('voice.sending')} />
        </div>
      )}
      {voice.recorder.state === 'recording' ? (
        <RecordingBar
          elapsed={voice.recorder.elapsed}
          levels={voice.recorder.levels}
          onCancel={voice.recorder.cancel}
          onSend={() => void voice.sendRecording()}
        />
      ) : (
        <div className="composer-row">
          <button
            type="button"
            className="icon-button"
            aria-label={t('composer.attach')}
            onClick={() => fileInput.current?.click()}
            disabled={!canAttach}
          >
            <Icon name="attach" />
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            onChange={(e) => {
              tray.add(Array.from(e.target.files ?? []));
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
            placeholder={
              p.disabled
                ? (p.disabledText ?? t('composer.readOnly'))
                : tray.files.length
                  ? t('attach.caption')
                  : t('composer.placeholder')
            }
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
              const files = Array.from(e.clipboardData.files);
              if (files.length && canAttach) {
                e.preventDefault();
                tray.add(files);
              }
            }}
          />
          {nothingToSend && !p.editing && !p.disabled && voiceSupported ? (
            <button
              type="button"
              className="button primary"
              aria-label={t('voice.record')}
              disabled={voice.recorder.state !== 'idle' || voice.progress !== null}
              onClick={() => void voice.recorder.start()}
            >
              <Icon name="mic" />
            </button>
          ) : (
            <button
              type="button"
              className="button primary"
              onClick={() => void submit()}
              disabled={p.disabled || (!text.trim() && !(tray.files.length && !p.editing))}
            >
              {p.editing ? t('common.save') : t('composer.send')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
