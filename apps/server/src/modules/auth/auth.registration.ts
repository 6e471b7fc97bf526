import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Device, RegistrationPending } from '@charla/shared-types';
import { SIGN_UP_CODE_LENGTH } from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { AppError, conflict, validationFailed } from '../../http/errors.ts';
import type { Mail } from '../../mail/mailer.ts';
import { signUpAttemptMail, signUpCodeMail } from '../../mail/templates.ts';
import { DuplicateKeyError, type PendingRegistrationRecord, type UserRecord } from '../../storage/ports.ts';
import { assertAcceptablePassword, type PasswordHasher } from './auth.password.ts';
import type { RequestMeta, SessionGrant } from './auth.service.ts';
import { hashToken, newOpaqueToken } from './auth.tokens.ts';

export const SIGN_UP_CODE_TTL_MS = 15 * 60 * 1000;
/** One mail per address per minute, whoever asks (registering again or "resend"). */
export const SIGN_UP_RESEND_MS = 60 * 1000;
/** Wrong codes before the pending sign-up is dropped (a new code must be asked for). */
export const SIGN_UP_MAX_ATTEMPTS = 5;
const SWEEP_EVERY_MS = 10 * 60 * 1000;

type Deps = Pick<AppContext, 'config' | 'storage' | 'clock' | 'logger'> & {
  hasher: PasswordHasher;
  /** Server secret for the codes' keyed hash (a leaked table does not give codes away). */
  signingKey: Uint8Array;
  sendMail(mail: Mail): Promise<void>;
  startSession(
    user: UserRecord,
    client: 'web' | 'desktop',
    device: Device | undefined,
    meta: RequestMeta,
  ): Promise<SessionGrant>;
  createUser(input: {
    email: string;
    username: string | null;
    displayName: string;
    passwordHash: string;
  }): Promise<UserRecord>;
};

const wrongCode = () =>
  validationFailed({ code: ['This code is wrong or has expired'] }, 'This code is wrong or has expired');
/** 429: the client offers "send a new code" (no wait helps: this code is gone). */
const tooManyWrong = () =>
  new AppError(429, 'rate_limited', 'Too many wrong codes: ask for a new code', {
    details: { code: ['Too many wrong codes: ask for a new code'] },
  });
const deadLink = () =>
  validationFailed(
    { token: ['This link is invalid, expired or already used'] },
    'This link is invalid, expired or already used',
  );
const wrongPassword = () =>
  validationFailed(
    { password: ['Not the password chosen for this sign-up'] },
    'Not the password chosen for this sign-up',
  );

/**
 * Sign-up without account enumeration. Registering answers the same for a new and a taken address
 * ("check your email", no session) after the same work (a password hash, one stored row, mail sent
 * in the background). A new address gets a 6-digit code and a link; the owner of a taken one gets a
 * warning without the requester's text, and a stand-in row that counts wrong codes and expires like
 * a real one but never completes.
 *
 * The code (or link) proves the mailbox; the password chosen at sign-up must come with it, so
 * someone who signs up with another person's address cannot have that person finish an account
 * whose password the stranger knows (pre-hijacking). The client sends it along from the form; the
 * link's page asks for it.
 */
