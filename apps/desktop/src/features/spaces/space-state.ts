import { HOME_SPACE_ID, SPACE_HEADER, SPACE_QUERY, trimWhere } from '@charla/shared-types';
import { contrastRatio } from '../../ui/contrast.ts';

/*
 * Which space the client is in, and what it remembers per space. Plain functions over a Storage so
 * they are tested without a browser; the React side is use-space-selection.ts.
 */

export type SpaceStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const activeKey = (userId: string) => `charla.space.${userId}`;
const lastKey = (userId: string) => `charla.space.${userId}.last`;
/** Ids as the server makes them (spaces, `home`, conversations); anything else in storage is ignored. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function store(): SpaceStorage | null {
  return typeof localStorage === 'undefined' ? null : localStorage;
}

/** The space this account was last in on this device (home when none, or when storage is unreadable). */
export function readActiveSpace(userId: string, storage = store()): string {
  const v = safeGet(storage, activeKey(userId));
  return v && ID.test(v) ? v : HOME_SPACE_ID;
}

export function writeActiveSpace(userId: string, spaceId: string, storage = store()): void {
  if (spaceId === HOME_SPACE_ID) safeRemove(storage, activeKey(userId));
  else safeSet(storage, activeKey(userId), spaceId);
}

function readLastMap(userId: string, storage: SpaceStorage | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(safeGet(storage, lastKey(userId)) ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string' && ID.test(e[1])),
    );
  } catch {
    return {};
  }
}

/** The conversation last open in a space, to reopen it when switching back. */
export function readLastConversation(userId: string, spaceId: string, storage = store()): string | undefined {
  return readLastMap(userId, storage)[spaceId];
}

export function writeLastConversation(
  userId: string,
  spaceId: string,
  conversationId: string | null,
  storage = store(),
): void {
  const map = readLastMap(userId, storage);
  if (conversationId) map[spaceId] = conversationId;
  else delete map[spaceId];
  safeSet(storage, lastKey(userId), JSON.stringify(map));
}

/** Forgets what is kept for a space this account left, or that was deleted. */
export function forgetSpace(userId: string, spaceId: string, storage = store()): void {
  writeLastConversation(userId, spaceId, null, storage);
  if (readActiveSpace(userId, storage) === spaceId) writeActiveSpace(userId, HOME_SPACE_ID, storage);
}

/**
 * The request headers naming the space a REST call acts in. Home sends none (the server's default,
 * so a server without spaces keeps working), and the /spaces routes carry their space in the path:
 * they must keep answering when the current space has just gone (left, deleted), or the client
 * could never find its way home.
 */
export function spaceHeaders(spaceId: string, path: string): Record<string, string> {
  if (spaceId === HOME_SPACE_ID || path === '/spaces' || path.startsWith('/spaces/')) return {};
  return { [SPACE_HEADER]: spaceId };
}

/** A URL the browser loads itself (an image, a download) in the given space: `?space=` unless home or already there. */
export function withSpaceQuery(url: string, spaceId: string): string {
  if (spaceId === HOME_SPACE_ID || url.includes(`?${SPACE_QUERY}=`) || url.includes(`&${SPACE_QUERY}=`)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${SPACE_QUERY}=${encodeURIComponent(spaceId)}`;
}

/** Up to two letters for a space without an icon: initials of its first words. */
export function spaceInitials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const [first, second] = words;
  if (!first) return '?';
  const picked = second ? `${Array.from(first)[0]}${Array.from(second)[0]}` : Array.from(first).slice(0, 2).join('');
  return picked.toUpperCase();
}

/** Black or white, whichever reads better on a space's accent colour (any colour an owner picks stays legible). */
export function textOn(accent: string): '#000000' | '#ffffff' {
  try {
    return contrastRatio(accent, '#ffffff') >= contrastRatio(accent, '#000000') ? '#ffffff' : '#000000';
  } catch {
    return '#ffffff';
  }
}

/** An origin without its trailing slashes (walked, not /\/+$/, which backtracks on a run of them). */
export function webOrigin(origin: string): string {
  return trimWhere(origin, (u) => u === '/', 'end');
}

/** The invite link someone else opens: on the web origin, so it works in a browser and as a desktop deep link. */
export function spaceInviteLink(origin: string, slug: string, code: string): string {
  return `${webOrigin(origin)}/s/${encodeURIComponent(slug)}/invite/${encodeURIComponent(code)}`;
}

function safeGet(storage: SpaceStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function safeSet(storage: SpaceStorage | null, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Storage full or blocked: the space is still switched, it is just not remembered.
  }
}
function safeRemove(storage: SpaceStorage | null, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // as above
  }
}
