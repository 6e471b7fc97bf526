import { type Contact, paths, publicProfileSchema } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listOf } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { Avatar } from '../../ui/status.tsx';
import { contactName } from '../contacts/contacts.api.ts';

/** How many contacts the picker lists before the search narrows them down. */
const CONTACTS_SHOWN = 50;

const matches = (c: Contact, q: string) => {
  const needle = q.trim().toLowerCase();
  return (
    !needle || [c.nickname ?? '', c.user.displayName, c.user.username].some((s) => s.toLowerCase().includes(needle))
  );
};

/**
 * Search people by name or username and pick one. With `contacts`, my matching contacts come
 * first (favourites starred, under my nickname for them), then everyone else the search finds.
 */
export function UserPicker({
  onPick,
  exclude,
  label,
  autoFocus,
  contacts,
}: {
  onPick: (id: string, name: string) => void;
  exclude: Set<string>;
  label: string;
  /** The dialog's first stop (New chat opens on this field, not its close button). */
  autoFocus?: boolean;
  contacts?: Contact[];
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const [q, setQ] = useState('');
  const users = useQuery({
    queryKey: keys.users(q),
    queryFn: ({ signal }) =>
      api.get(`${paths.users.list}?q=${encodeURIComponent(q)}&limit=10`, listOf(publicProfileSchema), signal),
    enabled: q.trim().length > 0,
  });
  const mine = (contacts ?? []).filter((c) => !exclude.has(c.user.id) && matches(c, q)).slice(0, CONTACTS_SHOWN);
  const shown = new Set([...exclude, ...mine.map((c) => c.user.id)]);
  const others = (users.data ?? []).filter((u) => !shown.has(u.id));
  const pick = (id: string, name: string) => {
    // Start the next search from scratch: the picked person drops out of these results, which must
    // not leave "Nobody found." behind.
    setQ('');
    onPick(id, name);
  };
  return (
    <div className="user-picker">
      <input
        type="search"
        className="input"
        aria-label={label}
        placeholder={label}
        data-autofocus={autoFocus ? true : undefined}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {mine.length > 0 && (
        <ul className="picker-results" aria-label={t('contacts.title')}>
          {mine.map((c) => (
            <li key={c.user.id}>
              <button type="button" className="picker-btn" onClick={() => pick(c.user.id, c.user.displayName)}>
                <Avatar name={c.user.displayName} url={c.user.avatarUrl} size={28} />
                <span>
                  {contactName(c)} <small>@{c.user.username}</small>
                </span>
                {c.favourite && (
                  <span className="picker-favourite" title={t('contacts.favourite')}>
                    <Icon name="star" size={14} />
                    <span className="sr-only">{t('contacts.favourite')}</span>
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {users.data && (
        <ul className="picker-results">
          {others.length === 0 && mine.length === 0 && <li className="muted">{t('newChat.noUsers')}</li>}
          {others.map((u) => (
            <li key={u.id}>
              <button type="button" className="picker-btn" onClick={() => pick(u.id, u.displayName)}>
                <Avatar name={u.displayName} url={u.avatarUrl} size={28} />
                <span>
                  {u.displayName} <small>@{u.username}</small>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
