import { CONTACTS_MAX, type Contact, type ContactList, type SaveContact } from '@charla/shared-types';
import type { AppContext } from '../../app-context.ts';
import { badRequest, notFound, unprocessable } from '../../http/errors.ts';
import type { ContactRecord, UserRecord } from '../../storage/ports.ts';
import { toPublicProfile } from '../users/users.mapper.ts';

type Deps = Pick<AppContext, 'storage' | 'clock'>;

/** Ids come from URLs: anything that cannot be an id is simply not found. */
const plausibleId = (id: string) => id.length > 0 && id.length <= 100;

const toContact = (c: ContactRecord, user: UserRecord): Contact => ({
  user: toPublicProfile(user),
  nickname: c.nickname,
  favourite: c.favourite,
  addedAt: c.createdAt.toISOString(),
});

/** A person's own contact list. Nobody else sees it, and the people on it are not told. */
export function createContactsService({ storage, clock }: Deps) {
  return {
    /** Favourites first, then the newest added. Deleted accounts drop out of the list. */
    async list(ownerId: string): Promise<ContactList> {
      const contacts = await storage.contacts.list(ownerId);
      const users = new Map(
        (await storage.users.findByIds(contacts.map((c) => c.contactId))).map((u) => [u.id, u] as const),
      );
      const items = contacts.flatMap((c) => {
        const user = users.get(c.contactId);
        return user && !user.deletedAt ? [toContact(c, user)] : [];
      });
      return { items };
    },

    /** Adds someone, or changes the nickname or favourite flag of someone already there. */
    async save(ownerId: string, userId: string, patch: SaveContact): Promise<{ contact: Contact; created: boolean }> {
      if (userId === ownerId) throw badRequest('You cannot add yourself to your contacts');
      const user = plausibleId(userId) ? await storage.users.findById(userId) : null;
      if (!user || user.deletedAt) throw notFound('User');
      const existing = await storage.contacts.find(ownerId, userId);
      if (!existing && (await storage.contacts.count(ownerId)) >= CONTACTS_MAX)
        throw unprocessable(`You can keep at most ${CONTACTS_MAX} contacts; remove some first`);
      const { contact, created } = await storage.contacts.save(
        ownerId,
        userId,
        {
          ...(patch.nickname !== undefined ? { nickname: patch.nickname || null } : {}),
          ...(patch.favourite !== undefined ? { favourite: patch.favourite } : {}),
        },
        clock.now(),
      );
      return { contact: toContact(contact, user), created };
    },

    async remove(ownerId: string, userId: string): Promise<void> {
      if (!plausibleId(userId) || !(await storage.contacts.remove(ownerId, userId))) throw notFound('Contact');
    },

    /** An account being deleted takes its list with it (others' lists simply stop showing it). */
    async forgetOwner(ownerId: string): Promise<void> {
      await storage.contacts.removeAllOwnedBy(ownerId);
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