export function createRegistration(deps: Deps) {
  const { config, storage, clock, logger, hasher } = deps;
  let lastSweep = 0;

  const codeHash = (email: string, code: string) =>
    createHmac('sha256', deps.signingKey).update(`sign-up\u0000${email}\u0000${code}`).digest('base64url');
  const sameHash = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };
  const pendingAnswer = (email: string): RegistrationPending => ({
    email,
    codeLength: SIGN_UP_CODE_LENGTH,
    expiresInSeconds: SIGN_UP_CODE_TTL_MS / 1000,
    resendAfterSeconds: SIGN_UP_RESEND_MS / 1000,
  });
  /** Mail leaves in the background: SMTP latency must not tell a new address from a taken one. */
  const mailLater = (mail: Mail) => {
    void deps.sendMail(mail).catch((err: unknown) => logger.error({ err }, 'sign-up mail failed'));
  };
  const sweep = (now: Date) => {
    if (now.getTime() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now.getTime();
    storage.pendingRegistrations
      .deleteExpired(now)
      .catch((err: unknown) => logger.warn({ err }, 'pending sign-up sweep failed'));
  };
  const live = (p: PendingRegistrationRecord | null, now: Date): p is PendingRegistrationRecord =>
    Boolean(p && p.expiresAt > now);
  const recentlySent = (p: PendingRegistrationRecord, now: Date): boolean =>
    live(p, now) && now.getTime() - p.sentAt.getTime() < SIGN_UP_RESEND_MS;

  /** A fresh code and link for the address (new or taken), mailed; the previous ones stop working. */
  async function issue(
    email: string,
    existing: UserRecord | null,
    data: { username: string | null; displayName: string; passwordHash: string },
  ): Promise<void> {
    const now = clock.now();
    const code = String(randomInt(0, 10 ** SIGN_UP_CODE_LENGTH)).padStart(SIGN_UP_CODE_LENGTH, '0');
    const link = newOpaqueToken();
    await storage.pendingRegistrations.put({
      email,
      existingUserId: existing?.id ?? null,
      // The stand-in keeps nothing the requester typed.
      username: existing ? null : data.username,
      displayName: existing ? '' : data.displayName,
      passwordHash: existing ? '' : data.passwordHash,
      // A stand-in's code is never mailed (and its row can never be taken).
      codeHash: codeHash(email, existing ? newOpaqueToken() : code),
      linkTokenHash: hashToken(link),
      sentAt: now,
      expiresAt: new Date(now.getTime() + SIGN_UP_CODE_TTL_MS),
    });
    mailLater(
      existing
        ? signUpAttemptMail(email, config.webUrl)
        : signUpCodeMail(email, config.webUrl, code, link, SIGN_UP_CODE_TTL_MS / 60_000),
    );
  }

  /** Counts a failure against the address's code; past the limit the sign-up is dropped. */
  async function failed(email: string, error: () => Error): Promise<never> {
    const attempts = await storage.pendingRegistrations.addFailedAttempt(email);
    if (attempts >= SIGN_UP_MAX_ATTEMPTS) {
      await storage.pendingRegistrations.delete(email);
      throw tooManyWrong();
    }
    throw error();
  }

  /** One bcrypt run whatever the row is (none, a stand-in, a real one), so timing tells nothing. */
  async function passwordMatches(p: PendingRegistrationRecord | null, password: string): Promise<boolean> {
    if (p?.passwordHash && !p.existingUserId) return hasher.verify(password, p.passwordHash);
    await hasher.burn(password);
    return false;
  }

  return {
    async register(input: {
      email: string;
      password: string;
      displayName: string;
      username?: string | undefined;
    }): Promise<RegistrationPending> {
      assertAcceptablePassword(input.password);
      // Usernames are public: a taken one may say so.
      if (input.username && (await storage.users.findByUsername(input.username)))
        throw conflict('This username is taken', { username: ['Already taken'] });
      // Hashed for a taken address too, so both answers take as long.
      const passwordHash = await hasher.hash(input.password);
      const now = clock.now();
      sweep(now);
      const [found, pending] = await Promise.all([
        storage.users.findByEmail(input.email),
        storage.pendingRegistrations.find(input.email),
      ]);
      const existing = found && !found.deletedAt ? found : null;
      const data = { username: input.username ?? null, displayName: input.displayName, passwordHash };
      if (pending && recentlySent(pending, now)) {
        // At most one mail a minute per address. Signing up again within it keeps the mailed code
        // (and its wrong-code count) and takes the new details: the code then needs the new password.
        await storage.pendingRegistrations.put({
          ...pending,
          existingUserId: existing?.id ?? null,
          username: existing ? null : data.username,
          displayName: existing ? '' : data.displayName,
          passwordHash: existing ? '' : data.passwordHash,
        });
      } else {
        await issue(input.email, existing, data);
      }
      return pendingAnswer(input.email);
    },

    /** Another code for a pending sign-up (or another warning for a taken address); always the same answer. */
    async resend(email: string): Promise<RegistrationPending> {
      const now = clock.now();
      const pending = await storage.pendingRegistrations.find(email);
      if (live(pending, now) && !recentlySent(pending, now)) {
        const existing = pending.existingUserId ? await storage.users.findById(pending.existingUserId) : null;
        await issue(email, existing && !existing.deletedAt ? existing : null, pending);
      }
      return pendingAnswer(email);
    },

    async complete(
      input: { email?: string | undefined; code?: string | undefined; token?: string | undefined; password: string },
      client: 'web' | 'desktop',
      device: Device | undefined,
      meta: RequestMeta,
    ): Promise<SessionGrant> {
      const now = clock.now();
      let pending: PendingRegistrationRecord | null;
      if (input.token) {
        const linkHash = hashToken(input.token);
        const found = await storage.pendingRegistrations.findByLinkToken(linkHash);
        const ok = await passwordMatches(found, input.password);
        if (!live(found, now) || found.existingUserId) throw deadLink();
        if (!ok) return failed(found.email, wrongPassword);
        pending = await storage.pendingRegistrations.takeByLinkToken(linkHash, now);
        if (!pending) throw deadLink();
      } else {
        if (!input.email || !input.code)
          throw validationFailed({ code: ['Enter the code from the email'] }, 'Send the email and code, or the link');
        const hash = codeHash(input.email, input.code);
        const found = await storage.pendingRegistrations.find(input.email);
        // A taken address's stand-in fails here exactly like a new address's wrong code.
        const ok = (await passwordMatches(found, input.password)) && sameHash(found?.codeHash ?? '', hash);
        if (!live(found, now)) throw wrongCode();
        if (found.attempts >= SIGN_UP_MAX_ATTEMPTS) return failed(input.email, tooManyWrong);
        if (!ok) return failed(input.email, wrongCode);
        pending = await storage.pendingRegistrations.takeByCode(input.email, hash, now, SIGN_UP_MAX_ATTEMPTS);
        if (!pending) throw wrongCode();
      }
      let user: UserRecord;
      try {
        user = await deps.createUser({
          email: pending.email,
          username: pending.username,
          displayName: pending.displayName,
          passwordHash: pending.passwordHash,
        });
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        // The mailbox was proven just now, so saying so leaks nothing.
        if (err.field === 'email') throw conflict('This address already has an account: sign in instead');
        throw conflict('This username was taken meanwhile: sign up again with another one', {
          username: ['Already taken'],
        });
      }
      return deps.startSession(user, client, device, meta);
    },
  };
}
