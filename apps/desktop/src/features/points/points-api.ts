import {
  type AchievementId,
  type AchievementTier,
  myPointsSchema,
  type PointsRuleId,
  type PointsVisibility,
  paths,
  pointsEntrySchema,
  pointsProfileSchema,
} from '@charla/shared-types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listOf } from '../../api/queries.ts';
import { useApp } from '../../app-context.tsx';
import type { MessageKey } from '../../ui/i18n.tsx';

export const pointsKeys = {
  mine: ['points', 'me'] as const,
  ledger: ['points', 'ledger'] as const,
  user: (id: string) => ['points', 'user', id] as const,
};

export function useMyPoints() {
  const { api } = useApp();
  return useQuery({ queryKey: pointsKeys.mine, queryFn: () => api.get(paths.points.me, myPointsSchema) });
}

export function useMyLedger() {
  const { api } = useApp();
  return useQuery({
    queryKey: pointsKeys.ledger,
    queryFn: () => api.get(`${paths.points.ledger}?limit=20`, listOf(pointsEntrySchema)),
  });
}

export function usePointsProfile(userId: string | undefined) {
  const { api } = useApp();
  return useQuery({
    queryKey: pointsKeys.user(userId ?? ''),
    enabled: Boolean(userId),
    queryFn: () => api.get(paths.points.user(userId ?? ''), pointsProfileSchema),
  });
}

export function useSetPointsVisibility() {
  const { api } = useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (visibility: PointsVisibility) =>
      api.send('PUT', paths.points.settings, myPointsSchema, { visibility }),
    onSuccess: (data) => qc.setQueryData(pointsKeys.mine, data),
  });
}

/** Translation keys of an achievement's name and description (typed, so a missing one fails typecheck). */
export const achievementName = (id: AchievementId): MessageKey => `points.achievement.${id}`;
export const achievementDescription = (id: AchievementId): MessageKey => `points.achievement.${id}.description`;
export const tierName = (tier: AchievementTier): MessageKey => `points.tier.${tier}`;
export const ruleName = (rule: PointsRuleId): MessageKey => `points.rule.${rule}`;
