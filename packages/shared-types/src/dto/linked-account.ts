import { z } from 'zod';

/*
 * External accounts linked to a Charla account (Google, GitHub, a generic OpenID Connect
 * provider): each is a way to sign in. Listed and unlinked from Settings.
 */
export const linkedAccountSchema = z.object({
  id: z.string(),
  /** Registry key: 'google', 'github', 'oidc'. */
  provider: z.string(),
  /** The provider as shown to people ("GitHub", OIDC_NAME). */
  providerName: z.string(),
  /** The login or address at the provider (GitHub login, email), when known. */
  accountName: z.string().nullable(),
  linkedAt: z.string(),
  lastUsedAt: z.string(),
});
export type LinkedAccount = z.infer<typeof linkedAccountSchema>;

export const linkedAccountListSchema = z.object({
  items: z.array(linkedAccountSchema),
  /** Whether the account has a password (another way to sign in besides the linked ones). */
  hasPassword: z.boolean(),
});
export type LinkedAccountList = z.infer<typeof linkedAccountListSchema>;

/** POST /auth/oidc/:provider/link: where to send the browser to approve the link. */
export const linkStartSchema = z.object({ location: z.string() });
export type LinkStart = z.infer<typeof linkStartSchema>;

/** How the server reports the end of a link flow to the web client (query of `#/settings?…`). */
export const LINK_RESULT_PARAMS = { linked: 'linked', error: 'linkError' } as const;
