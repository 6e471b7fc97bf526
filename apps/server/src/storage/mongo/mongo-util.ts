import mongoose from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';

/**
 * Marks an operator object we built ourselves as safe: with `sanitizeFilter` on, any other `$`
 * object inside a filter is wrapped in `$eq` and matched literally.
 */
export const op = <T extends object>(query: T): T => mongoose.trusted(query) as T;

export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** E11000 -> DuplicateKeyError naming the field (mapped through `fields`, e.g. usernameLower -> username). */
export function rethrowDuplicate(err: unknown, fields: Record<string, string> = {}): never {
  const e = err as {
    code?: unknown;
    keyPattern?: Record<string, unknown>;
    keyValue?: Record<string, unknown>;
    message?: unknown;
  } | null;
  if (e && typeof e === 'object' && e.code === 11000) {
    // keyPattern/keyValue are missing on some servers and proxies; the message always names the index.
    const fromMessage = typeof e.message === 'string' ? /index: (\w+?)_-?1\b/.exec(e.message)?.[1] : undefined;
    const key = Object.keys(e.keyPattern ?? e.keyValue ?? {})[0] ?? fromMessage ?? 'unknown';
    throw new DuplicateKeyError(fields[key] ?? key);
  }
  throw err;
}
