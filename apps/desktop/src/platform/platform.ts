/**
 * Everything host-specific, behind one interface with an Electron and a web implementation.
 * Nothing outside platform/ knows which host it runs in: ask `supports`, never sniff.
 */
import type { AuthResult, CompleteRegistrationRequest, LoginRequest } from '@charla/shared-types';

export type ThemePreference = 'light' | 'dark' | 'system';
export type NotificationLevel = 'all' | 'mentions' | 'none';

export type ClientSettings = {
  serverUrl: string;
  theme: ThemePreference;
  locale: 'en' | 'es' | 'system';
  notifications: { level: NotificationLevel; sound: boolean; hideContent: boolean };
  /** Desktop only (absent on the web): running in the background. */
  background?: { launchAtLogin: boolean; closeToTray: boolean };
};

export type NotificationRequest = {
  /** One notification per conversation: a newer one replaces it. */
  tag: string;
  title: string;
  body: string;
  conversationId: string;
  /** The message mentions me (or the server listed me in notifyEvenIfMuted): gets through mute and mentions-only. */
  mentioned: boolean;
  /** I muted this conversation. */
  muted: boolean;
};

/** What became of a notify request: the host applies the policy (focus, mute, mentions-only, DND). */
export type NotificationOutcome = 'shown' | 'replaced' | 'suppressed';

/**
 * Session custody. Desktop: the main process keeps the refresh token in the OS keychain and hands
 * out access tokens. Web: the refresh token is an httpOnly cookie and the access token lives in memory.
 */
export type SessionPort = {
  login(request: LoginRequest): Promise<AuthResult>;
  /**
   * Finishes a sign-up: the emailed code (with the address) or the link's token, plus the password
   * chosen at sign-up; signs in like a login. (Signing up itself only mails the code: no session.)
   */
  completeRegistration(request: Omit<CompleteRegistrationRequest, 'client' | 'device'>): Promise<AuthResult>;
  /** Restores a session at start-up (keychain or cookie); null when signed out. */
  restore(): Promise<AuthResult | null>;
  /**
   * "Sign in with Google/OIDC" without leaving the app (desktop: system browser + loopback redirect).
   * Present when `supports.loopbackSignIn`; the web follows the server's redirect flow instead.
   */
  signInWithProvider?(provider: string): Promise<AuthResult>;
  /** A fresh access token, refreshing when needed; null when the session is gone. */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string | null>;
  logout(): Promise<void>;
};

/** A browser's push subscription, as PushSubscription.toJSON() gives it (what the server stores). */
export type BrowserPushSubscription = { endpoint: string; keys: { p256dh: string; auth: string } };

export type WebPushPort = {
  permission(): NotificationPermission;
  /** This browser's subscription, if any (without asking anything). */
  current(): Promise<BrowserPushSubscription | null>;
  /**
   * Asks for permission (call it from a user action only), registers the service worker and
   * subscribes with the server's VAPID key. Throws PushPermissionDenied when the answer is no.
   */
  subscribe(vapidPublicKey: string): Promise<BrowserPushSubscription>;
  unsubscribe(): Promise<void>;
};

export type Platform = {
  readonly kind: 'electron' | 'web';
  readonly supports: {
    nativeNotifications: boolean;
    trayBadge: boolean;
    osKeychain: boolean;
    deepLinks: boolean;
    serverUrlSetting: boolean;
    /** session.signInWithProvider exists (provider sign-in happens in the system browser). */
    loopbackSignIn: boolean;
    /** `push` exists: the browser can be notified while Charla is closed (service worker + Web Push). */
    webPush: boolean;
  };
  /** Web Push on this device (web client in a browser that has it); absent elsewhere. */
  push?: WebPushPort;
  session: SessionPort;
  /** Base URL of the Charla server ('' for same-origin in the web client). */
  serverUrl(): string;
  /** The host decides (electron: main, web: the same shared policy) and coalesces per conversation. */
  notify(notification: NotificationRequest): Promise<NotificationOutcome>;
  /** The conversation on screen, or null: its messages do not notify while the window has focus. */
  focusConversation(conversationId: string | null): void;
  /** Desktop: the latest conversations for the tray menu (titles only). Absent where there is no tray. */
  setRecentConversations?(items: { conversationId: string; title: string; unread: number }[]): void;
  /** Desktop: the computer became idle or locked (true) or is in use again (false). */
  onSystemAway?(handler: (away: boolean) => void): () => void;
  /** Desktop (macOS): text typed into a notification's inline Reply, to send to that conversation. */
  onNotificationReply?(handler: (conversationId: string, text: string) => void): () => void;
  /** Called with a conversation id (and the message seq, when known) when the user clicks a notification. */
  /** `spaceId`: the space a push came from (absent: the space on screen, or home). */
  onNotificationClick(handler: (conversationId: string, seq?: number, spaceId?: string) => void): () => void;
  setUnreadBadge(count: number): void;
  /** Opens an http(s) link outside the app after validating it. */
  openExternal(url: string): Promise<void>;
  /**
   * Desktop: the system share menu (macOS) for text and a link; 'unavailable' where the OS has none.
   * The web uses the browser's share sheet (Web Share API) instead.
   */
  share?(item: { text: string; url?: string; title?: string }): Promise<'shared' | 'unavailable'>;
  loadSettings(): Promise<ClientSettings>;
  saveSettings(patch: Partial<ClientSettings>): Promise<ClientSettings>;
  /** `charla://invite/<code>` and similar links handed to the app. */
  onDeepLink(handler: (url: string) => void): () => void;
  /**
   * Desktop: the key of the encrypted-chat store, from the OS keychain (32 bytes; null when signed
   * out). Absent on the web, where the key is a non-extractable browser key kept in IndexedDB.
   */
  e2eeStoreKey?(): Promise<Uint8Array | null>;
  /** Desktop: forget that key (sign-out). */
  forgetE2eeStoreKey?(): Promise<void>;
};
