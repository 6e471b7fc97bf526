import { type AchievementProgress, POINTS_VISIBILITIES, type PointsVisibility } from '@charla/shared-types';
import { useId } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { useRouter } from '../../ui/router.tsx';
import { EmptyState, Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { Badge } from './badge.tsx';
import { LedgerEntry } from './ledger-entry.tsx';
import {
  achievementDescription,
  achievementName,
  tierName,
  useMyLedger,
  useMyPoints,
  useSetPointsVisibility,
} from './points-api.ts';

/** My level, points, who may see them, and every achievement: earned ones and the way to the rest. */
export function AchievementsScreen() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const mine = useMyPoints();
  return (
    <section className="settings achievements" aria-labelledby="achievements-title">
      <header className="settings-header">
        <button type="button" className="button secondary" onClick={() => navigate({ name: 'home' })}>
          ← {t('common.back')}
        </button>
        <h1 id="achievements-title">{t('points.title')}</h1>
      </header>
      {mine.isPending ? (
        <Skeleton lines={6} label={t('common.loading')} />
      ) : mine.isError ? (
        <EmptyState title={t('points.loadFailed')}>
          <button type="button" className="button" onClick={() => void mine.refetch()}>
            {t('points.retry')}
          </button>
        </EmptyState>
      ) : (
        <>
          <section className="settings-section points-level" aria-label={t('points.levelTitle')}>
            <h2>{t('points.level', { level: mine.data.level })}</h2>
            <p>{t('points.total', { points: mine.data.points })}</p>
            <progress
              max={mine.data.nextLevelAt - mine.data.levelStart}
              value={mine.data.points - mine.data.levelStart}
              aria-label={t('points.toNextLevel', { points: mine.data.nextLevelAt - mine.data.points })}
            />
            <p className="muted">{t('points.toNextLevel', { points: mine.data.nextLevelAt - mine.data.points })}</p>
            <VisibilitySetting value={mine.data.visibility} />
          </section>
          <RecentPoints />
          <section className="settings-section" aria-label={t('points.listTitle')}>
            <h2>{t('points.listTitle')}</h2>
            <ul className="achievement-list">
              {mine.data.achievements.map((a) => (
                <AchievementRow key={a.id} a={a} />
              ))}
            </ul>
          </section>
        </>
      )}
    </section>
  );
}

/** The latest ledger entries: what earned what, and what was taken back and why. */
function RecentPoints() {
  const { t } = useI18n();
  const ledger = useMyLedger();
  return (
    <section className="settings-section" aria-label={t('points.recent')}>
      <h2>{t('points.recent')}</h2>
      {ledger.isPending ? (
        <Skeleton lines={3} label={t('common.loading')} />
      ) : !ledger.data?.length ? (
        <p className="muted">{t('points.recentEmpty')}</p>
      ) : (
        <ul className="points-ledger">
          {ledger.data.map((e) => (
            <li key={e.id}>
              <LedgerEntry e={e} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AchievementRow({ a }: { a: AchievementProgress }) {
  const { t } = useI18n();
  const state = a.tier ? t('points.earned', { tier: t(tierName(a.tier)) }) : t('points.locked');
  return (
    <li className={`achievement${a.tier ? ' earned' : ''}`} data-achievement={a.id}>
      <Badge id={a.id} tier={a.tier} />
      <div className="achievement-text">
        <strong>{t(achievementName(a.id))}</strong>
        <span className="muted">{t(achievementDescription(a.id))}</span>
        <span className="achievement-state">{state}</span>
        {a.next && (
          <span className="achievement-progress">
            {t('points.progress', {
              progress: Math.min(a.progress, a.next.goal),
              goal: a.next.goal,
              tier: t(tierName(a.next.tier)),
            })}
          </span>
        )}
      </div>
    </li>
  );
}

function VisibilitySetting({ value }: { value: PointsVisibility }) {
  const { t } = useI18n();
  const id = useId();
  const toasts = useToasts();
  const set = useSetPointsVisibility();
  const labels: Record<PointsVisibility, string> = {
    everyone: t('points.visibility.everyone'),
    members: t('points.visibility.members'),
    nobody: t('points.visibility.nobody'),
  };
  return (
    <div className="field">
      <label htmlFor={id}>{t('points.visibility')}</label>
      <select
        id={id}
        value={value}
        disabled={set.isPending}
        onChange={(e) =>
          set.mutate(e.target.value as PointsVisibility, {
            onError: (err) => toasts.show({ kind: 'error', text: errorText(t, err) }),
          })
        }
      >
        {POINTS_VISIBILITIES.map((v) => (
          <option key={v} value={v}>
            {labels[v]}
          </option>
        ))}
      </select>
    </div>
  );
}
