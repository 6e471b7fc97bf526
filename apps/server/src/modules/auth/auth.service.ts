import { randomInt, randomUUID } from 'node:crypto';
import type { Device, Me, SessionInfo } from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { AppError, badRequest, conflict, notFound, rateLimited, unauthenticated } from '../../http/errors.ts';
import { resetPasswordMail, verifyEmailMail } from '../../mail/templates.ts';
import { DuplicateKeyError, type SessionRecord, type UserRecord } from '../../storage/ports.ts';
import { toMe } from '../users/users.mapper.ts';
import { deviceFromUserAgent } from './auth.device.ts';
import { createKnownDevices } from './auth.known-device.ts';
import { assertAcceptablePassword, type PasswordHasher } from './auth.password.ts';
import { createRegistration } from './auth.registration.ts';
import type { LoginThrottle } from './auth.throttle.ts';
import { type AccessTokens, hashToken, newOpaqueToken } from './auth.tokens.ts';
import { isListedAdminEmail, promoteListedAdmin } from './listed-admins.ts';

export type RequestMeta = { ip: string | null; userAgent: string | null };

/** A signed-in session: the routes decide whether the refresh token goes in a cookie or the body. */
export type SessionGrant = {
  /** Marks this device as known to the account (see login): a cookie for web, the body for desktop. */
  deviceToken: string;
  user: Me;
  accessToken: string;
  accessTokenExpiresAt: string;
  sessionId: string;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
};

/** An already-rotated refresh token presented within this window is answered 409, not treated as theft. */
export const REFRESH_REUSE_GRACE_MS = 10_000;
export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
export const RESET_PASSWORD_TTL_MS = 30 * 60 * 1000;

type Deps = Pick<AppContext, 'config' | 'storage' | 'clock' | 'mailer' | 'events' | 'logger'> & {
  tokens: AccessTokens;
  /** Server secret for keyed hashes (sign-up codes) and signed device tokens. */
  signingKey: Uint8Array;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
};

const invalidCredentials = () => unauthenticated('Wrong email, username or password');

/** "Jane.Doe+x@mail.com" -> "Jane.Doe_x", at least 3 and at most 24 allowed characters. */
export function usernameFromEmail(email: string): string {
  const local = (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 24);
  return local.length >= 3 ? local : `${local}user`.slice(0, 24);
}

