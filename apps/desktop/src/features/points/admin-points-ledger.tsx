import { paths, pointsEntrySchema } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { listOf } from '../../api/queries.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { LedgerEntry } from './ledger-entry.tsx';

/** Site admins: a user's latest points and a way to take an award back (a compensating entry). */
export function AdminPointsLedger({ userId }: { userId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const key = ['admin', 'points', userId];
  const ledger = useQuery({
    queryKey: key,
    queryFn: () => api.get(`${paths.points.adminLedger(userId)}?limit=20`, listOf(pointsEntrySchema)),
  });
  const reverse = async (entryId: string) => {
    try {
      await api.send('POST', paths.points.adminReverse(entryId), pointsEntrySchema, { reason: reason.trim() });
      await qc.invalidateQueries({ queryKey: key });
    } catch (e) {
      toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  if (ledger.isPending) return <Skeleton lines={2} label={t('common.loading')} />;
  if (!ledger.data?.length) return <p className="muted">{t('points.recentEmpty')}</p>;
  return (
    <div className="stack admin-points">
      <label htmlFor={reasonId}>{t('points.reverseReason')}</label>
      <input
        id={reasonId}
        className="input"
        value={reason}
        maxLength={500}
        onChange={(e) => setReason(e.target.value)}
      />
      <ul className="points-ledger">
        {ledger.data.map((e) => (
          <li key={e.id}>
            <LedgerEntry e={e} />
            {!e.reverses && !e.reversedBy && (
              <button
                type="button"
                className="link danger"
                disabled={reason.trim().length === 0}
                onClick={() => void reverse(e.id)}
              >
                {t('points.reverse')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
