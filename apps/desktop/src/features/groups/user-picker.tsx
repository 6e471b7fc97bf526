import { paths, publicProfileSchema } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listOf } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Avatar } from '../../ui/status.tsx';

/** Search people by name or username and pick one. */
export function UserPicker({
  onPick,
  exclude,
  label,
  autoFocus,
}: {
  onPick: (id: string, name: string) => void;
  exclude: Set<string>;
  label: string;
  /** The dialog's first stop (New chat opens on this field, not its close button). */
  autoFocus?: boolean;
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
      {users.data && (
        <ul className="picker-results">
          {users.data.filter((u) => !exclude.has(u.id)).length === 0 && (
            <li className="muted">{t('newChat.noUsers')}</li>
          )}
          {users.data
            .filter((u) => !exclude.has(u.id))
            .map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  className="picker-btn"
                  onClick={() => {
                    // Start the next search from scratch: the picked person drops out of these
                    // results, which must not leave "Nobody found." behind.
                    setQ('');
                    onPick(u.id, u.displayName);
                  }}
                >
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
