import { z } from 'zod';
import { visibleName } from './name.ts';

/** 3–32 of a-z, 0-9, `_` and `.`; compared case-insensitively, stored as typed. */
export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.]{3,32}$/, 'Use 3–32 letters, digits, "_" or "."');
/** Control characters (NUL, escape sequences…) have no place in "about"; line breaks are fine there. */
const noControlCharsButNewlines = /^(?:[^\p{Cc}]|[\n\t])*$/u;
/** No control, invisible or text-direction characters (issue 21 #11): see dto/name.ts. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(64, 'At most 64 characters')
  .superRefine(visibleName);
export const aboutSchema = z
  .string()
  .trim()
  .max(280, 'At most 280 characters')
  .regex(noControlCharsButNewlines, 'No control characters');
export const userRoleSchema = z.enum(['user', 'admin']);
export type UserRole = z.infer<typeof userRoleSchema>;
export const lastSeenVisibilitySchema = z.enum(['everyone', 'nobody']);

export const ACCENTS = ['green', 'blue', 'purple', 'orange', 'pink'] as const;
export const FONT_SIZES = ['small', 'medium', 'large'] as const;
export const CHAT_BACKGROUNDS = ['plain', 'dots', 'grid', 'paper'] as const;

/**
 * Appearance saved with the account, so every device shows the same (device-only settings such as
 * notifications stay on the device). Every field optional: a missing one means the default.
 */
export const userPreferencesSchema = z
  .object({
    theme: z.enum(['light', 'dark', 'system']),
    accent: z.enum(ACCENTS),
    fontSize: z.enum(FONT_SIZES),
    chatBackground: z.enum(CHAT_BACKGROUNDS),
  })
  .partial()
  .strict();
export type UserPreferences = z.infer<typeof userPreferencesSchema>;

/** The signed-in user, as /auth/me and /users/me return it. */
export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  username: z.string(),
  displayName: z.string(),
  about: z.string(),
  avatarUrl: z.string().nullable(),
  role: userRoleSchema,
  lastSeenVisibility: lastSeenVisibilitySchema,
  hasPassword: z.boolean(),
  createdAt: z.string(),
  /** Absent from servers older than preferences; treat as {}. */
  preferences: userPreferencesSchema.optional(),
});
export type Me = z.infer<typeof meSchema>;

/** What anyone signed in may see of another user. */
export const publicProfileSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  about: z.string(),
  avatarUrl: z.string().nullable(),
  /** null when hidden by the user's privacy setting or never seen. */
  lastSeenAt: z.string().nullable(),
  deleted: z.boolean(),
});
export type PublicProfile = z.infer<typeof publicProfileSchema>;

export const updateMeSchema = z
  .object({
    displayName: displayNameSchema,
    username: usernameSchema,
    about: aboutSchema,
    lastSeenVisibility: lastSeenVisibilitySchema,
    /** Merged into the saved preferences (a field set to null goes back to its default). */
    preferences: userPreferencesSchema.partial().extend({
      theme: userPreferencesSchema.shape.theme.nullable(),
      accent: userPreferencesSchema.shape.accent.nullable(),
      fontSize: userPreferencesSchema.shape.fontSize.nullable(),
      chatBackground: userPreferencesSchema.shape.chatBackground.nullable(),
    }),
  })
  .partial()
  .strict();
export type UpdateMe = z.infer<typeof updateMeSchema>;

export const userSearchQuerySchema = z.object({
  q: z.string().trim().max(64).default(''),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = { items: T[]; nextCursor: string | null };
