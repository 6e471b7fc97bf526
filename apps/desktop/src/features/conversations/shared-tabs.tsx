import type { Media } from '@charla/shared-types';
import { type KeyboardEvent, lazy, Suspense, useId, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { formatDuration } from '../../ui/format.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { EncryptedSharedList } from '../e2ee/encrypted-shared-list.tsx';
import { absoluteUrl } from '../media/media-meta.ts';
import { useSharedItems } from '../media/viewer-dialog.tsx';
import { SharedEmpty, SharedLinkRow, SharedMeta, type SharedTab } from './shared-rows.tsx';

const ViewerDialog = lazy(() => import('../media/viewer-dialog.tsx').then((m) => ({ default: m.ViewerDialog })));
const TABS = ['media', 'file', 'link'] as const satisfies readonly SharedTab[];
type Tab = (typeof TABS)[number];

/**
 * Media / Files / Links of a conversation (WAI-ARIA tabs: arrow keys move between them). An encrypted
 * chat's come from this device's decrypted store: the server holds only ciphertext.
 */
export function SharedTabs({ conversationId, encrypted = false }: { conversationId: string; encrypted?: boolean }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('media');
  const base = useId();
  const label: Record<Tab, string> = { media: t('details.media'), file: t('details.files'), link: t('details.links') };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const to = TABS[(next + TABS.length) % TABS.length] as Tab;
    setTab(to);
    document.getElementById(`${base}-tab-${to}`)?.focus();
  };
  return (
    <div className="panel-section shared">
      <h3>{t('details.tabs')}</h3>
      <div className="tabs" role="tablist" aria-label={t('details.tabs')} onKeyDown={onKey}>
        {TABS.map((x) => (
          <button
            key={x}
            id={`${base}-tab-${x}`}
            type="button"
            role="tab"
            aria-selected={tab === x}
            aria-controls={`${base}-panel`}
            tabIndex={tab === x ? 0 : -1}
            onClick={() => setTab(x)}
          >
            {label[x]}
          </button>
        ))}
      </div>
      <div id={`${base}-panel`} role="tabpanel" aria-labelledby={`${base}-tab-${tab}`}>
        {encrypted ? (
          <EncryptedSharedList key={tab} conversationId={conversationId} kind={tab} />
        ) : (
          <SharedList key={tab} conversationId={conversationId} kind={tab} />
        )}
      </div>
    </div>
  );
}

function SharedList({ conversationId, kind }: { conversationId: string; kind: Tab }) {
  const { t } = useI18n();
  const { api } = useApp();
  const q = useSharedItems(conversationId, kind);
  const [viewing, setViewing] = useState<Media | null>(null);
  if (q.isPending) return <Skeleton lines={2} label={t('common.loading')} />;
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  if (items.length === 0) return <SharedEmpty kind={kind} />;
  return (
    <>
      {kind === 'media' ? (
        <ul className="media-grid">
          {items.map((i) =>
            i.media ? (
              <li key={`${i.messageId}-${i.media.id}`}>
                <button
                  type="button"
                  className="media-cell"
                  aria-label={t('media.open', { name: i.media.fileName })}
                  onClick={() => setViewing(i.media)}
                >
                  <img
                    src={absoluteUrl(api.base(), i.media.thumbnailUrl ?? i.media.url)}
                    alt=""
                    loading="lazy"
                    width={96}
                    height={96}
                  />
                  {i.media.kind === 'video' && (
                    <span className="media-badge">▶ {i.media.duration ? formatDuration(i.media.duration) : ''}</span>
                  )}
                </button>
              </li>
            ) : null,
          )}
        </ul>
      ) : (
        <ul className="shared-list">
          {items.map((i) => (
            <li key={`${i.messageId}-${i.media?.id ?? i.url}`}>
              {i.media ? (
                <a
                  href={absoluteUrl(api.base(), i.media.url)}
                  download={i.media.fileName}
                  rel="noopener noreferrer"
                  className="shared-row"
                >
                  <span className="shared-name">{i.media.fileName}</span>
                  <SharedMeta size={i.media.size} createdAt={i.createdAt} />
                </a>
              ) : (
                <SharedLinkRow url={i.url ?? null} createdAt={i.createdAt} />
              )}
            </li>
          ))}
        </ul>
      )}
      {q.hasNextPage && (
        <button type="button" className="link" onClick={() => void q.fetchNextPage()}>
          {t('details.more')}
        </button>
      )}
      {viewing && (
        <Suspense fallback={null}>
          <ViewerDialog conversationId={conversationId} start={viewing} onClose={() => setViewing(null)} />
        </Suspense>
      )}
    </>
  );
}
