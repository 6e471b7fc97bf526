/**
 * String helpers for untrusted input that stay linear in its length. A pattern such as
 * `/^[\s.]+|[\s.]+$/` looks cheap but is retried from every position of a long run and turns
 * quadratic (issue 22 #5); these walk the string once instead.
 */

/** Drops characters from the start and/or end while `drop` says so (one UTF-16 unit at a time). */
export function trimWhere(s: string, drop: (unit: string) => boolean, ends: 'both' | 'start' | 'end' = 'both'): string {
  let start = 0;
  let end = s.length;
  if (ends !== 'end') while (start < end && drop(s.charAt(start))) start++;
  if (ends !== 'start') while (end > start && drop(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/** The first `max` UTF-16 units, never ending in half a surrogate pair. */
export function cutToLength(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
