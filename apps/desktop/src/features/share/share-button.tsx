import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { menuKeys, useMenuButton } from '../conversations/conversation-menu.tsx';
import { SHARE_TARGETS, type Shareable, shareUrl } from './share-targets.ts';

/** The system share sheet when the browser has one (Web Share API); the user may cancel it. */
async function systemShare(s: Shareable): Promise<'shared' | 'cancelled' | 'unavailable'> {
  const data = { text: s.text, ...(s.url ? { url: s.url } : {}), ...(s.title ? { title: s.title } : {}) };
  if (typeof navigator.share !== 'function' || (navigator.canShare && !navigator.canShare(data))) return 'unavailable';
  try {
    await navigator.share(data);
    return 'shared';
  } catch (e) {
    return (e as { name?: string }).name === 'AbortError' ? 'cancelled' : 'unavailable';
  }
}

/**
 * "Share": the system share sheet where there is one, else a menu of share links (X, Facebook,
 * WhatsApp, Telegram, LinkedIn, email) and "Copy link", opened outside Charla.
 */
export function ShareButton({ item, label, className }: { item: Shareable; label: string; className?: string }) {
  const { t } = useI18n();
  const { platform } = useApp();
  const toasts = useToasts();
  const { open, setOpen, menu, button, close } = useMenuButton();

  const start = async () => {
    if (open) return setOpen(false);
    // The desktop app's share menu (macOS), else the browser's share sheet, else our share links.
    if ((await platform.share?.(item)) === 'shared') return;
    if ((await systemShare(item)) === 'unavailable') setOpen(true);
  };
  const pick = (url: string) => {
    close();
    void platform.openExternal(url);
  };
  const copy = async () => {
    close();
    try {
      await navigator.clipboard.writeText(item.url ?? item.text);
      toasts.show({ kind: 'info', text: t('share.copied') });
    } catch {
      toasts.show({ kind: 'error', text: t('share.copyFailed') });
    }
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
          {SHARE_TARGETS.map((target) => {
            const url = shareUrl(target, item);
            return url ? (
              <button key={target} type="button" role="menuitem" data-href={url} onClick={() => pick(url)}>
                {t(`share.${target}`)}
              </button>
            ) : null;
          })}
          <button type="button" role="menuitem" onClick={() => void copy()}>
            {item.url ? t('share.copyLink') : t('share.copyText')}
          </button>
        </div>
      )}
    </span>
  );
}
