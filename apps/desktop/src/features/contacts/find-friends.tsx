import {
  DISCOVERY_LOOKUP_MAX,
  type DiscoveryResult,
  discoveryResultSchema,
  discoverySettingsSchema,
  paths,
} from '@charla/shared-types';
import { type ChangeEvent, useId, useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Avatar, EmptyState } from '../../ui/status.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { ADDRESS_BOOK_MAX_BYTES, type AddressBookEntry, hashEmails, parseAddressBook } from './address-book.ts';
import { useContactActions, useContacts } from './contacts.api.ts';

type Found = DiscoveryResult['matches'][number] & { bookName: string };
type State =
  | { step: 'idle' }
  | { step: 'working'; addresses: number }
  | { step: 'done'; addresses: number; found: Found[] }
  | { step: 'failed'; message: string };

/** Hashes every address, asks the server in batches, and names each match as the address book does. */
async function discover(api: ReturnType<typeof useApp>['api'], entries: AddressBookEntry[]): Promise<Found[]> {
  const { salt } = await api.get(paths.discovery.me, discoverySettingsSchema);
  const bookNameOf = new Map(entries.flatMap((e) => e.emails.map((m) => [m, e.name] as const)));
  const hashes = await hashEmails(salt, bookNameOf.keys());
  const all = [...hashes.keys()];
  const found = new Map<string, Found>();
  for (let i = 0; i < all.length; i += DISCOVERY_LOOKUP_MAX) {
    const batch = all.slice(i, i + DISCOVERY_LOOKUP_MAX);
    const { matches } = await api.send('POST', paths.discovery.lookup, discoveryResultSchema, { hashes: batch });
    for (const m of matches) {
      const email = hashes.get(m.hash) ?? '';
      if (!found.has(m.user.id)) found.set(m.user.id, { ...m, bookName: bookNameOf.get(email) ?? '' });
    }
  }
  return [...found.values()];
}

/**
 * Find friends from a contacts file (.vcf or .csv), read on this device: only salted hashes of the
 * email addresses in it are sent, and only people who allowed it can be found.
 */
export function FindFriends({ onMessage }: { onMessage: (userId: string) => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [state, setState] = useState<State>({ step: 'idle' });
  const hintId = useId();

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > ADDRESS_BOOK_MAX_BYTES) {
      setState({ step: 'failed', message: t('findFriends.tooBig') });
      return;
    }
    let entries: AddressBookEntry[];
    try {
      entries = parseAddressBook(file.name, await file.text());
    } catch {
      setState({ step: 'failed', message: t('findFriends.unreadable') });
      return;
    }
    const addresses = new Set(entries.flatMap((x) => x.emails)).size;
    if (!addresses) {
      setState({ step: 'failed', message: t('findFriends.noEmails') });
      return;
    }
    setState({ step: 'working', addresses });
    try {
      setState({ step: 'done', addresses, found: await discover(api, entries) });
    } catch (err) {
      setState({ step: 'failed', message: errorText(t, err) });
    }
  };

  return (
    <div className="stack find-friends">
      <p id={hintId} className="muted">
        {t('findFriends.hint')}
      </p>
      <label className="button secondary file-button">
        {t('findFriends.choose')}
        <input
          type="file"
          className="sr-only"
          accept=".vcf,.vcard,.csv,text/vcard,text/csv"
          aria-describedby={hintId}
          disabled={state.step === 'working'}
          onChange={(e) => void choose(e)}
        />
      </label>
      {state.step === 'working' && (
        <p role="status" aria-live="polite">
          {t('findFriends.checking', { count: state.addresses })}
        </p>
      )}
      {state.step === 'failed' && (
        <p role="alert" className="field-error">
          {state.message}
        </p>
      )}
      {state.step === 'done' && (
        <FoundFriends
          found={state.found}
          addresses={state.addresses}
          onMessage={onMessage}
          onError={(message) => setState({ step: 'failed', message })}
        />
      )}
    </div>
  );
}

/** The people found, named as the address book names them, with "Add to contacts" and "Message". */
function FoundFriends({
  found,
  addresses,
  onMessage,
  onError,
}: {
  found: Found[];
  addresses: number;
  onMessage: (userId: string) => void;
  onError: (message: string) => void;
}) {
  const { t } = useI18n();
  const contacts = useContacts();
  const { save } = useContactActions();
  const isContact = (id: string) => (contacts.data ?? []).some((c) => c.user.id === id);
  return (
    <>
      <p role="status">{t('findFriends.result', { found: found.length, count: addresses })}</p>
      {found.length === 0 ? (
        <EmptyState title={t('findFriends.none')} />
      ) : (
        <ul className="found-friends" aria-label={t('findFriends.found')}>
          {found.map((f) => (
            <li key={f.user.id}>
              <Avatar name={f.user.displayName} url={f.user.avatarUrl} size={32} />
              <span className="found-name">
                {f.user.displayName} <small>@{f.user.username}</small>
                {f.bookName && f.bookName !== f.user.displayName && (
                  <small className="muted">{t('findFriends.inBookAs', { name: f.bookName })}</small>
                )}
              </span>
              {!isContact(f.user.id) && (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => void save(f.user.id, {}).catch((err: unknown) => onError(errorText(t, err)))}
                >
                  {t('contacts.addNamed', { name: f.user.displayName })}
                </button>
              )}
              <button type="button" className="button" onClick={() => onMessage(f.user.id)}>
                {t('findFriends.message', { name: f.user.displayName })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
