import type { ConversationSummary } from '@charla/shared-types';
import { defaultRangeExtractor, observeElementRect, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { type FocusEvent, useCallback, useRef, useState } from 'react';
import { useConversations } from '../../api/queries.ts';
import { useMe } from '../../app-context.tsx';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, EmptyState, Skeleton } from '../../ui/status.tsx';
import { useUnreadCount } from '../e2ee/e2ee-context.tsx';
import { e2eeText } from '../e2ee/e2ee-i18n.ts';
import { ConversationMenu } from './conversation-menu.tsx';
import { PreviewText } from './conversation-preview.tsx';
import { conversationName, filterConversations, isMuted, type ListFilter, shortTime } from './conversation-utils.ts';

export function ConversationList({ activeId }: { activeId?: string }) {
  const { t, locale } = useI18n();
  const list = useConversations();
  const [q, setQ] = useState('');
  const [filter, setFilter] = useState<ListFilter>('all');
  const filters: ListFilter[] = ['all', 'unread', 'groups', 'archived'];
  const rows = filterConversations(list.data ?? [], q, filter);
  return (
    <div className="conversation-list">
      <div className="list-tools">
        <input
          type="search"
          className="input"
          placeholder={t('list.search')}
          aria-label={t('list.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <fieldset className="chips" aria-label={t('list.filter')}>
          {filters.map((f) => (
            <button key={f} type="button" className="chip" aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {t(`list.filter.${f}`)}
            </button>
          ))}
        </fieldset>
      </div>
      {list.isPending ? (
        <Skeleton lines={6} label={t('common.loading')} />
      ) : list.isError ? (
        <EmptyState title={t('list.error')}>
          <button type="button" className="button" onClick={() => list.refetch()}>
            {t('common.retry')}
          </button>
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title={q ? t('list.noMatch') : t('list.empty')} />
      ) : (
        <Rows rows={rows} activeId={activeId} locale={locale} label={t('list.label')} />
      )}
    </div>
  );
}

/** A row's height before it is measured (avatar 36 px + padding); real heights come from the DOM. */
const ROW_ESTIMATE = 60;

/**
 * Only the rows on screen (plus a few either side) are in the DOM: a list of 1,000 chats rendered
 * all its rows before the first paint. Tab and Shift+Tab still walk every chat (the next row is
 * always rendered, and focusing it scrolls it into view). Kept mounted wherever they are: the row
 * holding focus (its menu, its confirmation) and the chat open last (a narrow window's back button
 * lands on it). A list hidden by the narrow layout keeps its rows, so they are there to focus the
 * moment it shows again.
 */
function Rows({
  rows,
  activeId,
  locale,
  label,
}: {
  rows: ConversationSummary[];
  activeId: string | undefined;
  locale: string;
  label: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const lastActive = useRef(activeId);
  if (activeId) lastActive.current = activeId;
  const kept = [focusedId, lastActive.current].flatMap((id) => {
    const i = id ? rows.findIndex((c) => c.id === id) : -1;
    return i >= 0 ? [i] : [];
  });
  // Keyed by value: a new array each render must not make a new extractor (the list would re-measure).
  const keptKey = kept.join(',');
  const rangeExtractor = useCallback(
    (range: Range) => {
      const pinned = keptKey ? keptKey.split(',').map(Number) : [];
      return [...new Set([...defaultRangeExtractor(range), ...pinned])].sort((a, b) => a - b);
    },
    [keptKey],
  );
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (i) => rows[i]?.id ?? i,
    overscan: 4,
    rangeExtractor,
    initialRect: { width: 0, height: typeof window === 'undefined' ? 800 : window.innerHeight },
    // Hidden (display: none) measures 0 px, which would unmount every row: keep the last real size.
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => {
        if (rect.height > 0) cb(rect);
      }),
  });
  const onFocus = (e: FocusEvent<HTMLElement>) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-row-id]')?.dataset.rowId ?? null;
    setFocusedId(id);
  };
  const onBlur = (e: FocusEvent<HTMLElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusedId(null);
  };
  return (
    <div ref={scroller} className="conversations">
      <ul aria-label={label} style={{ height: v.getTotalSize() }} onFocus={onFocus} onBlur={onBlur}>
        {v.getVirtualItems().map((item) => {
          const c = rows[item.index] as ConversationSummary;
          return (
            <ConversationRow
              key={c.id}
              c={c}
              active={c.id === activeId}
              locale={locale}
              index={item.index}
              top={item.start}
              measure={v.measureElement}
            />
          );
        })}
      </ul>
    </div>
  );
}

