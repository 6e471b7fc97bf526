import { useI18n } from '../../ui/i18n.tsx';
import { Badge } from './badge.tsx';
import { achievementName, tierName, usePointsProfile } from './points-api.ts';

/** Someone's level, points and badges on their profile; nothing when they keep them to themselves. */
export function PointsProfile({ userId }: { userId: string }) {
  const { t } = useI18n();
  const profile = usePointsProfile(userId).data;
  if (!profile?.visible) return null;
  return (
    <section className="points-profile" aria-label={t('points.profileLabel')}>
      <p>
        {t('points.level', { level: profile.level })} · {t('points.total', { points: profile.points })}
      </p>
      {profile.badges.length > 0 && (
        <ul className="points-badges" aria-label={t('points.badges')}>
          {profile.badges.map((b) => {
            const label = `${t(achievementName(b.id))} (${t(tierName(b.tier))})`;
            return (
              <li key={`${b.id}:${b.tier}`} title={label}>
                <Badge id={b.id} tier={b.tier} size={28} />
                <span className="sr-only">{label}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
