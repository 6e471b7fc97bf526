import { conversationTitleSchema, directoryEntrySchema, paths } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { z } from 'zod';
import { listOf } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError, useNameCheck } from '../../ui/name-check.tsx';
import { useRouter } from '../../ui/router.tsx';
import { EmptyState } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { useContacts } from '../contacts/contacts.api.ts';
import { FindFriends } from '../contacts/find-friends.tsx';
import { EncryptedToggle } from '../e2ee/encrypted-toggle.tsx';
import { UserPicker } from '../groups/user-picker.tsx';

type Tab = 'person' | 'friends' | 'group' | 'channel' | 'directory';
const created = z.object({ id: z.string() }).passthrough();

/** New direct chat, new group, new channel, and the public channel directory. */
export function NewChatDialog({ onClose, initialTab = 'person' }: { onClose: () => void; initialTab?: Tab }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { navigate } = useRouter();
  const [tab, setTab] = useState<Tab>(initialTab);
  const contacts = useContacts();
  const [members, setMembers] = useState<{ id: string; name: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [encrypted, setEncrypted] = useState(false);
  const checkName = useNameCheck();
  const titleErrorId = useId();
  const [titleError, setTitleError] = useState<string | null>(null);

  const open = async (body: unknown) => {
    setBusy(true);
    try {
      const c = await api.send('POST', paths.conversations.create, created, body);
      await qc.invalidateQueries({ queryKey: keys.conversations });
      navigate({ name: 'home', conversationId: c.id });
      onClose();
    } catch (e) {
      if (isApiError(e, 'validation_failed') && e.details?.title) setTitleError(e.details.title.join(' '));
      else toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  const submitGroup = (ev: FormEvent<HTMLFormElement>, kind: 'group' | 'channel') => {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    const title = String(f.get('title') ?? '').trim();
    if (!title) return;
    // Same schema as the server: a refused title is explained under the field, nothing is sent.
    const problem = checkName(conversationTitleSchema, title);
    setTitleError(problem);
    if (problem) return;
    const description = String(f.get('description') ?? '');
    void open(
      kind === 'group'
        ? {
            kind,
            title,
            description,
            memberIds: members.map((m) => m.id),
            historyForNewcomers: !encrypted && f.get('history') === 'on',
            ...(encrypted ? { encrypted } : {}),
            onlyAdminsPost: f.get('onlyAdminsPost') === 'on',
          }
        : { kind, title, description, onlyAdminsPost: f.get('onlyAdminsPost') === 'on' },
    );
  };
  const tabs: Tab[] = ['person', 'friends', 'group', 'channel', 'directory'];
  return (
    <Dialog title={t('newChat.title')} onClose={onClose}>
      <div className="tabs" role="tablist" aria-label={t('newChat.title')}>
        {tabs.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={tab === x} className="chip" onClick={() => setTab(x)}>
            {t(`newChat.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'person' && (
          <UserPicker
            autoFocus
            label={t('newChat.searchPeople')}
            exclude={new Set()}
            contacts={contacts.data ?? []}
            onPick={(userId) => void open({ kind: 'direct', userId, ...(encrypted ? { encrypted } : {}) })}
          />
        )}
        {(tab === 'person' || tab === 'group') && <EncryptedToggle checked={encrypted} onChange={setEncrypted} />}
        {tab === 'friends' && <FindFriends onMessage={(userId) => void open({ kind: 'direct', userId })} />}
        {(tab === 'group' || tab === 'channel') && (
          <form className="stack" onSubmit={(e) => submitGroup(e, tab)}>
            <label>
              {t('newChat.name')}
              <input
                className="input"
                name="title"
                required
                maxLength={100}
                aria-invalid={titleError ? true : undefined}
                aria-describedby={titleError ? titleErrorId : undefined}
              />
            </label>
            <FieldError id={titleErrorId} text={titleError} />
            <label>
              {t('newChat.description')}
              <input className="input" name="description" maxLength={500} />
            </label>
            <label className="switch">
              <input type="checkbox" name="onlyAdminsPost" />
              {t('group.onlyAdminsPost')}
            </label>
            {tab === 'group' && (
              <>
                <label className="switch">
                  <input type="checkbox" name="history" disabled={encrypted} />
                  {t('group.history')}
                </label>
                <UserPicker
                  label={t('group.add')}
                  contacts={contacts.data ?? []}
                  exclude={new Set(members.map((m) => m.id))}
                  onPick={(id, name) => setMembers((m) => [...m, { id, name }])}
                />
                <ul className="chips" aria-label={t('newChat.members')}>
                  {members.map((m) => (
                    <li key={m.id}>
                      <button
                        type="button"
                        className="chip"
                        aria-label={t('group.removeNamed', { name: m.name })}
                        onClick={() => setMembers((all) => all.filter((x) => x.id !== m.id))}
                      >
                        {m.name} ×
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
            <button type="submit" className="button primary" disabled={busy}>
              {t('newChat.create')}
            </button>
          </form>
        )}
        {tab === 'directory' && <Directory onJoined={onClose} />}
      </div>
    </Dialog>
  );
}

function Directory({ onJoined }: { onJoined: () => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const { navigate } = useRouter();
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: keys.directory(q),
    queryFn: ({ signal }) =>
      api.get(
        `${paths.conversations.publicDirectory}?q=${encodeURIComponent(q)}`,
        listOf(directoryEntrySchema),
        signal,
      ),
  });
  const join = async (id: string, joined: boolean) => {
    try {
      if (!joined) await api.send('POST', paths.conversations.join(id), z.unknown());
      await qc.invalidateQueries({ queryKey: keys.conversations });
      navigate({ name: 'home', conversationId: id });
      onJoined();
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  return (
    <div className="stack">
      <input
        type="search"
        className="input"
        aria-label={t('newChat.searchChannels')}
        placeholder={t('newChat.searchChannels')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {list.data?.length === 0 && <EmptyState title={t('newChat.noChannels')} />}
      <ul className="directory">
        {list.data?.map((c) => (
          <li key={c.id}>
            <span>
              <strong>{c.title}</strong> <small>{t('chat.members', { count: c.memberCount })}</small>
              {c.description && <small className="muted"> — {c.description}</small>}
            </span>
            <button type="button" className="button" onClick={() => void join(c.id, c.joined)}>
              {c.joined ? t('newChat.open') : t('newChat.join')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
