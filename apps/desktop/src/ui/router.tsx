import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export type Route =
  /** `space`: open the conversation in that space (a push from another space); the shell switches first. */
  | { name: 'home'; conversationId?: string; seq?: number; space?: string }
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'forgot' }
  | { name: 'reset'; token: string }
  | { name: 'verify'; token: string }
  | { name: 'unsubscribe'; token: string }
  | { name: 'completeSignUp'; token: string }
  /** `space`: a group invite made in a space (the link's ?space=). */
  | { name: 'invite'; code: string; space?: string }
  /** A space's link (/s/<slug>): into it, or its join card. */
  | { name: 'space'; slug: string }
  /** A space invite (/s/<slug>/invite/<code>): its preview and Join. */
  | { name: 'spaceInvite'; slug: string; code: string }
  /** A profile link (/u/<username>): opens a chat with that person. */
  | { name: 'profile'; username: string }
  | { name: 'settings' }
  | { name: 'admin' }
  | { name: 'achievements' }
  | { name: 'server' };

/**
 * Routes live in the hash (`#/c/<id>`) so the same code works from file:// in Electron and from
 * the server in a browser. Links that arrive as real paths (/invite/<code>, /reset-password?token=)
 * are read once at start-up.
 */
export function parseLocation(pathname: string, search: string, hash: string): Route {
  const query = new URLSearchParams(search);
  const token = query.get('token') ?? '';
  // Space links first: /s/<slug>/invite/<code> also ends like a group invite.
  const space = pathname.match(/\/s\/([a-z0-9-]{3,40})(?:\/invite\/([A-Za-z0-9_-]{1,64}))?\/?$/);
  if (space?.[1] && space[2]) return { name: 'spaceInvite', slug: space[1], code: space[2] };
  if (space?.[1]) return { name: 'space', slug: space[1] };
  if (pathname.includes('/s/')) return parseHash(hash);
  const invite = pathname.match(/\/invite\/([A-Za-z0-9_-]{1,64})\/?$/);
  if (invite?.[1]) return { name: 'invite', code: invite[1], ...spaceParam(query) };
  const profile = pathname.match(/\/u\/([A-Za-z0-9_.]{3,32})\/?$/);
  if (profile?.[1]) return { name: 'profile', username: profile[1] };
  // A shared public channel link (/channel/<id>): open the channel (read without joining, or join).
  const channel = pathname.match(/\/channel\/([\w-]{1,64})\/?$/);
  if (channel?.[1]) return { name: 'home', conversationId: channel[1] };
  if (/complete-signup/i.test(pathname) && token) return { name: 'completeSignUp', token };
  if (/reset/i.test(pathname) && token) return { name: 'reset', token };
  if (/verify/i.test(pathname) && token) return { name: 'verify', token };
  if (/unsubscribe/i.test(pathname) && token) return { name: 'unsubscribe', token };
  return parseHash(hash);
}

/** A space id from a link's query (`?space=`), when it looks like one; home is no space. */
function spaceParam(q: URLSearchParams): { space?: string } {
  const space = q.get('space');
  return space && space !== 'home' && /^[A-Za-z0-9_-]{1,64}$/.test(space) ? { space } : {};
}

export function parseHash(hash: string): Route {
  const [path = '', qs = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const q = new URLSearchParams(qs);
  switch (parts[0]) {
    case 'c': {
      const space = q.get('space');
      return parts[1]
        ? {
            name: 'home',
            conversationId: parts[1],
            ...(Number(parts[2]) > 0 ? { seq: Number(parts[2]) } : {}),
            ...(space && /^[A-Za-z0-9_-]{1,64}$/.test(space) ? { space } : {}),
          }
        : { name: 'home' };
    }
    case 'login':
      return { name: 'login' };
    case 'register':
      return { name: 'register' };
    case 'forgot':
      return { name: 'forgot' };
    case 'reset':
      return { name: 'reset', token: q.get('token') ?? '' };
    case 'verify':
      return { name: 'verify', token: q.get('token') ?? '' };
    case 'unsubscribe':
      return { name: 'unsubscribe', token: q.get('token') ?? '' };
    case 'complete-signup':
      return { name: 'completeSignUp', token: q.get('token') ?? '' };
    case 'invite':
      return parts[1] ? { name: 'invite', code: parts[1], ...spaceParam(q) } : { name: 'home' };
    case 's':
      if (!parts[1]) return { name: 'home' };
      return parts[2] === 'invite' && parts[3]
        ? { name: 'spaceInvite', slug: parts[1], code: parts[3] }
        : { name: 'space', slug: parts[1] };
    case 'u':
      return parts[1] ? { name: 'profile', username: parts[1] } : { name: 'home' };
    case 'settings':
      return { name: 'settings' };
    case 'admin':
      return { name: 'admin' };
    case 'achievements':
      return { name: 'achievements' };
    case 'server':
      return { name: 'server' };
    default:
      return { name: 'home' };
  }
}

export function routeToHash(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'home':
      if (!route.conversationId) return '#/';
      return `#/c/${e(route.conversationId)}${route.seq ? `/${route.seq}` : ''}${route.space ? `?space=${e(route.space)}` : ''}`;
    case 'reset':
    case 'verify':
    case 'unsubscribe':
      return `#/${route.name}?token=${e(route.token)}`;
    case 'completeSignUp':
      return `#/complete-signup?token=${e(route.token)}`;
    case 'invite':
      return `#/invite/${e(route.code)}${route.space ? `?space=${e(route.space)}` : ''}`;
    case 'space':
      return `#/s/${e(route.slug)}`;
    case 'spaceInvite':
      return `#/s/${e(route.slug)}/invite/${e(route.code)}`;
    case 'profile':
      return `#/u/${e(route.username)}`;
    default:
      return `#/${route.name}`;
  }
}

type RouterValue = { route: Route; navigate: (r: Route, opts?: { replace?: boolean }) => void };
const RouterContext = createContext<RouterValue | null>(null);

export function RouterProvider({ children }: { children: ReactNode }) {
  const [initial] = useState<Route>(() =>
    parseLocation(window.location.pathname, window.location.search, window.location.hash),
  );
  const [route, setRoute] = useState<Route>(initial);
  useEffect(() => {
    // A path-style link (e.g. /invite/abc) becomes its hash form, so reloads and history keep working.
    if (window.location.pathname !== '/' && /^https?:$/.test(window.location.protocol)) {
      window.history.replaceState(null, '', `/${routeToHash(initial)}`);
    }
    const onPop = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [initial]);
  const navigate = useCallback((r: Route, opts?: { replace?: boolean }) => {
    const hash = routeToHash(r);
    if (opts?.replace) window.history.replaceState(null, '', hash);
    else window.history.pushState(null, '', hash);
    setRoute(r);
  }, []);
  const value = useMemo(() => ({ route, navigate }), [route, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

/** The router when there is one (providers that also render in tests without it). */
export function useOptionalRouter(): RouterValue | null {
  return useContext(RouterContext);
}

export function useRouter(): RouterValue {
  const ctx = useContext(RouterContext);
  if (!ctx) throw new Error('useRouter outside RouterProvider');
  return ctx;
}
