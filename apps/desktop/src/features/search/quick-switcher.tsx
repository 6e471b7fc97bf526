import { useState } from 'react';
import { useConversations } from '../../api/queries.ts';
import { useApp } from '../../app-context.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { conversationName, filterConversations } from '../conversations/conversation-utils.ts';
import { useMySpaces } from '../spaces/space-queries.ts';
import { railSpaces } from '../spaces/space-rail.tsx';

type Match = { kind: 'conversation' | 'space'; id: string; label: string };

/** Ctrl/Cmd+K: type a few letters, arrows to choose, Enter to open (or Tab to the buttons); other spaces match by name too. */
export function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const { space } = useApp();
  const list = useConversations();
  const spaces = useMySpaces();
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const needle = q.trim().toLowerCase();
  const matches: Match[] = [
    ...[...filterConversations(list.data ?? [], q, 'all'), ...filterConversations(list.data ?? [], q, 'archived')]
      .slice(0, 8)
      .map((c) => ({ kind: 'conversation' as const, id: c.id, label: conversationName(c, t('chat.unknown')) })),
    ...(needle
      ? railSpaces(spaces.data, t('spaces.home'))
          .filter((s) => s.id !== space.id && s.name.toLowerCase().includes(needle))
          .slice(0, 3)
          .map((s) => ({ kind: 'space' as const, id: s.id, label: t('spaces.goTo', { name: s.name }) }))
      : []),
  ];
  const open = (m: Match) => {
    if (m.kind === 'space') space.switchTo(m.id);
    else navigate({ name: 'home', conversationId: m.id });
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
          else if (e.key === 'Enter' && matches[i]) open(matches[i]);
          else return;
          e.preventDefault();
        }}
      />
      <ul className="switcher-list" aria-label={t('switcher.title')}>
        {matches.map((m, j) => (
          <li key={`${m.kind}:${m.id}`}>
            <button
              type="button"
              className="result"
              aria-current={j === i ? 'true' : undefined}
              onClick={() => open(m)}
            >
              {m.label}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
