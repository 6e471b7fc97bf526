import { HOME_SPACE_ID } from '@charla/shared-types';
import type { QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { forgetEarly } from '../../platform/early.ts';
import type { Route } from '../../ui/router.tsx';
import { forgetSpace, readActiveSpace, readLastConversation, writeActiveSpace } from './space-state.ts';

export type SpaceSelection = {
  /** The space the app is in. */
  id: string;
  /** Between leaving one space and entering the next: nothing space-scoped is mounted then. */
  switching: boolean;
  /** The current space for code outside render (the REST client reads it per request). */
  current: () => string;
  /**
   * Goes to a space, into `conversationId` or else the conversation last open there; `show`: a
   * route to show there instead (a group invite made in that space).
   */
  switchTo: (spaceId: string, opts?: { conversationId?: string; show?: Route }) => void;
  /** The server says the current space is gone (deleted, or this account left or was removed): back home. */
  lost: () => void;
};

/** Query keys that belong to the account or the site, not to a space: they survive a switch. */
const GLOBAL_KEYS = new Set(['me', 'spaces', 'auth', 'serverConfig']);

/** Drops everything cached from one space before the next one mounts (nothing may show across spaces). */
export function clearSpaceCache(qc: QueryClient): void {
  qc.removeQueries({ predicate: (q) => !GLOBAL_KEYS.has(String(q.queryKey[0])) });
}

/**
 * The current space, per account and persisted on this device. A switch happens in two steps: first
 * `switching` (the screens of the old space unmount, which closes its socket), then in an effect the
 * cache is cleared, the new space becomes current and its last conversation opens; the screens mount
 * again with a socket opened in the new space.
 */
export function useSpaceSelection(
  qc: QueryClient,
  userId: string | null,
  navigate: ((r: Route, opts?: { replace?: boolean }) => void) | undefined,
): { selection: SpaceSelection; adopt: (userId: string | null) => void } {
  const ref = useRef(HOME_SPACE_ID);
  const [id, setId] = useState(HOME_SPACE_ID);
  const [pending, setPending] = useState<{ id: string; conversationId?: string; show?: Route } | null>(null);

  /** Sign-in, restore or sign-out: the account's remembered space, set in the same render as the session. */
  const adopt = useCallback((uid: string | null) => {
    const next = uid ? readActiveSpace(uid) : HOME_SPACE_ID;
    // The early-start script fetched the home space's chat list: not this space's.
    if (next !== HOME_SPACE_ID) forgetEarly();
    ref.current = next;
    setId(next);
    setPending(null);
  }, []);

  const switchTo = useCallback(
    (spaceId: string, opts: { conversationId?: string; show?: Route } = {}) => {
      if (!userId) return;
      if (spaceId === ref.current) {
        navigate?.(
          opts.show ?? { name: 'home', ...(opts.conversationId ? { conversationId: opts.conversationId } : {}) },
        );
        return;
      }
      setPending({ id: spaceId, conversationId: opts.conversationId, show: opts.show });
    },
    [userId, navigate],
  );

  useEffect(() => {
    if (!pending || !userId) return;
    ref.current = pending.id;
    writeActiveSpace(userId, pending.id);
    clearSpaceCache(qc);
    forgetEarly();
    setId(pending.id);
    setPending(null);
    const target = pending.conversationId ?? readLastConversation(userId, pending.id);
    navigate?.(pending.show ?? (target ? { name: 'home', conversationId: target } : { name: 'home' }));
  }, [pending, userId, qc, navigate]);

  const lost = useCallback(() => {
    if (!userId || ref.current === HOME_SPACE_ID) return;
    forgetSpace(userId, ref.current);
    void qc.invalidateQueries({ queryKey: ['spaces'] });
    setPending({ id: HOME_SPACE_ID });
  }, [userId, qc]);

  const current = useCallback(() => ref.current, []);
  const selection = useMemo(
    () => ({ id, switching: pending !== null, current, switchTo, lost }),
    [id, pending, current, switchTo, lost],
  );
  return { selection, adopt };
}