export function createAuthService(deps: Deps) {
  const { config, storage, clock, mailer, events, logger, tokens, hasher, throttle } = deps;
  const refreshTtlMs = config.REFRESH_TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000;
  const knownDevices = createKnownDevices(deps.signingKey, clock);

  const sendMail = async (mail: Parameters<typeof mailer.send>[0]) => {
    try {
      await mailer.send(mail);
    } catch (err) {
      // The account change stands; the user can ask for the mail again.
      logger.error({ err, to: mail.to, subject: mail.subject }, 'could not send mail');
    }
  };

  async function revokeAll(userId: string, exceptId?: string): Promise<void> {
    const ids = await storage.sessions.revokeAllForUser(userId, clock.now(), exceptId);
    for (const sessionId of ids) events.emit('session:revoked', { sessionId, userId });
  }

  async function sendVerification(user: UserRecord): Promise<void> {
    const now = clock.now();
    await storage.oneTimeTokens.invalidateForUser(user.id, 'verify_email', now);
    const token = newOpaqueToken();
    await storage.oneTimeTokens.create({
      kind: 'verify_email',
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + VERIFY_EMAIL_TTL_MS),
    });
    await sendMail(verifyEmailMail(user.email, config.webUrl, token));
  }

  async function grantFor(user: UserRecord, session: SessionRecord, refreshToken: string): Promise<SessionGrant> {
    const access = await tokens.sign({ userId: user.id, sessionId: session.id, role: user.role });
    return {
      deviceToken: knownDevices.issue(user.id),
      user: toMe(user),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      sessionId: session.id,
      refreshToken,
      refreshTokenExpiresAt: session.expiresAt,
    };
  }

  /** Opens a session for a user who has proven who they are (password, or an OIDC helper's ID token). */
  async function startSession(
    user: UserRecord,
    client: 'web' | 'desktop',
    device: Device | undefined,
    meta: RequestMeta,
  ): Promise<SessionGrant> {
    if (user.suspendedAt) throw new AppError(403, 'account_suspended', 'This account is suspended');
    if (user.deletedAt) throw invalidCredentials();
    const d = device ?? deviceFromUserAgent(meta.userAgent, client === 'web' ? 'web' : 'other');
    const refreshToken = newOpaqueToken();
    const now = clock.now();
    const session = await storage.sessions.create({
      id: randomUUID(),
      userId: user.id,
      refreshTokenHash: hashToken(refreshToken),
      deviceName: d.name,
      platform: d.platform,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + refreshTtlMs),
    });
    return grantFor(user, session, refreshToken);
  }

  async function requireUser(userId: string): Promise<UserRecord> {
    const user = await storage.users.findById(userId);
    if (!user || user.deletedAt) throw unauthenticated();
    return user;
  }

  /** Creates the account of a completed sign-up (the email is verified by its code). */
  async function createVerifiedUser(input: {
    email: string;
    username: string | null;
    displayName: string;
    passwordHash: string;
  }): Promise<UserRecord> {
    // ADMIN_EMAILS counts here because the code just proved the mailbox (issue 22 #2).
    const admin = isListedAdminEmail(config, input.email);
    const role = admin || (await storage.users.count()) === 0 ? 'admin' : 'user';
    const base = input.username ?? usernameFromEmail(input.email);
    for (let attempt = 0; ; attempt++) {
      const username = attempt === 0 ? base : `${base.slice(0, 24)}${randomInt(1000, 100_000)}`;
      try {
        return await storage.users.create({
          email: input.email,
          username,
          displayName: input.displayName,
          passwordHash: input.passwordHash,
          role,
          emailVerifiedAt: clock.now(),
        });
      } catch (err) {
        // A chosen username is the user's to change; a derived one we retry with a suffix.
        if (!(err instanceof DuplicateKeyError) || err.field === 'email' || input.username || attempt >= 5) throw err;
      }
    }
  }

  const registration = createRegistration({
    config,
    storage,
    clock,
    logger,
    hasher,
    signingKey: deps.signingKey,
    sendMail,
    startSession,
    createUser: createVerifiedUser,
  });

  return {
    startSession,
    revokeAll,
    register: registration.register,
    resendRegistration: registration.resend,
    completeRegistration: registration.complete,

    /**
     * Password sign-in. Failures lock the account with a backoff (whatever IP they come from); a
     * device that signed in to this account before (`knownDevices`: its signed tokens) still gets
     * through with the right password, counting its own wrong ones, so strangers guessing cannot lock
     * the owner out.
     */
    async login(
      input: { login: string; password: string },
      client: 'web' | 'desktop',
      device: Device | undefined,
      meta: RequestMeta,
      deviceTokens: readonly string[] = [],
    ): Promise<SessionGrant> {
      const login = input.login.trim().toLowerCase();
      const user = login.includes('@')
        ? await storage.users.findByEmail(login)
        : await storage.users.findByUsername(login);
      // Per account (so switching between email and username does not reset it), else per typed login.
      const key = user ? `user:${user.id}` : `login:${login}`;
      const knownId = user ? knownDevices.match(deviceTokens, user.id) : null;
      const keys = knownId && user ? [`device:${user.id}:${knownId}`] : [key];
      const wait = Math.max(...(await Promise.all(keys.map((k) => throttle.retryAfter(k)))));
      if (wait > 0) throw rateLimited(wait, 'Too many failed sign-in attempts; try again later');
      const ok = user?.passwordHash && !user.deletedAt ? await hasher.verify(input.password, user.passwordHash) : false;
      if (!user?.passwordHash || user.deletedAt) await hasher.burn(input.password);
      if (!ok || !user) {
        for (const k of keys) await throttle.fail(k);
        throw invalidCredentials();
      }
      await throttle.succeed(key);
      for (const k of keys) await throttle.succeed(k);
      return startSession(user, client, device, meta);
    },

    /** Rotates the refresh token (compare-and-set), detecting reuse of an already-rotated one. */
    async refresh(refreshToken: string, meta: RequestMeta): Promise<SessionGrant> {
      const hash = hashToken(refreshToken);
      const now = clock.now();
      const session = await storage.sessions.findByTokenHash(hash);
      if (!session) throw unauthenticated('Unknown refresh token');
      if (session.revokedAt || session.expiresAt <= now)
        throw unauthenticated('This session has ended; sign in again', 'session_revoked');
      if (session.refreshTokenHash !== hash) return reused(session, now);
      const user = await storage.users.findById(session.userId);
      if (!user || user.deletedAt) throw unauthenticated('This session has ended; sign in again', 'session_revoked');
      if (user.suspendedAt) throw new AppError(403, 'account_suspended', 'This account is suspended');
      const next = newOpaqueToken();
      const expiresAt = new Date(now.getTime() + refreshTtlMs);
      const won = await storage.sessions.rotate(session.id, hash, hashToken(next), now, expiresAt);
      if (!won) {
        // A concurrent refresh rotated it first: same as presenting a just-rotated token.
        const latest = await storage.sessions.findById(session.id);
        if (!latest || latest.revokedAt)
          throw unauthenticated('This session has ended; sign in again', 'session_revoked');
        return reused(latest, now);
      }
      if (meta.ip) await storage.sessions.touch(session.id, now, meta.ip);
      return grantFor(user, { ...session, expiresAt }, next);
    },

    async logoutSession(userId: string, sessionId: string): Promise<void> {
      await storage.sessions.revoke(sessionId, clock.now());
      events.emit('session:revoked', { sessionId, userId });
    },

    async logoutByRefreshToken(refreshToken: string): Promise<boolean> {
      const session = await storage.sessions.findByTokenHash(hashToken(refreshToken));
      if (!session || session.revokedAt) return false;
      await storage.sessions.revoke(session.id, clock.now());
      events.emit('session:revoked', { sessionId: session.id, userId: session.userId });
      return true;
    },

    async listSessions(userId: string, currentId: string): Promise<SessionInfo[]> {
      const sessions = await storage.sessions.listActive(userId, clock.now());
      return sessions.map((s) => ({
        id: s.id,
        deviceName: s.deviceName,
        platform: s.platform,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        current: s.id === currentId,
      }));
    },

    async revokeSession(userId: string, sessionId: string): Promise<void> {
      const session = await storage.sessions.findById(sessionId);
      // Someone else's session looks exactly like a missing one.
      if (!session || session.userId !== userId || session.revokedAt) throw notFound('Session');
      await storage.sessions.revoke(sessionId, clock.now());
      events.emit('session:revoked', { sessionId, userId });
    },

    async me(userId: string): Promise<Me> {
      return toMe(await requireUser(userId));
    },

    async verifyEmail(token: string): Promise<Me> {
      const used = await storage.oneTimeTokens.consume('verify_email', hashToken(token), clock.now());
      if (!used) throw badRequest('This link is invalid, expired or already used');
      const user = await storage.users.findById(used.userId);
      if (!user || user.deletedAt) throw badRequest('This link is invalid, expired or already used');
      const updated = user.emailVerifiedAt
        ? user
        : await storage.users.update(user.id, { emailVerifiedAt: clock.now() });
      const current = user.emailVerifiedAt ? user : await promoteListedAdmin(deps, updated ?? user);
      events.emit('user:updated', { userId: user.id });
      return toMe(current);
    },

    /** Returns false when there is nothing to send (already verified). */
    async resendVerification(userId: string): Promise<boolean> {
      const user = await requireUser(userId);
      if (user.emailVerifiedAt) return false;
      await sendVerification(user);
      return true;
    },

    /** Never reveals whether the email exists: the caller always answers 202, and mail goes out in the background. */
    forgotPassword(email: string): void {
      void (async () => {
        const user = await storage.users.findByEmail(email);
        if (!user || user.deletedAt) return;
        const now = clock.now();
        await storage.oneTimeTokens.invalidateForUser(user.id, 'reset_password', now);
        const token = newOpaqueToken();
        await storage.oneTimeTokens.create({
          kind: 'reset_password',
          userId: user.id,
          tokenHash: hashToken(token),
          expiresAt: new Date(now.getTime() + RESET_PASSWORD_TTL_MS),
        });
        await sendMail(resetPasswordMail(user.email, config.webUrl, token));
      })().catch((err: unknown) => logger.error({ err }, 'forgot-password failed'));
    },

    async resetPassword(token: string, password: string): Promise<void> {
      // Checked before burning the token, so a rejected password does not cost the user their link.
      assertAcceptablePassword(password);
      const passwordHash = await hasher.hash(password);
      const now = clock.now();
      const used = await storage.oneTimeTokens.consume('reset_password', hashToken(token), now);
      if (!used) throw badRequest('This link is invalid, expired or already used');
      const user = await storage.users.findById(used.userId);
      if (!user || user.deletedAt) throw badRequest('This link is invalid, expired or already used');
      // Following the mailed link proves the mailbox, so the email counts as verified too.
      const updated = await storage.users.update(user.id, {
        passwordHash,
        emailVerifiedAt: user.emailVerifiedAt ?? now,
      });
      if (!user.emailVerifiedAt && updated) await promoteListedAdmin(deps, updated);
      await storage.oneTimeTokens.invalidateForUser(user.id, 'reset_password', now);
      await revokeAll(user.id);
      // The mailbox owner chose a new password: a lock from someone guessing the old one is moot.
      await throttle.succeed(`user:${user.id}`);
    },

    async changePassword(userId: string, sessionId: string, current: string, next: string): Promise<void> {
      const user = await requireUser(userId);
      if (!user.passwordHash) throw badRequest('This account has no password; use "forgot password" to set one');
      if (!(await hasher.verify(current, user.passwordHash)))
        throw new AppError(400, 'validation_failed', 'Current password is wrong', {
          details: { currentPassword: ['Wrong password'] },
        });
      assertAcceptablePassword(next, 'newPassword');
      await storage.users.update(user.id, { passwordHash: await hasher.hash(next) });
      await revokeAll(user.id, sessionId);
    },
  };

  /** Presenting the previous token: within the grace a lost response or a racing tab; after it, theft. */
  async function reused(session: SessionRecord, now: Date): Promise<never> {
    const rotatedAt = session.rotatedAt?.getTime() ?? 0;
    if (now.getTime() - rotatedAt <= REFRESH_REUSE_GRACE_MS)
      throw conflict('This refresh token was just rotated; retry with the newest one');
    await storage.sessions.revoke(session.id, now);
    events.emit('session:revoked', { sessionId: session.id, userId: session.userId });
    logger.warn({ sessionId: session.id, userId: session.userId }, 'refresh token reuse: session revoked');
    throw unauthenticated('This session has ended; sign in again', 'session_revoked');
  }
}

export type AuthService = ReturnType<typeof createAuthService>;
