import { useApp } from '../../app-context.tsx';
import { Icon } from '../../ui/icons.tsx';
import { menuKeys, useMenuButton } from '../conversations/conversation-menu.tsx';
import { systemShare } from './share-out.ts';
import type { Shareable } from './share-targets.ts';
import { ShareTargetItems } from './share-targets-list.tsx';

/**
 * "Share": the system share sheet where there is one, else a menu of share links (X, Facebook,
 * WhatsApp, Telegram, LinkedIn, email) and "Copy link", opened outside Charla.
 */
export function ShareButton({ item, label, className }: { item: Shareable; label: string; className?: string }) {
  const { platform } = useApp();
  const { open, setOpen, menu, button, close } = useMenuButton();

  const start = async () => {
    if (open) return setOpen(false);
    // The desktop app's share menu (macOS), else the browser's share sheet, else our share links.
    if ((await platform.share?.(item)) === 'shared') return;
    if ((await systemShare(item)) === 'unavailable') setOpen(true);
  };
  return (
    <span className="share-menu">
      <button
        ref={button}
        type="button"
        className={className ?? 'link'}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => void start()}
      >
        <Icon name="share" size={16} /> {label}
      </button>
      {open && (
        <div
          ref={menu}
          className="menu share-targets"
          role="menu"
          aria-label={label}
          onKeyDown={(e) => menuKeys(e, close)}
        >
          <ShareTargetItems item={item} role="menuitem" done={close} />
        </div>
      )}
    </span>
  );
}
