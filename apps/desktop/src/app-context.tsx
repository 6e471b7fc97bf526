import type { AuthResult, Me } from '@charla/shared-types';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type ApiClient, createApiClient, type SessionLostReason } from './api/client.ts';
import { deleteOutbox } from './api/outbox.ts';
import { keys } from './api/query-keys.ts';
import { clearDrafts } from './features/chat/drafts.ts';
import { wipeE2eeDevice } from './features/e2ee/e2ee-wipe.ts';
import { type SpaceSelection, useSpaceSelection } from './features/spaces/use-space-selection.ts';
import type { Platform } from './platform/platform.ts';
import { useOptionalRouter } from './ui/router.tsx';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signedOut'; reason?: SessionLostReason | 'offline' }
  | { status: 'signedIn'; me: Me; sessionId: string };

type AppValue = {
  platform: Platform;
  api: ApiClient;
  auth: AuthState;
  signedIn: (r: AuthResult) => void;
  /** The profile changed (settings): update what the app shows. */
  updateMe: (me: Me) => void;
  logout: () => Promise<void>;
  /** Ends the local session after the server said it is gone (revoked, expired refresh). */
  sessionLost: (reason: SessionLostReason) => void;
  /** The space the app is in (REST header, socket handshake, what the screens show). */
  space: SpaceSelection;
};

const AppContext = createContext<AppValue | null>(null);

/** What the signed-in user left in this client: cached data and unsent drafts. */
function clearUserData(qc: QueryClient) {
  qc.clear();
  clearDrafts();
}

/** Owns the session lifecycle: restore at start-up, sign in/out, and the "session lost" path. */
export function AppProvider({ platform, children }: { platform: Platform; children: ReactNode }) {
  const qc = useQueryClient();
  const [auth, setAuth] = useState<AuthState>({ status: 'loading' });
  const authRef = useRef(auth);
  authRef.current = auth;
  const navigate = useOptionalRouter()?.navigate;
  const { selection: space, adopt } = useSpaceSelection(qc, auth.status === 'signedIn' ? auth.me.id : null, navigate);

  const sessionLost = useCallback(
    (reason: SessionLostReason) => {
      if (authRef.current.status !== 'signedIn') return;
      // The session (and with it this device's E2EE identity) is gone: its keys and messages go too.
      void wipeE2eeDevice(authRef.current.me.id);
      clearUserData(qc);
      adopt(null);
      setAuth({ status: 'signedOut', reason });
    },
    [qc, adopt],
  );
  const currentSpace = space.current;
  const api = useMemo(
    () => createApiClient(platform, sessionLost, currentSpace),
    [platform, sessionLost, currentSpace],
  );

  useEffect(() => {
    let cancelled = false;
    platform.session
      .restore()
      .then((r) => {
        if (cancelled) return;
        if (r) {
          qc.setQueryData(keys.me, r.user);
          adopt(r.user.id);
          setAuth({ status: 'signedIn', me: r.user, sessionId: r.sessionId });
        } else setAuth({ status: 'signedOut' });
      })
      .catch(() => !cancelled && setAuth({ status: 'signedOut', reason: 'offline' }));
    return () => {
      cancelled = true;
    };
  }, [platform, qc, adopt]);

  const signedIn = useCallback(
    (r: AuthResult) => {
      qc.setQueryData(keys.me, r.user);
      adopt(r.user.id);
      setAuth({ status: 'signedIn', me: r.user, sessionId: r.sessionId });
    },
    [qc, adopt],
  );
  const updateMe = useCallback(
    (me: Me) => {
      qc.setQueryData(keys.me, me);
      setAuth((a) => (a.status === 'signedIn' ? { ...a, me } : a));
    },
    [qc],
  );
  const logout = useCallback(async () => {
    const userId = authRef.current.status === 'signedIn' ? authRef.current.me.id : null;
    // Before the session goes (main keys the secret by the signed-in account).
    await platform.forgetE2eeStoreKey?.().catch(() => undefined);
    await platform.session.logout();
    if (userId) void wipeE2eeDevice(userId);
    // The server dropped this session's push subscription; the browser forgets it too (shared computers).
    await platform.push?.unsubscribe().catch(() => undefined);
    clearUserData(qc);
    // Signing out on purpose also drops messages still waiting to be sent (a lost session keeps
    // them: the same user signing in again sends them).
    if (userId) await deleteOutbox(userId);
    adopt(null);
    setAuth({ status: 'signedOut' });
  }, [platform, qc, adopt]);

  const value = useMemo(
    () => ({ platform, api, auth, signedIn, updateMe, logout, sessionLost, space }),
    [platform, api, auth, signedIn, updateMe, logout, sessionLost, space],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp outside AppProvider');
  return ctx;
}

/** The signed-in user; only for screens rendered behind the auth gate. */
export function useMe(): Me {
  const { auth } = useApp();
  if (auth.status !== 'signedIn') throw new Error('useMe while signed out');
  return auth.me;
}
