import type { z } from 'zod';
import { findInvisibleCharacter, INVISIBLE_CHARACTERS_MESSAGE } from '../text/invisible.ts';

/** Why a name was refused, in the issue's `params.reason`, so clients can say it in their language. */
export type NameCharacterProblem = 'control_characters' | 'invisible_characters';

/**
 * For everything a person names (display names, group and channel titles): no control characters,
 * and none that are invisible or reorder text (see text/invisible.ts for what and why). Refused,
 * not stripped, so what is shown is what the person typed and client and server agree.
 */
export function visibleName(value: string, ctx: z.RefinementCtx): void {
  const found = findInvisibleCharacter(value);
  if (!found) return;
  const reason: NameCharacterProblem = found.kind === 'control' ? 'control_characters' : 'invisible_characters';
  ctx.addIssue({
    code: 'custom',
    message: found.kind === 'control' ? 'No control characters' : INVISIBLE_CHARACTERS_MESSAGE,
    params: { reason, codePoint: `U+${found.codePoint.toString(16).toUpperCase().padStart(4, '0')}` },
  });
}
