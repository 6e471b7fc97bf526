import { type LeaderboardPeriod, leaderboardSchema, paths } from '@charla/shared-types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';

const boardKey = (conversationId: string, period: LeaderboardPeriod) => ['points', 'board', conversationId, period];

/**
 * A group's or channel's leaderboard in its info panel: owners and admins switch it on; everyone
 * sees this week's or all-time ranking (people who hide their points are left out by the server).
 */
export function LeaderboardPanel({ conversationId, canManage }: { conversationId: string; canManage: boolean }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [period, setPeriod] = useState<LeaderboardPeriod>('week');
  const board = useQuery({
    queryKey: boardKey(conversationId, period),
    queryFn: () => api.get(`${paths.points.leaderboard(conversationId)}?period=${period}&limit=10`, leaderboardSchema),
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      api.send('PUT', paths.points.leaderboard(conversationId), leaderboardSchema, { enabled }),
    // The reply is this week's board: show it at once, refetch the other period.
    onSuccess: (data) => {
      qc.setQueryData(boardKey(conversationId, 'week'), data);
      void qc.invalidateQueries({ queryKey: boardKey(conversationId, 'all') });
    },
    onError: (e) => toasts.show({ kind: 'error', text: errorText(t, e) }),
  });
  // While the switch is being saved it shows what was asked for.
  const enabled = toggle.isPending ? toggle.variables : (board.data?.enabled ?? false);
  if (!canManage && board.data && !enabled) return null;
  return (
    <section className="panel-section leaderboard" aria-label={t('points.board')}>
      <h3>{t('points.board')}</h3>
      {canManage && (
        <label className="switch">
          <input
            type="checkbox"
            checked={enabled}
            disabled={!board.data}
            onChange={(e) => toggle.mutate(e.target.checked)}
          />
          {t('points.boardEnable')}
        </label>
      )}
      {enabled && (
        <>
          <fieldset className="segmented">
            <legend className="sr-only">{t('points.boardPeriod')}</legend>
            {(['week', 'all'] as const).map((p) => (
              <label key={p}>
                <input
                  type="radio"
                  name={`board-${conversationId}`}
                  checked={period === p}
                  onChange={() => setPeriod(p)}
                />
                {p === 'week' ? t('points.boardWeek') : t('points.boardAll')}
              </label>
            ))}
          </fieldset>
          {board.isPending ? (
            <Skeleton label={t('common.loading')} />
          ) : board.data?.items.length ? (
            <ol className="board">
              {board.data.items.map((row) => (
                <li key={row.user.id}>
                  <span className="board-rank">{row.rank}</span>
                  <span className="board-name">{row.user.displayName}</span>
                  <span className="board-points">{t('points.total', { points: row.points })}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">{t('points.boardEmpty')}</p>
          )}
        </>
      )}
    </section>
  );
}
