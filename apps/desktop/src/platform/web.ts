import { type AuthResult, authResultSchema, CSRF_HEADER, type LoginRequest, paths } from '@charla/shared-types';
import { z } from 'zod';
import { forgetEarly, takeEarly } from './early.ts';
import { isApiError } from './errors.ts';
import { httpJson, readJson } from './http.ts';
import { safeUrl } from './links.ts';
import { composeText, decide } from './notification-policy.ts';
import type { ClientSettings, NotificationOutcome, NotificationRequest, Platform, SessionPort } from './platform.ts';
import { createTokenCache } from './token-cache.ts';
import { createWebPushPort } from './web-push.ts';

const SETTINGS_KEY = 'charla.settings';
/** Refresh this long before the access token expires, so requests never race its expiry. */
const EXPIRY_MARGIN_MS = 30_000;

export const defaultSettings: ClientSettings = {
  serverUrl: '',
  theme: 'system',
  locale: 'system',
  notifications: { level: 'all', sound: true, hideContent: false },
};

const storedSettingsSchema = z
  .object({
    theme: z.enum(['light', 'dark', 'system']),
    locale: z.enum(['en', 'es', 'system']),
    notifications: z.object({
      level: z.enum(['all', 'mentions', 'none']),
      sound: z.boolean(),
      hideContent: z.boolean(),
    }),
  })
  .partial();

function webDevice() {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : 'web';
  return { name: `${browser} on ${os}`, platform: 'web' as const };
}

