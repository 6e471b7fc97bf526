import { type Contact, contactNicknameSchema } from '@charla/shared-types';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError, useNameCheck } from '../../ui/name-check.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { useContactActions, useContacts } from './contacts.api.ts';

type Person = { id: string; name: string };
type Run = (fn: () => Promise<unknown>, ok: string) => Promise<void>;

/**
 * The details panel of a direct chat: add the person to my contacts, or give them a nickname, mark
 * them a favourite, remove them. Private to me; they are not told.
 */
export function ContactSection({ person }: { person: Person }) {
  const { t } = useI18n();
  const toasts = useToasts();
  const contacts = useContacts();
  const { save } = useContactActions();
  const contact = contacts.data?.find((c) => c.user.id === person.id);
  const [busy, setBusy] = useState(false);
  const run: Run = async (fn, ok) => {
    setBusy(true);
    try {
      await fn();
      toasts.show({ kind: 'info', text: ok });
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel-section contact-section">
      <h3>{t('contacts.title')}</h3>
      {contacts.isPending ? (
        <Skeleton label={t('common.loading')} />
      ) : contact ? (
        <ContactEditor person={person} contact={contact} busy={busy} run={run} />
      ) : (
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => void run(() => save(person.id, {}), t('contacts.added', { name: person.name }))}
        >
          {t('contacts.addNamed', { name: person.name })}
        </button>
      )}
    </div>
  );
}

function ContactEditor({ person, contact, busy, run }: { person: Person; contact: Contact; busy: boolean; run: Run }) {
  const { t } = useI18n();
  const { save, remove } = useContactActions();
  const [nickname, setNickname] = useState(contact.nickname ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const checkName = useNameCheck();
  const errorId = useId();
  useEffect(() => setNickname(contact.nickname ?? ''), [contact.nickname]);
  const saveNickname = (ev: FormEvent) => {
    ev.preventDefault();
    // Same schema as the server: a refused nickname is explained under the field, nothing is sent.
    const bad = checkName(contactNicknameSchema, nickname);
    setProblem(bad);
    if (bad) return;
    void run(() => save(person.id, { nickname: nickname.trim() || null }), t('contacts.saved'));
  };
  return (
    <>
      <form className="contact-nickname" onSubmit={saveNickname}>
        <label>
          {t('contacts.nickname')}
          <input
            className="input"
            value={nickname}
            maxLength={64}
            placeholder={contact.user.displayName}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? errorId : undefined}
            onChange={(e) => setNickname(e.target.value)}
          />
        </label>
        <button type="submit" className="button" disabled={busy || nickname === (contact.nickname ?? '')}>
          {t('common.save')}
        </button>
      </form>
      <FieldError id={errorId} text={problem} />
      <label className="switch">
        <input
          type="checkbox"
          checked={contact.favourite}
          disabled={busy}
          onChange={(e) =>
            void run(
              () => save(person.id, { favourite: e.target.checked }),
              t(e.target.checked ? 'contacts.starred' : 'contacts.unstarred', { name: person.name }),
            )
          }
        />
        {t('contacts.favourite')}
      </label>
      <button
        type="button"
        className="button secondary"
        disabled={busy}
        onClick={() => void run(() => remove(person.id), t('contacts.removed', { name: person.name }))}
      >
        {t('contacts.removeNamed', { name: person.name })}
      </button>
    </>
  );
}
