/**
 * The IPC contract between the renderer (through the preload) and the main process.
 * Every invoke channel has a zod schema for its single payload and for its result; the main process
 * validates payloads with them and the preload exposes one typed method per channel.
 * This file imports only zod and shared-types, so the renderer, the preload and main can all use it.
 */
import {
  authResultSchema,
  clientErrorCodes,
  completeRegistrationRequestSchema,
  errorCodes,
  fieldErrorsSchema,
  loginRequestSchema,
} from '@charla/shared-types';
import { z } from 'zod';

/** The one client vocabulary (shared-types): the renderer gets the same codes from IPC as from HTTP. */
export const ipcErrorCodeSchema = z.enum([...errorCodes, ...clientErrorCodes]);
export type IpcErrorCode = z.infer<typeof ipcErrorCodeSchema>;

export const ipcErrorSchema = z.object({
  code: ipcErrorCodeSchema,
  message: z.string(),
  status: z.number().int().optional(),
  details: fieldErrorsSchema.optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

/** Same shape as a socket ack: the preload never throws across the bridge, the platform layer does. */
export type IpcResponse<T> = { ok: true; data: T } | { ok: false; error: IpcError };

const empty = z.object({}).strict();
const conversationId = z.string().min(1).max(128);

/** The renderer never sees the refresh token: login/sign-up/restore return this. */
export const publicAuthResultSchema = authResultSchema.omit({ refreshToken: true, deviceToken: true }).strict();
export type PublicAuthResult = z.infer<typeof publicAuthResultSchema>;

/** The desktop adds `client` and `device` itself; the renderer may not choose them. */
export const loginArgsSchema = loginRequestSchema.omit({ client: true, device: true, deviceTokens: true }).strict();
/** Finishing a sign-up (the emailed code or link, plus the chosen password) signs in like a login. */
export const completeRegistrationArgsSchema = completeRegistrationRequestSchema
  .omit({ client: true, device: true })
  .strict();

/** A provider id as the server names them in /auth/providers ('google', 'oidc'). */
export const oidcProviderArgsSchema = z
  .object({ provider: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'Not a provider id') })
  .strict();

export const secretStorageKindSchema = z.enum(['keychain', 'safe-storage', 'memory']);
export type SecretStorageKind = z.infer<typeof secretStorageKindSchema>;
export const secretStorageInfoSchema = z.object({
  kind: secretStorageKindSchema,
  /** False when the session will not survive a restart: the UI tells the user. */
  persistent: z.boolean(),
});
export type SecretStorageInfo = z.infer<typeof secretStorageInfoSchema>;

export const themeSchema = z.enum(['light', 'dark', 'system']);
export const localeSchema = z.enum(['en', 'es', 'system']);
export const notificationLevelSchema = z.enum(['all', 'mentions', 'none']);

export const notificationPrefsSchema = z
  .object({
    level: notificationLevelSchema,
    sound: z.boolean(),
    hideContent: z.boolean(),
    doNotDisturb: z.boolean(),
  })
  .strict();
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;

/** What the renderer may read and change (window geometry stays private to main). */
export const desktopSettingsSchema = z
  .object({
    serverUrl: z.string().max(2048),
    theme: themeSchema,
    locale: localeSchema,
    notifications: notificationPrefsSchema,
    closeToTray: z.boolean(),
    launchAtLogin: z.boolean(),
  })
  .strict();
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

export const settingsPatchSchema = desktopSettingsSchema
  .omit({ notifications: true })
  .partial()
  .extend({ notifications: notificationPrefsSchema.partial().strict().optional() })
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const notificationArgsSchema = z
  .object({
    /** One notification per tag (conversation): a newer one replaces it. */
    tag: z.string().min(1).max(128),
    title: z.string().max(200),
    body: z.string().max(2000),
    conversationId,
    /** The message mentions the user: notifies in mentions-only mode and in muted conversations. */
    mentioned: z.boolean().optional(),
    /** The user muted this conversation. */
    muted: z.boolean().optional(),
  })
  .strict();
export type NotificationArgs = z.infer<typeof notificationArgsSchema>;

export const notificationOutcomeSchema = z.enum(['shown', 'replaced', 'suppressed']);

/** Hard cap: the badge shows "99+" above 99 anyway, and a huge number is a bug or an attack. */
export const unreadCountSchema = z.number().int().min(0).max(1_000_000);

export const externalUrlSchema = z.string().min(1).max(2048);

/** What the renderer may hand to the system share menu: text and one http(s) link (checked again in main). */
export const shareArgsSchema = z
  .object({ text: z.string().max(4000), url: externalUrlSchema.optional(), title: z.string().max(200).optional() })
  .strict();
export type ShareArgs = z.infer<typeof shareArgsSchema>;

export const inviteLinkSchema = z.object({ kind: z.literal('invite'), code: z.string(), url: z.string() });
/** A profile link (charla://u/<username>): opens a chat with that person. */
export const profileLinkSchema = z.object({ kind: z.literal('profile'), username: z.string(), url: z.string() });
/** A space link (charla://s/<slug>), or a space invite (charla://s/<slug>/invite/<code>). */
export const spaceLinkSchema = z.object({
  kind: z.literal('space'),
  slug: z.string(),
  code: z.string().optional(),
  url: z.string(),
});
export const deepLinkSchema = z.discriminatedUnion('kind', [inviteLinkSchema, profileLinkSchema, spaceLinkSchema]);
export type DeepLink = z.infer<typeof deepLinkSchema>;

export const appInfoSchema = z.object({
  platform: z.enum(['darwin', 'win32', 'linux', 'other']),
  version: z.string(),
  secretStorage: secretStorageInfoSchema,
  updatesEnabled: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** Invoke channels (renderer -> main, with a result). Names are `domain:verb`. */
export const invokeContract = {
  'session:login': { args: loginArgsSchema, result: publicAuthResultSchema },
  'session:complete-registration': { args: completeRegistrationArgsSchema, result: publicAuthResultSchema },
  'session:restore': { args: empty, result: publicAuthResultSchema.nullable() },
  /** System browser + loopback redirect; resolves when the user has signed in (or rejects). */
  'session:oidc': { args: oidcProviderArgsSchema, result: publicAuthResultSchema },
  'session:get-token': {
    args: z.object({ forceRefresh: z.boolean().optional() }).strict(),
    result: z.string().nullable(),
  },
  'session:logout': { args: empty, result: z.null() },
  'settings:get': { args: empty, result: desktopSettingsSchema },
  'settings:update': { args: settingsPatchSchema, result: desktopSettingsSchema },
  'notification:show': { args: notificationArgsSchema, result: notificationOutcomeSchema },
  'conversation:focus': { args: z.object({ conversationId: conversationId.nullable() }).strict(), result: z.null() },
  'badge:set': { args: z.object({ count: unreadCountSchema }).strict(), result: z.null() },
  'shell:open-external': { args: z.object({ url: externalUrlSchema }).strict(), result: z.boolean() },
  /** The system share menu (macOS); 'unavailable' elsewhere, where the renderer shows its share links. */
  'shell:share': { args: shareArgsSchema, result: z.enum(['shared', 'unavailable']) },
  'deep-link:take-pending': { args: empty, result: z.array(deepLinkSchema) },
  'update:install': { args: empty, result: z.null() },
  'app:get-info': { args: empty, result: appInfoSchema },
  /** The signed-in account's E2EE store key (base64, 32 bytes) from the OS keychain; null when signed out. */
  'encryption:store-key': { args: empty, result: z.string().max(64).nullable() },
  'encryption:forget-store-key': { args: empty, result: z.null() },
  /** The latest conversations, for the tray menu (titles only, never message text). */
  'tray:set-recent': {
    args: z
      .object({
        items: z
          .array(z.object({ conversationId, title: z.string().max(100), unread: unreadCountSchema }).strict())
          .max(5),
      })
      .strict(),
    result: z.null(),
  },
} as const;

export type InvokeChannel = keyof typeof invokeContract;
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['result']>;
export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[];

/** Event channels (main -> renderer, no reply). */
export const eventContract = {
  'notification:clicked': z.object({ conversationId }),
  /** Text typed into a notification's inline Reply (macOS): the renderer sends it through its outbox. */
  'notification:reply': z.object({ conversationId, text: z.string().min(1).max(4000) }),
  /** The computer is idle or locked (true), or in use again (false): the renderer reports presence. */
  'system:away': z.object({ away: z.boolean() }),
  'deep-link:received': deepLinkSchema,
  'update:ready': z.object({ version: z.string() }),
  'settings:changed': desktopSettingsSchema,
} as const;
export type EventChannel = keyof typeof eventContract;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventContract)[C]>;
export const eventChannels = Object.keys(eventContract) as EventChannel[];
