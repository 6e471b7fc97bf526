import { type ConversationSummary, paths, publicProfileSchema } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, lazy, type ReactNode, Suspense, useCallback, useContext, useMemo, useState } from 'react';
import { z } from 'zod';
import { listOf } from '../../api/queries.ts';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import type { ReportTarget } from '../chat/message-dialogs.tsx';

const ReportDialog = lazy(() => import('../chat/message-dialogs.tsx').then((m) => ({ default: m.ReportDialog })));

export type Person = { id: string; name: string };

type Safety = {
  isBlocked: (userId: string | undefined) => boolean;
  /** Asks first (an in-app dialog), then blocks. */
  block: (person: Person) => void;
  unblock: (person: Person) => void;
  report: (target: ReportTarget) => void;
};

const SafetyContext = createContext<Safety | null>(null);

/** The people I blocked (GET /users/me/blocked), shared with Settings through the same query key. */
export function useBlockedPeople() {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.blocked,
    queryFn: () => api.get(paths.users.blocked, listOf(publicProfileSchema)),
    staleTime: 60_000,
  });
}

/**
 * Block, unblock and report from anywhere in the signed-in shell (a chat's details, a message's
 * menu): the confirmation and report dialogs live here, so they outlive the menu that opened them.
 */
export function SafetyProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const blocked = useBlockedPeople();
  const [confirming, setConfirming] = useState<Person | null>(null);
  const [reporting, setReporting] = useState<ReportTarget | null>(null);
  const ids = useMemo(() => new Set((blocked.data ?? []).map((u) => u.id)), [blocked.data]);

  const change = useCallback(
    async (person: Person, on: boolean) => {
      try {
        await api.send(on ? 'POST' : 'DELETE', paths.users.block(person.id), z.unknown());
        await qc.invalidateQueries({ queryKey: keys.blocked });
        toasts.show({
          kind: 'info',
          text: t(on ? 'safety.blocked' : 'safety.unblocked', { name: person.name }),
        });
      } catch (e) {
        toasts.show({ kind: 'error', text: errorText(t, e) });
      }
    },
    [api, qc, toasts, t],
  );

  const value = useMemo<Safety>(
    () => ({
      isBlocked: (id) => Boolean(id && ids.has(id)),
      block: setConfirming,
      unblock: (person) => void change(person, false),
      report: setReporting,
    }),
    [ids, change],
  );

  return (
    <SafetyContext.Provider value={value}>
      {children}
      {confirming && (
        <ConfirmDialog
          title={t('safety.blockTitle', { name: confirming.name })}
          body={t('safety.blockExplain', { name: confirming.name })}
          confirmLabel={t('safety.block')}
          onConfirm={() => void change(confirming, true)}
          onClose={() => setConfirming(null)}
        />
      )}
      {reporting && (
        <Suspense fallback={null}>
          <ReportDialog target={reporting} onClose={() => setReporting(null)} />
        </Suspense>
      )}
    </SafetyContext.Provider>
  );
}

export function useSafety(): Safety {
  const ctx = useContext(SafetyContext);
  if (!ctx) throw new Error('useSafety outside SafetyProvider');
  return ctx;
}

/** "Block Ana" / "Unblock Ana" as one button, for menus and panels. */
export function BlockButton({
  person,
  className,
  onDone,
}: {
  person: Person;
  className?: string;
  onDone?: () => void;
}) {
  const { t } = useI18n();
  const safety = useSafety();
  const blocked = safety.isBlocked(person.id);
  return (
    <button
      type="button"
      className={className}
      onClick={() => {
        if (blocked) safety.unblock(person);
        else safety.block(person);
        onDone?.();
      }}
    >
      {t(blocked ? 'safety.unblockNamed' : 'safety.blockNamed', { name: person.name })}
    </button>
  );
}

/** Replaces the composer of a direct chat with someone I blocked. */
export function BlockedNotice({ person }: { person: Person }) {
  const { t } = useI18n();
  const safety = useSafety();
  return (
    <section className="composer blocked-notice" aria-label={t('composer.label')}>
      <p>{t('safety.youBlocked', { name: person.name })}</p>
      <button type="button" className="button secondary" onClick={() => safety.unblock(person)}>
        {t('safety.unblock')}
      </button>
    </section>
  );
}

/**
 * Block/unblock and report for a chat's details panel (GroupInfo's `safety` slot): the person in a
 * direct chat, the group or channel otherwise.
 */
export function SafetyActions({ conversation: c, name }: { conversation: ConversationSummary; name: string }) {
  const { t } = useI18n();
  const safety = useSafety();
  const peer = c.kind === 'direct' ? c.peer : null;
  return (
    <div className="safety-actions">
      {peer && <BlockButton className="button secondary" person={{ id: peer.id, name: peer.displayName }} />}
      <button
        type="button"
        className="button secondary"
        onClick={() =>
          peer
            ? safety.report({ kind: 'user', userId: peer.id, name: peer.displayName })
            : safety.report({ kind: 'conversation', conversationId: c.id, name })
        }
      >
        {t('safety.reportNamed', { name: peer ? peer.displayName : name })}
      </button>
    </div>
  );
}
