import type { NameCharacterProblem } from '@charla/shared-types';
import type { z } from 'zod';
import { type MessageKey, useI18n } from './i18n.tsx';

const PROBLEM_TEXT: Record<NameCharacterProblem, MessageKey> = {
  invisible_characters: 'errors.invisibleCharacters',
  control_characters: 'errors.controlCharacters',
};

/** The user's-language sentence for a zod issue: ours by `params.reason`, else the schema's text. */
export function issueText(t: (k: MessageKey) => string, issue: z.core.$ZodIssue): string {
  const reason = (issue as { params?: { reason?: string } }).params?.reason;
  return reason && reason in PROBLEM_TEXT ? t(PROBLEM_TEXT[reason as NameCharacterProblem]) : issue.message;
}

/**
 * Checks a name (display name, group or channel title) with the same shared schema the server
 * uses, before anything is sent: null when it is fine, else the sentence to show under the field.
 */
export function useNameCheck() {
  const { t } = useI18n();
  return (schema: z.ZodType, value: string): string | null => {
    const r = schema.safeParse(value);
    const issue = r.success ? undefined : r.error.issues[0];
    return issue ? issueText(t, issue) : null;
  };
}

/** The inline error under a field; give the input `aria-describedby={id}` and `aria-invalid`. */
export function FieldError({ id, text }: { id: string; text: string | null }) {
  if (!text) return null;
  return (
    <small id={id} className="field-error" role="alert">
      {text}
    </small>
  );
}
