import { DuplicateKeyError } from '../errors.ts';

/**
 * A row the same transaction just wrote (or checked) must be there: a missing one is a bug, and
 * this says which, instead of a cast that would fail later and further away.
 */
export function required<T>(row: T | undefined | null, what: string): T {
  if (row === undefined || row === null) throw new Error(`sqlite: ${what} missing`);
  return row;
}

/** A COUNT(*) AS n row. */
export type CountRow = { n: number };

export const ms = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
export const date = (v: number | null): Date | null => (v === null ? null : new Date(v));
export const dateOf = (v: number): Date => new Date(v);

/** Escapes LIKE wildcards so user text is matched literally (used with ESCAPE '\'). */
export const likePrefix = (q: string): string => `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Turns a UNIQUE violation into DuplicateKeyError naming the column; rethrows anything else. */
export function rethrowUnique(err: unknown, columns: Record<string, string>): never {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object' && e.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof e.message === 'string') {
    for (const [column, field] of Object.entries(columns)) {
      if ((e.message as string).includes(`.${column}`)) throw new DuplicateKeyError(field);
    }
    throw new DuplicateKeyError('unknown');
  }
  throw err;
}
