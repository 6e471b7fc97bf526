import { z } from 'zod';
import { clientKindSchema, deviceSchema } from './auth.ts';

/** PKCE code verifier (RFC 7636 §4.1): 43–128 unreserved characters. */
export const pkceVerifierSchema = z.string().regex(/^[A-Za-z0-9\-._~]{43,128}$/, 'Not a valid PKCE code verifier');
/** S256 code challenge: base64url of a SHA-256 digest (43 characters). */
export const pkceChallengeSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Not a valid S256 code challenge');

/**
 * GET /auth/oidc/:provider/start. The desktop app passes its loopback `redirect` and a PKCE
 * `code_challenge` (it later proves the verifier at /auth/oidc/exchange); `state` is echoed back to
 * the loopback redirect so the app can match the answer to its request.
 */
export const oidcStartQuerySchema = z
  .object({
    client: clientKindSchema.default('web'),
    redirect: z.string().max(2048).optional(),
    code_challenge: pkceChallengeSchema.optional(),
    code_challenge_method: z.literal('S256').optional(),
    state: z
      .string()
      .regex(/^[A-Za-z0-9\-._~]{1,200}$/, 'Use at most 200 URL-safe characters')
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (q.client !== 'desktop') return;
    if (!q.redirect) ctx.addIssue({ code: 'custom', path: ['redirect'], message: 'Required for the desktop app' });
    if (!q.code_challenge)
      ctx.addIssue({ code: 'custom', path: ['code_challenge'], message: 'Required for the desktop app' });
  });
export type OidcStartQuery = z.input<typeof oidcStartQuerySchema>;

/** What the provider sends back to /auth/oidc/:provider/callback (extra parameters are ignored). */
export const oidcCallbackQuerySchema = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().min(1).max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  iss: z.string().max(2048).optional(),
});

/** POST /auth/oidc/exchange: the desktop app trades its one-time loopback code for an AuthResult. */
export const oidcExchangeRequestSchema = z
  .object({
    code: z.string().min(20).max(200),
    codeVerifier: pkceVerifierSchema,
    device: deviceSchema.optional(),
  })
  .strict();
export type OidcExchangeRequest = z.input<typeof oidcExchangeRequestSchema>;

/** POST /auth/oidc/:provider/nonce: a single-use nonce to put in the provider's ID token request. */
export const oidcNonceSchema = z.object({ nonce: z.string(), expiresAt: z.string() });
export type OidcNonce = z.infer<typeof oidcNonceSchema>;

/**
 * POST /auth/oidc/:provider/id-token, for clients that already hold an ID token (e.g. Google
 * Identity Services). `nonce` must be one the server issued (see oidcNonceSchema), used once.
 */
export const oidcIdTokenRequestSchema = z
  .object({
    idToken: z.string().min(20).max(8192),
    nonce: z.string().min(16).max(200),
    client: clientKindSchema.default('web'),
    device: deviceSchema.optional(),
  })
  .strict();
export type OidcIdTokenRequest = z.input<typeof oidcIdTokenRequestSchema>;
