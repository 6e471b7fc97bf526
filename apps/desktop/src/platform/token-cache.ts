/**
 * The access-token cache both sessions use: the web session (refresh token in an httpOnly cookie)
 * and the desktop main process (refresh token in the OS keychain). It hands out the cached token
 * while it has more than `marginMs` to live, and otherwise refreshes, one refresh at a time:
 * the server rotates refresh tokens, so a second concurrent refresh would present a spent one.
 * Imports nothing, so Electron main and the renderer can both use it.
 */
export type IssuedToken = { accessToken: string; accessTokenExpiresAt: string };

export type TokenCacheOptions<R extends IssuedToken> = {
  /** Trades the stored refresh token for a new session state; null when signed out. */
  refresh(): Promise<R | null>;
  now?: () => number;
  /** Refresh this long before the access token expires, so requests never race its expiry. */
  marginMs?: number;
  /** Where a token is valid (the desktop's server origin): a token from another scope is never handed out. */
  scope?: () => string;
};

export type TokenCache<R extends IssuedToken> = {
  /** A token valid for longer than the margin, refreshing when needed; null when signed out. */
  get(options?: { forceRefresh?: boolean }): Promise<string | null>;
  /** One shared refresh: concurrent callers get the same answer; adopts (or drops) the token. */
  refresh(): Promise<R | null>;
  /** A sign-in's token. */
  adopt(issued: IssuedToken): void;
  /** The cached token without refreshing (a logout's bearer), or null. */
  peek(): string | null;
  clear(): void;
};

/** When the server's expiry is unreadable, the token is trusted this long. */
const FALLBACK_TTL_MS = 60_000;

export function createTokenCache<R extends IssuedToken>(options: TokenCacheOptions<R>): TokenCache<R> {
  const now = options.now ?? Date.now;
  const margin = options.marginMs ?? 30_000;
  const scope = options.scope ?? (() => '');
  let current: { token: string; expiresAt: number; scope: string } | null = null;
  let inflight: Promise<R | null> | null = null;

  const adopt = (issued: IssuedToken) => {
    const expiresAt = Date.parse(issued.accessTokenExpiresAt);
    current = {
      token: issued.accessToken,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : now() + FALLBACK_TTL_MS,
      scope: scope(),
    };
  };
  const valid = () => {
    // A token from before a server switch is for the old server: never hand it out.
    if (current && current.scope !== scope()) current = null;
    return current;
  };
  const refresh = (): Promise<R | null> => {
    inflight ??= options
      .refresh()
      .then((result) => {
        if (result) adopt(result);
        else current = null;
        return result;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  };

  return {
    async get(opts = {}) {
      const token = valid();
      if (!opts.forceRefresh && token && token.expiresAt - now() > margin) return token.token;
      return (await refresh())?.accessToken ?? null;
    },
    refresh,
    adopt,
    peek: () => valid()?.token ?? null,
    clear() {
      current = null;
    },
  };
}
