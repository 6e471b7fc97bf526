import { type ReactNode, useEffect, useState, useSyncExternalStore } from 'react';
import { useI18n } from './i18n.tsx';

function subscribeOnline(cb: () => void) {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

/** Shown while the browser is offline or the realtime connection is down. */
export function OfflineBanner({ connected }: { connected: boolean }) {
  const { t } = useI18n();
  const online = useOnline();
  // A short grace period, so the first connection (or a quick blip) does not flash a banner.
  const [late, setLate] = useState(false);
  useEffect(() => {
    setLate(false);
    if (connected) return;
    const id = setTimeout(() => setLate(true), 2_500);
    return () => clearTimeout(id);
  }, [connected]);
  if (online && (connected || !late)) return null;
  return (
    <div className="offline-banner" role="status">
      {online ? t('status.reconnecting') : t('status.offline')}
    </div>
  );
}

export function Skeleton({ lines = 3, label }: { lines?: number; label: string }) {
  return (
    <div className="skeleton" role="status" aria-busy="true" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="skeleton-line" style={{ width: `${60 + ((i * 17) % 35)}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Avatar({
  name,
  url,
  size = 36,
  online,
}: {
  name: string;
  url?: string | null;
  size?: number;
  online?: boolean;
}) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');
  let hue = 0;
  for (const ch of name) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, fontSize: size * 0.4, ['--hue' as string]: hue }}
      aria-hidden="true"
    >
      {url ? <img src={url} alt="" /> : initials || '?'}
      {online !== undefined && <span className={`presence-dot ${online ? 'online' : 'offline'}`} />}
    </span>
  );
}
