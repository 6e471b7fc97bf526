/**
 * Seeds Charla directly through the server's storage port (fast, no HTTP): users with a session
 * each and a signed access token, and groups of them. Runs in the orchestrator before the server
 * process opens the same SQLite file. Tokens are signed with the same code and secret the server
 * verifies with (JWT_SECRET is passed to the server's env).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createPasswordHasher } from '../../../apps/server/src/modules/auth/auth.password.ts';
import { createAccessTokens, hashToken } from '../../../apps/server/src/modules/auth/auth.tokens.ts';
import type { Storage } from '../../../apps/server/src/storage/ports.ts';
import { openSqliteStorage } from '../../../apps/server/src/storage/sqlite/sqlite-storage.ts';

export const BENCH_PASSWORD = 'bench-password-1234';

export type SeededUser = { id: string; login: string; token: string };

export const newJwtSecret = (): string => randomBytes(36).toString('base64url');

export function openBenchStorage(dataDir: string): Storage {
  return openSqliteStorage(dataDir);
}

/** One bcrypt hash at `cost`, shared by every seeded user (they all use BENCH_PASSWORD). */
export const hashPassword = (cost: number): Promise<string> => createPasswordHasher(cost).hash(BENCH_PASSWORD);

export async function seedUsers(
  storage: Storage,
  options: { count: number; prefix: string; passwordHash: string; jwtSecret: string; withTokens?: boolean },
): Promise<SeededUser[]> {
  const now = new Date();
  const tokens = createAccessTokens(new TextEncoder().encode(options.jwtSecret), 86_400, { now: () => new Date() });
  const out: SeededUser[] = [];
  for (let i = 0; i < options.count; i++) {
    const login = `${options.prefix}${i}`;
    const user = await storage.users.create({
      email: `${login}@bench.charla.local`,
      username: login,
      displayName: `Bench ${login}`,
      passwordHash: options.passwordHash,
      role: 'user',
      emailVerifiedAt: now,
    });
    let token = '';
    if (options.withTokens !== false) {
      const session = await storage.sessions.create({
        id: randomUUID(),
        userId: user.id,
        refreshTokenHash: hashToken(randomBytes(32).toString('base64url')),
        deviceName: 'bench',
        platform: 'other',
        ip: null,
        userAgent: 'charla-bench',
        createdAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
      });
      token = (await tokens.sign({ userId: user.id, sessionId: session.id, role: 'user' })).token;
    }
    out.push({ id: user.id, login, token });
  }
  return out;
}

/** Groups of `size` consecutive users; returns each group's conversation id. */
export async function seedGroups(storage: Storage, users: SeededUser[], size: number): Promise<string[]> {
  const ids: string[] = [];
  for (let g = 0; g * size < users.length; g++) {
    const members = users.slice(g * size, (g + 1) * size);
    const owner = members[0] as SeededUser;
    const conv = await storage.conversations.create({
      kind: 'group',
      title: `Bench group ${g}`,
      createdBy: owner.id,
      members: members.slice(1).map((m) => ({ userId: m.id, role: 'member' as const })),
      now: new Date(),
    });
    ids.push(conv.id);
  }
  return ids;
}
