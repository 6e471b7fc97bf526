import { HOME_SPACE_ID, type MySpace } from '@charla/shared-types';
import { type CSSProperties, useEffect, useRef } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { menuKeyDown } from '../../ui/menu-keys.ts';
import { useMySpaces } from './space-queries.ts';
import { spaceInitials, textOn } from './space-state.ts';

type RailSpace = Pick<MySpace, 'id' | 'name' | 'icon' | 'accentColor' | 'unreadCount'>;

/** The switcher's entries: home first, in the user's language (added when the list cannot be had). */
export function railSpaces(mine: RailSpace[] | undefined, homeName: string): RailSpace[] {
  const list = mine ?? [];
  const listed = list.find((s) => s.id === HOME_SPACE_ID);
  const home = { id: HOME_SPACE_ID, icon: null, accentColor: null, unreadCount: 0, ...listed, name: homeName };
  return [home, ...list.filter((s) => s.id !== HOME_SPACE_ID)];
}

/** A space's face in the switcher: its emoji, else its initials, on its accent colour. */
export function SpaceIcon({
  space,
  size = 40,
}: {
  space: Pick<RailSpace, 'id' | 'name' | 'icon' | 'accentColor'>;
  size?: number;
}) {
  const style = {
    width: size,
    height: size,
    fontSize: Math.round(size * 0.4),
    ...(space.accentColor
      ? { '--space-accent': space.accentColor, '--space-accent-fg': textOn(space.accentColor) }
      : {}),
  } as CSSProperties;
  return (
    <span className={`space-icon${space.accentColor ? ' has-accent' : ''}`} style={style} aria-hidden="true">
      {space.id === HOME_SPACE_ID && !space.icon ? '⌂' : space.icon || spaceInitials(space.name)}
    </span>
  );
}

/** The space before or after the current one, wrapping around (Ctrl+Alt+Up/Down). */
export function neighbourSpace(ids: string[], current: string, step: 1 | -1): string | undefined {
  if (ids.length < 2) return undefined;
  const at = ids.indexOf(current);
  return ids[(Math.max(at, 0) + step + ids.length) % ids.length];
}

/**
 * The space switcher (like Slack's and Discord's): home, then my spaces with unread badges, then
 * "Create a space". Arrow keys move along it; Enter or Space switches; Ctrl+Alt+Up/Down switches
 * from anywhere (as in Discord). On narrow windows it lies across the top of the chat list.
 */
export function SpaceRail({ onCreate }: { onCreate: () => void }) {
  const { t } = useI18n();
  const { space } = useApp();
  const mine = useMySpaces();
  const spaces = railSpaces(mine.data, t('spaces.home'));
  // One tab stop (the active space; home while the active one is not listed yet), arrows for the rest.
  const tabStop = spaces.some((s) => s.id === space.id) ? space.id : HOME_SPACE_ID;
  const ids = useRef<string[]>([]);
  ids.current = spaces.map((s) => s.id);
  const { id: currentId, switchTo } = space;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.ctrlKey || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      const next = neighbourSpace(ids.current, currentId, e.key === 'ArrowUp' ? -1 : 1);
      if (!next) return;
      e.preventDefault();
      switchTo(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [currentId, switchTo]);
  return (
    <nav
      className="space-rail"
      aria-label={t('spaces.rail')}
      aria-busy={mine.isPending}
      aria-keyshortcuts="Control+Alt+ArrowUp Control+Alt+ArrowDown"
      onKeyDown={(e) => menuKeyDown(e, e.currentTarget)}
    >
      <ul>
        {spaces.map((s) => {
          const active = s.id === space.id;
          const label =
            s.unreadCount > 0 && !active ? t('spaces.itemUnread', { name: s.name, count: s.unreadCount }) : s.name;
          return (
            <li key={s.id} className={active ? 'active' : undefined}>
              <button
                type="button"
                className="space-button"
                aria-current={active ? 'true' : undefined}
                title={s.name}
                tabIndex={s.id === tabStop ? 0 : -1}
                onClick={() => space.switchTo(s.id)}
              >
                <SpaceIcon space={s} />
                {/* The name as text, not aria-label: the initials shown must not contradict it (axe). */}
                <span className="sr-only">{label}</span>
                {s.unreadCount > 0 && !active && (
                  <span className="space-badge" aria-hidden="true">
                    {s.unreadCount > 99 ? '99+' : s.unreadCount}
                  </span>
                )}
              </button>
            </li>
          );
        })}
        <li>
          <button
            type="button"
            className="space-button space-add"
            title={t('spaces.create')}
            tabIndex={-1}
            onClick={onCreate}
          >
            <span className="space-icon" style={{ width: 40, height: 40 }} aria-hidden="true">
              +
            </span>
            <span className="sr-only">{t('spaces.create')}</span>
          </button>
        </li>
      </ul>
      {mine.isError && (
        <button type="button" className="link space-retry" onClick={() => void mine.refetch()}>
          {t('spaces.retry')}
        </button>
      )}
    </nav>
  );
}
