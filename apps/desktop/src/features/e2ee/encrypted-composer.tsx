import type { LocalMessage, OutgoingFile } from '@charla/e2ee';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import type { E2eeBridge } from './e2ee-bridge.ts';
import { useE2eeText } from './e2ee-i18n.ts';
import { makeThumbnail } from './thumbnail.ts';

/** Files picked in the composer, with a thumbnail made here for images (the server sees ciphertext). */
async function outgoingFiles(files: FileList): Promise<OutgoingFile[]> {
  const out: OutgoingFile[] = [];
  for (const f of [...files].slice(0, 10)) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const thumbnail = f.type.startsWith('image/') ? await makeThumbnail(f).catch(() => null) : null;
    out.push({
      bytes,
      name: f.name,
      mime: f.type || 'application/octet-stream',
      ...(thumbnail ? { width: thumbnail.sourceWidth, height: thumbnail.sourceHeight, thumbnail: thumbnail.file } : {}),
    });
  }
  return out;
}

/** The encrypted chat's composer: text, reply, edit and files, all encrypted by the worker. */
export function EncryptedComposer(p: {
  bridge: E2eeBridge | null;
  conversationId: string;
  canWrite: boolean;
  /** Why posting is off here (read-only channel, unverified email), shown as the placeholder. */
  readOnlyText: string | null;
  hidden: boolean;
  editing: LocalMessage | null;
  replyTo: LocalMessage | null;
  onStopEditing(): void;
  onStopReplying(): void;
  fail(err: unknown): void;
}) {
  const { t } = useI18n();
  const x = useE2eeText();
  const { bridge, conversationId: id, editing, replyTo } = p;
  const [draft, setDraft] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  // Editing starts from the message's text.
  useEffect(() => setDraft(editing?.text ?? ''), [editing]);

  const submit = async () => {
    const text = draft.trim();
    if (!bridge || !text) return;
    setDraft('');
    try {
      if (editing) await bridge.call('send', id, { t: 'edit', target: editing.id, text });
      else if (replyTo)
        await bridge.call('send', id, {
          t: 'text',
          text,
          // The quote travels inside the ciphertext, cut like the server's reply snapshots.
          replyTo: { id: replyTo.id, senderId: replyTo.senderId, text: replyTo.text.slice(0, 200) },
        });
      else await bridge.call('send', id, { t: 'text', text });
      p.onStopEditing();
      p.onStopReplying();
    } catch (err) {
      setDraft(text);
      p.fail(err);
    }
  };

  const attach = async (files: FileList | null) => {
    if (!bridge || !files?.length) return;
    const out = await outgoingFiles(files);
    bridge.call('sendFiles', id, draft.trim(), out).catch(p.fail);
    setDraft('');
  };

  return (
    <form
      hidden={p.hidden}
      className="composer e2ee-composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {replyTo && !editing && (
        <div className="composer-mode">
          <span>
            {t('composer.replyingTo')} <q>{replyTo.text.slice(0, 80)}</q>
          </span>
          <button type="button" className="chip" onClick={p.onStopReplying}>
            {x('cancel')}
          </button>
        </div>
      )}
      {editing && (
        <div className="composer-mode">
          <span>{x('edit')}</span>
          <button type="button" className="chip" onClick={p.onStopEditing}>
            {x('cancel')}
          </button>
        </div>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="icon-button"
          aria-label={x('attach')}
          disabled={!p.canWrite}
          onClick={() => fileInput.current?.click()}
        >
          <Icon name="attach" />
        </button>
        <input ref={fileInput} type="file" multiple hidden onChange={(e) => void attach(e.target.files)} />
        <textarea
          rows={1}
          value={draft}
          placeholder={p.readOnlyText ?? x('placeholder')}
          aria-label={x('placeholder')}
          disabled={!p.canWrite}
          maxLength={4096}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button type="submit" className="button primary" disabled={!p.canWrite || !draft.trim()}>
          {editing ? x('save') : x('send')}
        </button>
      </div>
    </form>
  );
}
