import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { badRequest } from '../../http/errors.ts';
import { type OidcProvider, providerUnavailable } from './oidc.registry.ts';

const tokenResponseSchema = z.object({ id_token: z.string().min(20).max(16_384) });

/** Trades an authorization code at an OpenID provider's token endpoint for its ID token. */
export async function redeemOidcCode(
  provider: OidcProvider,
  input: { code: string; codeVerifier: string; redirectUri: string },
  logger: AppContext['logger'],
): Promise<string> {
  const { code, codeVerifier } = input;
  const meta = await provider.metadata();
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: input.redirectUri,
    code_verifier: codeVerifier,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (provider.clientSecret && meta.tokenAuthMethods.includes('client_secret_basic')) {
    // RFC 6749 §2.3.1: both parts are form-encoded before base64.
    const basic = `${encodeURIComponent(provider.clientId)}:${encodeURIComponent(provider.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  } else {
    form.set('client_id', provider.clientId);
    if (provider.clientSecret) form.set('client_secret', provider.clientSecret);
  }
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(meta.tokenEndpoint, {
      method: 'POST',
      headers,
      body: form,
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
    body = await res.json().catch(() => undefined);
  } catch {
    throw providerUnavailable(provider.name);
  }
  if (res.status === 400 && (body as { error?: unknown } | undefined)?.error === 'invalid_grant')
    throw badRequest('This sign-in link was already used or has expired; start again');
  const parsed = tokenResponseSchema.safeParse(body);
  if (!res.ok || !parsed.success) {
    logger.warn({ provider: provider.id, status: res.status }, 'oidc: token endpoint refused the code');
    throw providerUnavailable(provider.name);
  }
  return parsed.data.id_token;
}
