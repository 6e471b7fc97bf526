import { type Contact, contactListSchema, contactSchema, paths, type SaveContact } from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { keys } from '../../api/query-keys.ts';
import { useApp } from '../../app-context.tsx';

/** My contacts (favourites first, then newest), shared by the new-chat dialog and the details panel. */
export function useContacts() {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.contacts,
    queryFn: async ({ signal }) => (await api.get(paths.contacts.list, contactListSchema, signal)).items,
    staleTime: 60_000,
  });
}

/** Same order as the server: favourites first, then the most recently added. */
const ordered = (list: Contact[]) =>
  [...list].sort((a, b) => Number(b.favourite) - Number(a.favourite) || b.addedAt.localeCompare(a.addedAt));

/** Add or update (PUT) and remove (DELETE), keeping the cached list in step with the answer. */
export function useContactActions() {
  const { api } = useApp();
  const qc = useQueryClient();
  const save = useCallback(
    async (userId: string, patch: SaveContact): Promise<Contact> => {
      // Shown at once on a contact already listed (a switch must follow the click); the answer, or
      // a refetch after a failure, settles it.
      qc.setQueryData<Contact[]>(keys.contacts, (list) =>
        list?.map((c) => (c.user.id === userId ? { ...c, ...patch } : c)),
      );
      let saved: Contact;
      try {
        saved = await api.send('PUT', paths.contacts.byUser(userId), contactSchema, patch);
      } catch (e) {
        await qc.invalidateQueries({ queryKey: keys.contacts });
        throw e;
      }
      qc.setQueryData<Contact[]>(keys.contacts, (list) =>
        list ? ordered([...list.filter((c) => c.user.id !== userId), saved]) : list,
      );
      return saved;
    },
    [api, qc],
  );
  const remove = useCallback(
    async (userId: string): Promise<void> => {
      await api.send('DELETE', paths.contacts.byUser(userId), z.unknown());
      qc.setQueryData<Contact[]>(keys.contacts, (list) => list?.filter((c) => c.user.id !== userId));
    },
    [api, qc],
  );
  return { save, remove };
}

/** What to call a contact: my nickname for them, else their display name. */
export const contactName = (c: Contact): string => c.nickname ?? c.user.displayName;