function ConversationRow({
  c,
  active,
  locale,
  index,
  top,
  measure,
}: {
  c: ConversationSummary;
  active: boolean;
  locale: string;
  index: number;
  top: number;
  measure: (el: HTMLElement | null) => void;
}) {
  const { t } = useI18n();
  const me = useMe();
  const { navigate } = useRouter();
  const { typing, presence } = useRealtime();
  const name = conversationName(c, t('chat.unknown'));
  const typers = typing[c.id] ?? [];
  const muted = isMuted(c);
  const last = c.lastMessage;
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const optionsButton = useRef<HTMLButtonElement>(null);
  const closeMenu = useCallback(() => {
    setMenu(null);
    optionsButton.current?.focus({ preventScroll: true });
  }, []);
  const online = c.kind === 'direct' && c.peer ? presence[c.peer.id] === 'online' : undefined;
  const unreadCount = useUnreadCount(c);
  const markedOnly = Boolean(c.me.markedUnread) && unreadCount === 0;
  return (
    <li
      ref={measure}
      className="conversation-item"
      data-index={index}
      data-row-id={c.id}
      style={{ top }}
      onContextMenu={(e) => {
        e.preventDefault();
        setMenu({ x: e.clientX, y: e.clientY });
      }}
    >
      <button
        type="button"
        className={`conversation-row${active ? ' active' : ''}${unreadCount || markedOnly ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        data-conversation-id={c.id}
        onClick={() => navigate({ name: 'home', conversationId: c.id })}
        onKeyDown={(e) => {
          // The keyboard's context-menu key and Shift+F10 open the same menu as a right click.
          if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
            e.preventDefault();
            const r = e.currentTarget.getBoundingClientRect();
            setMenu({ x: r.right - 220, y: r.bottom });
          }
        }}
      >
        <Avatar name={name} url={c.avatarUrl ?? c.peer?.avatarUrl} online={online} />
        <span className="row-main">
          <span className="row-top">
            <span className="row-name">
              {c.me.pinned && (
                <span role="img" aria-label={t('list.pinned')} className="row-icon">
                  <Icon name="pin" size={14} />
                </span>
              )}
              {c.encrypted && (
                <span role="img" aria-label={e2eeText(locale, 'lock')} className="row-icon">
                  <Icon name="lock" size={14} />
                </span>
              )}
              {name}
              {muted && (
                <span role="img" aria-label={t('list.muted')} className="row-icon">
                  <Icon name="muted" size={14} />
                </span>
              )}
            </span>
            {last && <time dateTime={last.createdAt}>{shortTime(last.createdAt, locale)}</time>}
          </span>
          <span className="row-bottom">
            <PreviewText c={c} meId={me.id} typers={typers} />
            {c.unreadMentions > 0 && (
              <span className="badge mention">
                <span aria-hidden="true">@</span>
                <span className="sr-only">{t('list.mentions', { count: c.unreadMentions })}</span>
              </span>
            )}
            {unreadCount > 0 && (
              <span className={`badge${muted ? ' muted' : ''}`}>
                <span aria-hidden="true">{unreadCount}</span>
                <span className="sr-only">{t('list.unread', { count: unreadCount })}</span>
              </span>
            )}
            {markedOnly && (
              <span className={`badge dot${muted ? ' muted' : ''}`}>
                <span className="sr-only">{t('chatMenu.markedUnread')}</span>
              </span>
            )}
          </span>
        </span>
      </button>
      <button
        ref={optionsButton}
        type="button"
        className="icon-button row-options"
        // A pointer shortcut only: keyboard users open the same menu from the row (context-menu key,
        // Shift+F10), so the list keeps one tab stop and one accessible name per chat.
        aria-hidden="true"
        tabIndex={-1}
        data-open={menu !== null}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setMenu(menu ? null : { x: r.right - 220, y: r.bottom + 4 });
        }}
      >
        <Icon name="more" size={18} />
      </button>
      {menu && <ConversationMenu c={c} at={menu} onClose={closeMenu} />}
    </li>
  );
}
