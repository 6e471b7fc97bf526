import { z } from 'zod';
import { displayNameSchema, meSchema, usernameSchema } from './user.ts';

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email('Enter a valid email address'));

/** UTF-8 byte length without DOM or Node globals (shared-types runs on both sides). */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}
/** >= 8 characters and <= 72 bytes (bcrypt's limit: rejected, never silently truncated). */
export const passwordSchema = z
  .string()
  .min(8, 'At least 8 characters')
  .refine((p) => utf8ByteLength(p) <= 72, 'At most 72 bytes');

/** Web clients get the refresh token as an httpOnly cookie; the desktop app in the body. */
export const clientKindSchema = z.enum(['web', 'desktop']);
export type ClientKind = z.infer<typeof clientKindSchema>;

export const devicePlatformSchema = z.enum(['web', 'windows', 'macos', 'linux', 'other']);
export const deviceSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    platform: devicePlatformSchema,
  })
  .strict();
export type Device = z.infer<typeof deviceSchema>;

export const registerRequestSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    displayName: displayNameSchema,
    username: usernameSchema.optional(),
    client: clientKindSchema.default('web'),
    device: deviceSchema.optional(),
  })
  .strict();
export type RegisterRequest = z.input<typeof registerRequestSchema>;

/** The sign-up code mailed to the address: six digits. */
export const SIGN_UP_CODE_LENGTH = 6;
export const signUpCodeSchema = z
  .string()
  .trim()
  .regex(/^[0-9]{6}$/, 'Enter the 6-digit code from the email');

/**
 * POST /auth/register answers 202 with this for a new and an already registered address alike (no
 * session yet): a new address gets a code and a link, the owner of a taken one a warning.
 */
export const registrationPendingSchema = z.object({
  email: z.string(),
  codeLength: z.number().int(),
  expiresInSeconds: z.number().int(),
  /** How long before POST /auth/register/resend sends another mail. */
  resendAfterSeconds: z.number().int(),
});
export type RegistrationPending = z.infer<typeof registrationPendingSchema>;

/**
 * POST /auth/register/verify: the emailed code with its address, or the token of the mailed link.
 * Verifies the email, creates the account and signs it in (the usual auth result).
 */
export const completeRegistrationRequestSchema = z
  .object({
    email: emailSchema.optional(),
    code: signUpCodeSchema.optional(),
    token: z.string().min(10).max(200).optional(),
    /** The password chosen at sign-up: binds the code to whoever chose it. */
    password: z.string().min(1).max(1024),
    client: clientKindSchema.default('web'),
    device: deviceSchema.optional(),
  })
  .strict();
export type CompleteRegistrationRequest = z.input<typeof completeRegistrationRequestSchema>;

export const loginRequestSchema = z
  .object({
    /** Email or username. */
    login: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(1024),
    client: clientKindSchema.default('web'),
    device: deviceSchema.optional(),
    /**
     * Desktop: the `deviceToken`s this device got from earlier sign-ins (web browsers send them as a
     * cookie). The right password from a known device gets through a lock others' guesses caused.
     */
    deviceTokens: z.array(z.string().min(1).max(256)).max(5).optional(),
  })
  .strict();
export type LoginRequest = z.input<typeof loginRequestSchema>;

export const refreshRequestSchema = z
  .object({ refreshToken: z.string().min(20).max(200).optional(), client: clientKindSchema.default('web') })
  .strict();

export const authResultSchema = z.object({
  user: meSchema,
  accessToken: z.string(),
  accessTokenExpiresAt: z.string(),
  sessionId: z.string(),
  /** Only for client: 'desktop'. Web clients get it as a cookie. */
  refreshToken: z.string().optional(),
  /** Only for client: 'desktop': this device is now known to the account (send it with later logins). */
  deviceToken: z.string().optional(),
});
export type AuthResult = z.infer<typeof authResultSchema>;

export const sessionInfoSchema = z.object({
  id: z.string(),
  deviceName: z.string(),
  platform: devicePlatformSchema,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const tokenRequestSchema = z.object({ token: z.string().min(10).max(200) }).strict();
export const emailRequestSchema = z.object({ email: emailSchema }).strict();
export const resetPasswordRequestSchema = z
  .object({ token: z.string().min(10).max(200), password: passwordSchema })
  .strict();
export const changePasswordRequestSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema })
  .strict();
/**
 * Accounts with a password confirm with it. Accounts created through Google/OIDC have none: they
 * type their username instead, from a session signed in within the last few minutes.
 */
export const deleteAccountRequestSchema = z
  .object({
    password: z.string().min(1).max(1024).optional(),
    confirmUsername: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type DeleteAccountRequest = z.infer<typeof deleteAccountRequestSchema>;
/** How recent a sign-in must be to delete an account that has no password. */
export const RECENT_SIGN_IN_MS = 10 * 60 * 1000;

/** Which external sign-in providers the server offers (GET /auth/providers). */
export const authProvidersSchema = z.object({
  password: z.literal(true),
  google: z.boolean(),
  github: z.boolean(),
  oidc: z.object({ name: z.string() }).nullable(),
});
export type AuthProviders = z.infer<typeof authProvidersSchema>;
