import { describe } from 'vitest';

/** Marker the test summary looks for: every skipped test must sit under one of these. */
export const SKIP_MARK = '[skipped: ';

export function skipTitle(title: string, reason: string): string {
  return `${title} ${SKIP_MARK}${reason}]`;
}

/**
 * `describe` that runs only when `available` is true; otherwise its tests are reported as skipped
 * with `reason` (the summary prints it). Never skip silently.
 */
export function describeIf(available: boolean, reason: string, title: string, body: () => void): void {
  if (available) describe(title, body);
  else describe.skip(skipTitle(title, reason), body);
}
