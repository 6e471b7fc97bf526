import { HOME_SPACE_ID, SPACE_HEADER, SPACE_QUERY } from '@charla/shared-types';
import type { RequestHandler } from 'express';
import { notFound } from '../../http/errors.ts';
import type { AuthContext } from '../../http/request.ts';
import type { SpaceRecord, Storage } from '../../storage/ports.ts';
import { isSpaceId, runInSpace, type SpaceScope } from '../../storage/spaces/space-scope.ts';
import { bearerToken } from '../auth/auth.middleware.ts';

/**
 * Route prefixes that act in a space: what a space holds. The others (accounts, profiles,
 * contacts, notifications, the space registry itself) are global and ignore the space header.
 */
export const SPACE_PREFIXES: readonly string[] = [
  '/conversations',
  '/messages',
  '/invites',
  '/search',
  '/media',
  '/reports',
  '/admin',
  '/e2ee',
  '/points',
  '/link-previews',
  '/translation',
];

/**
 * Who may act in a space: its members, and site admins (site-wide powers). `admit` makes an account
 * exist in the space's database (spaceStorages.admit): a site admin who is not a member acts there
 * too (moderates, reports, writes), and what they write needs their account row like anyone's.
 */
export function createSpaceAccess(
  storage: Storage,
  admit: (space: SpaceRecord, userIds: readonly string[]) => Promise<void> = async () => undefined,
) {
  /** Site admins already admitted into a space's database by this process ("space:user"). */
  const admitted = new Set<string>();
  /** The scope for `spaceId` as `auth` sees it, or 404 (unknown and not-a-member look the same). */
  async function enter(spaceId: string, auth: AuthContext | null): Promise<SpaceScope> {
    if (spaceId === HOME_SPACE_ID) return { spaceId, space: null };
    const space = isSpaceId(spaceId) ? await storage.spaces.findById(spaceId) : null;
    if (!space) throw notFound('Space');
    if (auth && !(await storage.spaces.findMember(space.id, auth.userId))) {
      if (auth.role !== 'admin') throw notFound('Space');
      const key = `${space.id}:${auth.userId}`;
      if (!admitted.has(key)) {
        await admit(space, [auth.userId]);
        if (admitted.size >= 10_000) admitted.clear();
        admitted.add(key);
      }
    }
    return { spaceId: space.id, space };
  }
  return { enter };
}
export type SpaceAccess = ReturnType<typeof createSpaceAccess>;

function requestedSpace(header: string | undefined, query: unknown): string | null {
  const value = header ?? (typeof query === 'string' ? query : undefined);
  return value === undefined || value === '' ? null : value;
}

/**
 * Enters the space a request names (X-Charla-Space, or ?space= on URLs the browser loads itself,
 * such as media) for the space-level routes. With a bearer token the caller must be in the space
 * (the token is checked here once; requireAuth reuses it); without one, the route's own check
 * (a signed media URL, an invite code, or a 401) decides.
 */
export function spaceScopeMiddleware(
  access: SpaceAccess,
  verifyAccessToken: (token: string) => Promise<AuthContext>,
): RequestHandler {
  return async (req, _res, next) => {
    const wanted = requestedSpace(req.get(SPACE_HEADER), req.query[SPACE_QUERY]);
    if (wanted === null || wanted === HOME_SPACE_ID || !SPACE_PREFIXES.some((p) => isUnder(req.path, p))) return next();
    const token = bearerToken(req);
    let auth: AuthContext | null = null;
    if (token) {
      try {
        auth = await verifyAccessToken(token);
      } catch {
        // An invalid token: no space is entered; the route's requireAuth answers 401.
        return next();
      }
      req.auth = auth;
    }
    const scope = await access.enter(wanted, auth);
    runInSpace(scope, next);
  };
}

const isUnder = (path: string, prefix: string) =>
  path === prefix || (path.startsWith(prefix) && path.charAt(prefix.length) === '/');
