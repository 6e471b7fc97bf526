import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { validationFailed } from '../../http/errors.ts';
import { createHashPool } from './auth.hash-pool.ts';

const listFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'common-passwords.txt');
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (!common) {
    common = new Set(
      fs
        .readFileSync(listFile, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  return common;
}

export const isCommonPassword = (password: string): boolean => commonPasswords().has(password.toLowerCase());

/** Length rules live in the zod schema; this adds the bundled common-password list. */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  if (isCommonPassword(password))
    throw validationFailed({ [field]: ['This password is too common; choose another'] }, 'Choose a stronger password');
}

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the same time as a real check, so unknown accounts cannot be told apart by timing. */
  burn(password: string): Promise<void>;
};

/**
 * From this cost up, hashing runs in worker threads (auth.hash-pool.ts): a cost-12 bcryptjs hash is
 * ~300 ms of CPU, which on the main thread stalls every request and message (pnpm bench, auth
 * section). Lower costs (tests use 4) stay inline, where a hash takes about a millisecond.
 */
export const WORKER_MIN_COST = 10;

const inline = {
  hash: (p: string, cost: number) => bcrypt.hash(p, cost),
  compare: (p: string, h: string) => bcrypt.compare(p, h),
};

/** `workers`: pool size; default one less than the cores (at least 1) from WORKER_MIN_COST up, else 0 (inline). */
export function createPasswordHasher(cost: number, options: { workers?: number } = {}): PasswordHasher {
  const size = options.workers ?? (cost >= WORKER_MIN_COST ? Math.max(1, os.availableParallelism() - 1) : 0);
  const impl = size > 0 ? createHashPool(size, inline) : inline;
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => impl.hash(password, cost),
    verify: (password, hash) => impl.compare(password, hash),
    async burn(password) {
      dummy ??= impl.hash('charla-dummy-password', cost);
      await impl.compare(password, await dummy);
    },
  };
}
