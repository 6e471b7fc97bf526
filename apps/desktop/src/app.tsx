import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { AppProvider, useApp } from './app-context.tsx';
import {
  CompleteSignUpScreen,
  ForgotScreen,
  LoginScreen,
  RegisterScreen,
  ResetScreen,
  ServerScreen,
  VerifyScreen,
} from './features/auth/auth-screens.tsx';
import { ProfileLanding } from './features/contacts/profile-landing.tsx';
import { InviteLanding } from './features/groups/invite-landing.tsx';
import { HomeScreen } from './features/home/home-screen.tsx';
import { UnsubscribeScreen } from './features/settings/email-digest.tsx';
import { SpaceInviteLanding, SpaceLanding } from './features/spaces/space-landing.tsx';
import type { Platform } from './platform/platform.ts';
import { useI18n } from './ui/i18n.tsx';
import { parseHash, type Route, RouterProvider, routeToHash, useRouter } from './ui/router.tsx';
import { SettingsProvider } from './ui/settings.tsx';
import { Skeleton } from './ui/status.tsx';
import { ToastProvider } from './ui/toasts.tsx';

export function App({ platform }: { platform: Platform }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <SettingsProvider platform={platform}>
        <ToastProvider>
          <RouterProvider>
            <AppProvider platform={platform}>
              <Root />
            </AppProvider>
          </RouterProvider>
        </ToastProvider>
      </SettingsProvider>
    </QueryClientProvider>
  );
}

const PENDING_INVITE = 'charla.pendingInvite';
const PENDING_PROFILE = 'charla.pendingProfile';
/** A space link or invite opened while signed out (its hash form), resumed after sign-in. */
const PENDING_SPACE = 'charla.pendingSpace';
const isSpaceLink = (r: Route) => r.name === 'space' || r.name === 'spaceInvite';

/** Screens reachable without a session; everything else waits for sign-in. */
function publicScreen(route: Route) {
  switch (route.name) {
    case 'register':
      return <RegisterScreen />;
    case 'forgot':
      return <ForgotScreen />;
    case 'reset':
      return <ResetScreen token={route.token} />;
    case 'verify':
      return <VerifyScreen token={route.token} />;
    case 'unsubscribe':
      return <UnsubscribeScreen token={route.token} />;
    case 'completeSignUp':
      return <CompleteSignUpScreen token={route.token} />;
    case 'server':
      return <ServerScreen />;
    default:
      return null;
  }
}

function Root() {
  const { t } = useI18n();
  const { auth, platform, space } = useApp();
  const { route, navigate } = useRouter();

  useEffect(
    () =>
      platform.onDeepLink((url) => {
        // Space links first: a space invite also ends in invite/<code>. Main parsed them strictly.
        const space = url.match(/^charla:\/\/s\/([a-z0-9-]{3,40})(?:\/invite\/([A-Za-z0-9_-]{8,64}))?$/);
        const code = url.match(/invite\/([A-Za-z0-9_-]+)/)?.[1];
        const username = url.match(/^charla:\/\/u\/([A-Za-z0-9_.]{3,32})$/)?.[1];
        if (space?.[1] && space[2]) navigate({ name: 'spaceInvite', slug: space[1], code: space[2] });
        else if (space?.[1]) navigate({ name: 'space', slug: space[1] });
        else if (code) navigate({ name: 'invite', code });
        else if (username) navigate({ name: 'profile', username });
      }),
    [platform, navigate],
  );

  // An invite opened while signed out is remembered and resumed after sign-in.
  useEffect(() => {
    // The whole link (a group invite in a space names the space).
    if (route.name === 'invite' && auth.status === 'signedOut')
      sessionStorage.setItem(PENDING_INVITE, routeToHash(route));
    if (route.name === 'profile' && auth.status === 'signedOut')
      sessionStorage.setItem(PENDING_PROFILE, route.username);
    if (isSpaceLink(route) && auth.status === 'signedOut') sessionStorage.setItem(PENDING_SPACE, routeToHash(route));
    if (auth.status === 'signedIn') {
      const code = sessionStorage.getItem(PENDING_INVITE);
      const username = sessionStorage.getItem(PENDING_PROFILE);
      const spaceLink = sessionStorage.getItem(PENDING_SPACE);
      const pendingSpace = spaceLink ? parseHash(spaceLink) : null;
      if (pendingSpace && isSpaceLink(pendingSpace)) {
        sessionStorage.removeItem(PENDING_SPACE);
        navigate(pendingSpace, { replace: true });
      } else if (code) {
        sessionStorage.removeItem(PENDING_INVITE);
        const pendingInvite = parseHash(code);
        navigate(pendingInvite.name === 'invite' ? pendingInvite : { name: 'invite', code }, { replace: true });
      } else if (username) {
        sessionStorage.removeItem(PENDING_PROFILE);
        navigate({ name: 'profile', username }, { replace: true });
      } else if (['login', 'register', 'forgot', 'server', 'completeSignUp'].includes(route.name))
        navigate({ name: 'home' }, { replace: true });
    }
  }, [auth.status, route, navigate]);

  if (auth.status === 'loading') {
    return (
      <main className="auth" aria-busy="true">
        <Skeleton lines={3} label={t('common.loading')} />
      </main>
    );
  }
  // Desktop first run: no server chosen yet.
  if (platform.supports.serverUrlSetting && !platform.serverUrl()) return <ServerScreen />;
  if (route.name === 'verify' || route.name === 'reset' || route.name === 'unsubscribe') return publicScreen(route);
  if (auth.status === 'signedOut') {
    const screen = publicScreen(route);
    if (screen) return screen;
    const notice =
      auth.reason === 'revoked' || auth.reason === 'expired'
        ? t('auth.sessionEnded')
        : auth.reason === 'offline'
          ? t('errors.network')
          : route.name === 'invite'
            ? t('invite.signInFirst')
            : route.name === 'profile'
              ? t('profileLink.signInFirst')
              : isSpaceLink(route)
                ? t('spaces.signInFirst')
                : undefined;
    return <LoginScreen notice={notice} />;
  }
  if (route.name === 'invite') return <InviteLanding code={route.code} space={route.space} />;
  if (route.name === 'profile') return <ProfileLanding username={route.username} />;
  // Between two spaces nothing of either is mounted: the old socket closes, the cache is emptied.
  if (space.switching)
    return (
      <main className="auth" aria-busy="true">
        <Skeleton lines={3} label={t('spaces.switching')} />
      </main>
    );
  if (route.name === 'space') return <SpaceLanding slug={route.slug} />;
  if (route.name === 'spaceInvite') return <SpaceInviteLanding code={route.code} />;
  // One mount per space: its socket, outbox and screens start fresh in it.
  return <HomeScreen key={space.id} />;
}
