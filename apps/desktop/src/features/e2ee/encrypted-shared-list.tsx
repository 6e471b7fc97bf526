import type { LocalRecord } from '@charla/e2ee';
import { useEffect, useState } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { SharedEmpty, SharedLinkRow, SharedMeta } from '../conversations/shared-rows.tsx';
import { useE2ee } from './e2ee-context.tsx';
import { useE2eeText } from './e2ee-i18n.ts';
import { EncryptedAttachment } from './encrypted-message.tsx';
import { localShared, type SharedKind } from './encrypted-shared.ts';

/**
 * The details panel's Media / Files / Links for an encrypted chat: read from this device's decrypted
 * store (the server refuses to list them: it has only ciphertext). Files decrypt when opened.
 */
export function EncryptedSharedList({ conversationId, kind }: { conversationId: string; kind: SharedKind }) {
  const { t } = useI18n();
  const x = useE2eeText();
  const e2ee = useE2ee();
  const { bridge } = e2ee;
  const version = e2ee.version(conversationId);
  const [records, setRecords] = useState<LocalRecord[] | null>(null);

  useEffect(() => e2ee.ensure(), [e2ee.ensure]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read whenever the worker reports a change (version)
  useEffect(() => {
    if (!bridge) return;
    let cancelled = false;
    bridge
      .call('history', conversationId)
      .then((r) => !cancelled && setRecords(r))
      .catch(() => !cancelled && setRecords([]));
    return () => {
      cancelled = true;
    };
  }, [bridge, conversationId, version]);

  const note = <p className="muted e2ee-shared-note">{x('shared.local')}</p>;
  if (e2ee.status === 'failed') return <p className="muted">{x('failed', { error: e2ee.error ?? '' })}</p>;
  if (records === null) return <Skeleton lines={2} label={t('common.loading')} />;
  const items = localShared(records, kind);
  if (items.length === 0)
    return (
      <>
        {note}
        <SharedEmpty kind={kind} />
      </>
    );
  return (
    <>
      {note}
      <ul className="shared-list">
        {items.map((i) => (
          <li key={i.key}>
            {i.attachment ? (
              <div className="shared-row">
                <EncryptedAttachment a={i.attachment} />
                <SharedMeta size={i.attachment.size} createdAt={i.createdAt} />
              </div>
            ) : (
              <SharedLinkRow url={i.url} createdAt={i.createdAt} />
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
