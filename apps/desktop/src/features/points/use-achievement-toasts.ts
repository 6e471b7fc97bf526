import { type AchievementEarnedEvent, achievementEarnedEventSchema } from '@charla/shared-types';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { achievementName, tierName } from './points-api.ts';

/** `points:achievement` -> a toast that opens the Achievements screen, and fresh points data. */
export function useAchievementToasts(): void {
  const { socket } = useRealtime();
  const { t } = useI18n();
  const toasts = useToasts();
  const qc = useQueryClient();
  const { navigate } = useRouter();
  useEffect(() => {
    const onEarned = (raw: AchievementEarnedEvent) => {
      const parsed = achievementEarnedEventSchema.safeParse(raw);
      if (!parsed.success) return;
      const e = parsed.data;
      // Every points query (mine, profiles) starts with 'points'.
      void qc.invalidateQueries({ queryKey: ['points'] });
      toasts.show({
        kind: 'info',
        text: t('points.toast', { name: t(achievementName(e.id)), tier: t(tierName(e.tier)) }),
        action: { label: t('points.toastOpen'), run: () => navigate({ name: 'achievements' }) },
      });
    };
    socket.on('points:achievement', onEarned);
    return () => {
      socket.off('points:achievement', onEarned);
    };
  }, [socket, t, toasts, qc, navigate]);
}