/** Web session: the refresh token is an httpOnly cookie; the access token lives only in memory. */
export function createWebSession(base: () => string, now: () => number = Date.now): SessionPort {
  const refresh = async (attempt = 0): Promise<AuthResult | null> => {
    try {
      // The first refresh may have been started before the app loaded (early-start.ts): take its answer.
      const early = attempt === 0 && base() === '' ? await takeEarly('refresh') : null;
      if (early) return await readJson(early, authResultSchema);
      return await httpJson(base(), paths.auth.refresh, authResultSchema, {
        method: 'POST',
        body: { client: 'web' },
        headers: { [CSRF_HEADER]: '1' },
      });
    } catch (e) {
      // Any 4xx means the cookie is missing, expired or revoked: signed out. Network errors propagate.
      // 409: another tab rotated the cookie a moment ago; the browser now holds the new one.
      if (isApiError(e, 'conflict') && attempt === 0) {
        await new Promise((r) => setTimeout(r, 300));
        return refresh(1);
      }
      if (isApiError(e) && e.status >= 400 && e.status < 500) return null;
      throw e;
    }
  };
  const tokens = createTokenCache({ refresh: () => refresh(), now, marginMs: EXPIRY_MARGIN_MS });
  const keep = (r: AuthResult) => {
    forgetEarly();
    tokens.adopt(r);
    return r;
  };

  return {
    async login(request: LoginRequest) {
      const body = { ...request, client: 'web' as const, device: request.device ?? webDevice() };
      return keep(await httpJson(base(), paths.auth.login, authResultSchema, { method: 'POST', body }));
    },
    async completeRegistration(request) {
      const body = { ...request, client: 'web' as const, device: webDevice() };
      return keep(await httpJson(base(), paths.auth.registerVerify, authResultSchema, { method: 'POST', body }));
    },
    restore: () => tokens.refresh(),
    // Concurrent callers share one refresh: a second refresh would rotate the cookie under the first.
    getAccessToken: (options) => tokens.get(options),
    async logout() {
      const token = tokens.peek();
      tokens.clear();
      forgetEarly();
      await httpJson(base(), paths.auth.logout, z.unknown(), {
        method: 'POST',
        headers: { [CSRF_HEADER]: '1', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: { client: 'web' },
      }).catch(() => undefined);
    },
  };
}

/** Draws the unread count onto a small favicon so it shows in the browser tab. */
function faviconFor(count: number): string | null {
  if (typeof document === 'undefined') return null;
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 32;
  const ctx = canvas.getContext?.('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#1d7a5f';
  ctx.beginPath();
  ctx.arc(16, 16, 15, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#fff';
  ctx.font = 'bold 18px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(count > 0 ? (count > 99 ? '99' : String(count)) : 'C', 16, 17);
  return canvas.toDataURL('image/png');
}

/** What the web notifier needs from the browser; the defaults are the real ones, tests pass fakes. */
export type WebNotificationHost = {
  windowFocused: () => boolean;
  /** Asks once when undecided; resolves to whether notifications may be shown. */
  permitted: () => Promise<boolean>;
  show: (title: string, options: { body: string; tag: string; silent: boolean }, onClick: () => void) => void;
};

const browserNotifications: WebNotificationHost = {
  windowFocused: () => document.visibilityState === 'visible' && document.hasFocus(),
  async permitted() {
    if (typeof Notification === 'undefined') return false;
    if (Notification.permission === 'default') await Notification.requestPermission();
    return Notification.permission === 'granted';
  },
  show(title, options, onClick) {
    const shown = new Notification(title, options);
    shown.onclick = () => {
      window.focus();
      onClick();
      shown.close();
    };
  },
};

/**
 * Web Notifications under the same policy as the desktop's main process (platform/notification-policy.ts):
 * not for the conversation on screen in a focused tab, mentions get through mute and mentions-only,
 * hide-content, one notification per conversation (the tag replaces it) with a running count.
 */
export function createWebNotifier(
  prefs: () => Promise<ClientSettings['notifications']>,
  onClick: (conversationId: string) => void,
  host: WebNotificationHost = browserNotifications,
) {
  let active: string | null = null;
  const counts = new Map<string, number>();
  return {
    async notify(n: NotificationRequest): Promise<NotificationOutcome> {
      const p = await prefs();
      const decision = decide({
        message: n,
        prefs: { ...p, doNotDisturb: false },
        windowFocused: host.windowFocused(),
        activeConversationId: active,
      });
      if (!decision.notify || !(await host.permitted())) return 'suppressed';
      const count = (counts.get(n.conversationId) ?? 0) + 1;
      counts.set(n.conversationId, count);
      const text = composeText(n, count, p.hideContent);
      host.show(text.title, { body: text.body, tag: n.tag, silent: !p.sound }, () => {
        counts.delete(n.conversationId);
        onClick(n.conversationId);
      });
      return count > 1 ? 'replaced' : 'shown';
    },
    focusConversation(conversationId: string | null) {
      active = conversationId;
      // Opening the conversation reads its messages: the next notification starts a fresh count.
      if (conversationId) counts.delete(conversationId);
    },
  };
}

/** How long the favicon waits after the unread count changes (the title changes at once). */
const BADGE_DELAY_MS = 250;

export function createWebPlatform(): Platform {
  const clickHandlers = new Set<(conversationId: string, seq?: number, spaceId?: string) => void>();
  let badgeCount = 0;
  let badgeTimer: ReturnType<typeof setTimeout> | undefined;
  const base = () => '';
  const notifier = createWebNotifier(
    async () => (await platform.loadSettings()).notifications,
    (id) => {
      for (const h of clickHandlers) h(id);
    },
  );
  const push = createWebPushPort((id, seq, spaceId) => {
    for (const h of clickHandlers) h(id, seq ?? undefined, spaceId);
  });
  const platform: Platform = {
    kind: 'web',
    supports: {
      nativeNotifications: false,
      trayBadge: false,
      osKeychain: false,
      deepLinks: false,
      serverUrlSetting: false,
      loopbackSignIn: false,
      webPush: push !== null,
    },
    ...(push ? { push } : {}),
    session: createWebSession(base),
    serverUrl: base,
    notify: (n) => notifier.notify(n),
    focusConversation: (id) => notifier.focusConversation(id),
    onNotificationClick(handler) {
      clickHandlers.add(handler);
      return () => clickHandlers.delete(handler);
    },
    setUnreadBadge(count) {
      document.title = count > 0 ? `(${count}) Charla` : 'Charla';
      // Drawing the icon (a canvas and a PNG encoding) is a few ms of main thread: not ahead of the
      // first paint of the list, and once for a burst of changes.
      badgeCount = count;
      if (badgeTimer !== undefined) return;
      badgeTimer = setTimeout(() => {
        badgeTimer = undefined;
        const href = faviconFor(badgeCount);
        if (!href) return;
        let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
        if (!link) {
          link = document.createElement('link');
          link.rel = 'icon';
          document.head.append(link);
        }
        link.href = href;
      }, BADGE_DELAY_MS);
    },
    async openExternal(url) {
      const safe = safeUrl(url);
      if (safe) window.open(safe, '_blank', 'noopener,noreferrer');
    },
    async loadSettings() {
      try {
        const parsed = storedSettingsSchema.safeParse(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}'));
        return { ...defaultSettings, ...(parsed.success ? parsed.data : {}) };
      } catch {
        return { ...defaultSettings };
      }
    },
    async saveSettings(patch) {
      const next = { ...(await platform.loadSettings()), ...patch, serverUrl: '' };
      localStorage.setItem(SETTINGS_KEY, JSON.stringify(next));
      return next;
    },
    onDeepLink() {
      return () => undefined;
    },
  };
  return platform;
}
