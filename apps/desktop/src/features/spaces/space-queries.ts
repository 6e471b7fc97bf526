import {
  type CreateSpaceRequest,
  type MySpace,
  mySpaceSchema,
  paths,
  spaceInvitePreviewSchema,
  spaceInviteSchema,
  spaceMemberSchema,
  spaceSchema,
  type UpdateSpaceRequest,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { z } from 'zod';
import { listOf } from '../../api/queries.ts';
import type { ChatSocket } from '../../api/socket.ts';
import { useApp } from '../../app-context.tsx';

/** Space queries live under 'spaces': account-wide, so they survive a switch (use-space-selection.ts). */
export const spaceKeys = {
  mine: ['spaces', 'mine'] as const,
  bySlug: (slug: string) => ['spaces', 'slug', slug] as const,
  invite: (code: string) => ['spaces', 'invite', code] as const,
  members: (id: string) => ['spaces', id, 'members'] as const,
};

export function useMySpaces() {
  const { api } = useApp();
  return useQuery({
    queryKey: spaceKeys.mine,
    queryFn: () => api.get(paths.spaces.list, listOf(mySpaceSchema)),
    staleTime: 30_000,
  });
}

/** Badges follow `space:activity` (something new in another space): the list is fetched again. */
export function useSpaceActivity(socket: ChatSocket) {
  const qc = useQueryClient();
  useEffect(() => {
    const onActivity = () => void qc.invalidateQueries({ queryKey: spaceKeys.mine });
    socket.on('space:activity', onActivity);
    return () => {
      socket.off('space:activity', onActivity);
    };
  }, [socket, qc]);
}

/** The current space as the switcher knows it (undefined for home or while loading). */
export function useCurrentSpace(): MySpace | undefined {
  const { space } = useApp();
  const mine = useMySpaces();
  return mine.data?.find((s) => s.id === space.id);
}

/** The calls the space screens make; each returns what the server answered, parsed. */
export function spaceApi(api: ReturnType<typeof useApp>['api']) {
  return {
    create: (body: CreateSpaceRequest) => api.send('POST', paths.spaces.list, spaceSchema, body),
    update: (id: string, body: UpdateSpaceRequest) => api.send('PATCH', paths.spaces.byId(id), spaceSchema, body),
    bySlug: (slug: string) => api.get(paths.spaces.bySlug(slug), spaceSchema),
    join: (id: string) => api.send('POST', paths.spaces.join(id), z.unknown()),
    leave: (id: string) => api.send('POST', paths.spaces.leave(id), z.unknown()),
    remove: (id: string) => api.send('DELETE', paths.spaces.byId(id), spaceSchema.or(z.unknown())),
    restore: (id: string) => api.send('POST', paths.spaces.restore(id), z.unknown()),
    members: (id: string) => api.get(paths.spaces.members(id), listOf(spaceMemberSchema)),
    setRole: (id: string, userId: string, role: 'admin' | 'member') =>
      api.send('PATCH', paths.spaces.member(id, userId), z.unknown(), { role }),
    removeMember: (id: string, userId: string) => api.send('DELETE', paths.spaces.member(id, userId), z.unknown()),
    createInvite: (id: string) => api.send('POST', paths.spaces.invites(id), spaceInviteSchema, {}),
    invitePreview: (code: string) => api.get(paths.spaces.invite(code), spaceInvitePreviewSchema),
    acceptInvite: (code: string) => api.send('POST', paths.spaces.invite(code), z.unknown()),
  };
}
