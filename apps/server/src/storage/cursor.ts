/**
 * The one page-cursor codec of both adapters: a page's position as a small JSON tuple, base64url
 * encoded. Clients treat cursors as opaque. A malformed or foreign cursor (or one whose shape
 * `check` refuses) reads as "from the start" rather than failing the request.
 */
export const encodeCursor = (position: readonly unknown[]): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

export function decodeCursor<T extends readonly unknown[]>(
  cursor: string | null | undefined,
  check: (v: unknown) => v is T,
): T | null {
  if (!cursor) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return check(v) ? v : null;
  } catch {
    return null;
  }
}

type Slot = 'number' | 'string';
type SlotType<S extends Slot> = S extends 'number' ? number : string;

/** A `check` for decodeCursor: an array with exactly these element types (numbers finite). */
export function cursorOf<const S extends readonly Slot[]>(
  ...slots: S
): (v: unknown) => v is { -readonly [K in keyof S]: SlotType<S[K]> } {
  return (v: unknown): v is { -readonly [K in keyof S]: SlotType<S[K]> } =>
    Array.isArray(v) &&
    v.length === slots.length &&
    slots.every((slot, i) => (slot === 'number' ? Number.isFinite(v[i]) : typeof v[i] === 'string'));
}
