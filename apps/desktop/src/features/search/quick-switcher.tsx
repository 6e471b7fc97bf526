import { useState } from 'react';
import { useConversations } from '../../api/queries.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { conversationName, filterConversations } from '../conversations/conversation-utils.ts';

/** Ctrl/Cmd+K: type a few letters, arrows to choose, Enter to open (or Tab to the buttons). */
export function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const list = useConversations();
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const matches = [
    ...filterConversations(list.data ?? [], q, 'all'),
    ...filterConversations(list.data ?? [], q, 'archived'),
  ].slice(0, 8);
  const open = (id: string) => {
    navigate({ name: 'home', conversationId: id });
    onClose();
  };
  return (
    <Dialog title={t('switcher.title')} onClose={onClose}>
      <input
        className="input"
        type="search"
        data-autofocus
        aria-label={t('switcher.placeholder')}
        placeholder={t('switcher.placeholder')}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setI(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setI((x) => Math.min(x + 1, matches.length - 1));
          else if (e.key === 'ArrowUp') setI((x) => Math.max(x - 1, 0));
          else if (e.key === 'Enter' && matches[i]) open(matches[i].id);
          else return;
          e.preventDefault();
        }}
      />
      <ul className="switcher-list" aria-label={t('switcher.title')}>
        {matches.map((c, j) => (
          <li key={c.id}>
            <button
              type="button"
              className="result"
              aria-current={j === i ? 'true' : undefined}
              onClick={() => open(c.id)}
            >
              {conversationName(c, t('chat.unknown'))}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
