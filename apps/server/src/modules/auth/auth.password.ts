import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { validationFailed } from '../../http/errors.ts';

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

export function createPasswordHasher(cost: number): PasswordHasher {
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => bcrypt.hash(password, cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
    async burn(password) {
      dummy ??= bcrypt.hash('charla-dummy-password', cost);
      await bcrypt.compare(password, await dummy);
    },
  };
}
