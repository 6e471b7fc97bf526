import type { PointsEntry } from '@charla/shared-types';
import { useI18n } from '../../ui/i18n.tsx';
import { ruleName } from './points-api.ts';

/** One ledger entry as a line: signed points, the rule that gave them, and why it was reversed. */
export function LedgerEntry({ e }: { e: PointsEntry }) {
  const { t } = useI18n();
  return (
    <>
      <span className={e.points < 0 ? 'points-minus' : 'points-plus'}>{e.points > 0 ? `+${e.points}` : e.points}</span>{' '}
      {t(ruleName(e.rule))}
      {e.reverses && <span className="muted"> · {t('points.reversed', { reason: e.reason ?? '' })}</span>}
    </>
  );
}
