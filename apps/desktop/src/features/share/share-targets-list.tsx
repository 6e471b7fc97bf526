import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { SHARE_TARGETS, type Shareable, shareUrl } from './share-targets.ts';

/**
 * The share links (X, Facebook, WhatsApp, Telegram, LinkedIn, email) that fit `item`, then "Copy
 * link" (or "Copy text"): menu items in the share menu, plain buttons in the share dialog.
 * `done` runs before the chosen action (to close the menu or dialog).
 */
export function ShareTargetItems({ item, role, done }: { item: Shareable; role?: 'menuitem'; done: () => void }) {
  const { t } = useI18n();
  const { platform } = useApp();
  const toasts = useToasts();
  const pick = (url: string) => {
    done();
    void platform.openExternal(url);
  };
  const copy = async () => {
    done();
    try {
      await navigator.clipboard.writeText(item.url ?? item.text);
      toasts.show({ kind: 'info', text: t('share.copied') });
    } catch {
      toasts.show({ kind: 'error', text: t('share.copyFailed') });
    }
  };
  return (
    <>
      {SHARE_TARGETS.map((target) => {
        const url = shareUrl(target, item);
        return url ? (
          <button key={target} type="button" role={role} data-href={url} onClick={() => pick(url)}>
            {t(`share.${target}`)}
          </button>
        ) : null;
      })}
      <button type="button" role={role} onClick={() => void copy()}>
        {item.url ? t('share.copyLink') : t('share.copyText')}
      </button>
    </>
  );
}
