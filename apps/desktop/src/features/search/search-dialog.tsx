import { paths, publicProfileSchema, searchResultSchema } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { listOf, useConversations } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, EmptyState, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { Highlighted } from '../chat/message-text.tsx';
import { conversationName, filterConversations, shortTime } from '../conversations/conversation-utils.ts';
import { e2eeText } from '../e2ee/e2ee-i18n.ts';

function useDebounced(value: string, ms = 250) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** Global search: messages (highlighted snippets, jump to the message), people and conversations. */
export function SearchDialog({ onClose }: { onClose: () => void }) {
  const { t, locale } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { navigate } = useRouter();
  const [q, setQ] = useState('');
  const dq = useDebounced(q.trim());
  const conversations = useConversations();
  const messages = useQuery({
    queryKey: keys.search(dq),
    queryFn: ({ signal }) =>
      api.get(`${paths.search.messages}?q=${encodeURIComponent(dq)}&limit=20`, searchResultSchema, signal),
    enabled: dq.length > 0,
  });
  const people = useQuery({
    queryKey: keys.users(dq),
    queryFn: ({ signal }) =>
      api.get(`${paths.users.list}?q=${encodeURIComponent(dq)}&limit=5`, listOf(publicProfileSchema), signal),
    enabled: dq.length > 0,
  });
  const convs = dq ? filterConversations(conversations.data ?? [], dq, 'all').slice(0, 5) : [];
  const nameOf = (id: string) => {
    const c = conversations.data?.find((x) => x.id === id);
    return c ? conversationName(c, t('chat.unknown')) : t('chat.unknown');
  };
  const go = (conversationId: string, seq?: number) => {
    navigate({ name: 'home', conversationId, ...(seq ? { seq } : {}) });
    onClose();
  };
  const message = async (userId: string) => {
    try {
      const c = await api.send('POST', paths.conversations.create, z.object({ id: z.string() }).passthrough(), {
        kind: 'direct',
        userId,
      });
      await qc.invalidateQueries({ queryKey: keys.conversations });
      go(c.id);
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  return (
    <Dialog title={t('search.title')} onClose={onClose} wide>
      <input
        type="search"
        className="input"
        data-autofocus
        aria-label={t('search.placeholder')}
        placeholder={t('search.placeholder')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {dq && (
        <div className="search-results">
          {convs.length > 0 && (
            <section aria-label={t('search.conversations')}>
              <h3>{t('search.conversations')}</h3>
              <ul>
                {convs.map((c) => (
                  <li key={c.id}>
                    <button type="button" className="result" onClick={() => go(c.id)}>
                      {conversationName(c, t('chat.unknown'))}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {people.data && people.data.length > 0 && (
            <section aria-label={t('search.people')}>
              <h3>{t('search.people')}</h3>
              <ul>
                {people.data.map((u) => (
                  <li key={u.id}>
                    <button type="button" className="result" onClick={() => void message(u.id)}>
                      <Avatar name={u.displayName} url={u.avatarUrl} size={24} /> {u.displayName}{' '}
                      <small>@{u.username}</small>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-label={t('search.messages')}>
            <h3>{t('search.messages')}</h3>
            <p className="muted e2ee-search-note">{e2eeText(locale, 'search.encryptedNote')}</p>
            {messages.isPending ? (
              <Skeleton label={t('common.loading')} />
            ) : messages.isError ? (
              <p role="alert">{errorText(t, messages.error)}</p>
            ) : messages.data.items.length === 0 ? (
              <EmptyState title={t('search.none')} />
            ) : (
              <ul>
                {messages.data.items.map((h) => (
                  <li key={h.message.id}>
                    <button
                      type="button"
                      className="result"
                      onClick={() => go(h.message.conversationId, h.message.seq)}
                    >
                      <span className="result-head">
                        <strong>{nameOf(h.message.conversationId)}</strong>
                        <time dateTime={h.message.createdAt}>{shortTime(h.message.createdAt, locale)}</time>
                      </span>
                      <span className="snippet">
                        <Highlighted text={h.snippet} ranges={h.highlights} />
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </Dialog>
  );
}
