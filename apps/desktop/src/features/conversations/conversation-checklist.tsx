import type { ConversationSummary } from '@charla/shared-types';
import type { Dispatch, SetStateAction } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { conversationName } from './conversation-utils.ts';

/** Picks up to `max` conversations (forwarding): one checkbox each, under a legend. */
export function ConversationChecklist(p: {
  legend: string;
  conversations: ConversationSummary[];
  chosen: Set<string>;
  onChange: Dispatch<SetStateAction<Set<string>>>;
  max?: number;
}) {
  const { t } = useI18n();
  const max = p.max ?? 20;
  return (
    <fieldset className="checklist">
      <legend>{p.legend}</legend>
      {p.conversations.map((c) => (
        <label key={c.id}>
          <input
            type="checkbox"
            checked={p.chosen.has(c.id)}
            disabled={!p.chosen.has(c.id) && p.chosen.size >= max}
            onChange={(e) =>
              p.onChange((s) => {
                const n = new Set(s);
                if (e.target.checked) n.add(c.id);
                else n.delete(c.id);
                return n;
              })
            }
          />
          {conversationName(c, t('chat.unknown'))}
        </label>
      ))}
    </fieldset>
  );
}
