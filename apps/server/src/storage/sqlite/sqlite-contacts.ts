import type { Database } from 'better-sqlite3';
import type { ContactRecord, ContactsRepo } from '../ports.ts';
import { dateOf } from './sqlite-util.ts';

type ContactRow = {
  owner_id: string;
  contact_id: string;
  nickname: string | null;
  favourite: number;
  created_at: number;
  updated_at: number;
};

const toContact = (r: ContactRow): ContactRecord => ({
  ownerId: r.owner_id,
  contactId: r.contact_id,
  nickname: r.nickname,
  favourite: r.favourite === 1,
  createdAt: dateOf(r.created_at),
  updatedAt: dateOf(r.updated_at),
});

export function createSqliteContactsRepo(db: Database): ContactsRepo {
  const one = db.prepare<[string, string], ContactRow>('SELECT * FROM contacts WHERE owner_id = ? AND contact_id = ?');
  const insert = db.prepare<[string, string, string | null, number, number, number]>(
    `INSERT INTO contacts (owner_id, contact_id, nickname, favourite, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare<[string | null, number, number, string, string]>(
    'UPDATE contacts SET nickname = ?, favourite = ?, updated_at = ? WHERE owner_id = ? AND contact_id = ?',
  );
  const remove = db.prepare<[string, string]>('DELETE FROM contacts WHERE owner_id = ? AND contact_id = ?');
  const removeAll = db.prepare<[string]>('DELETE FROM contacts WHERE owner_id = ?');
  const list = db.prepare<[string], ContactRow>(
    'SELECT * FROM contacts WHERE owner_id = ? ORDER BY favourite DESC, created_at DESC, contact_id',
  );
  const count = db.prepare<[string], number>('SELECT COUNT(*) FROM contacts WHERE owner_id = ?').pluck();

  // Read and write in one transaction: two saves of the same pair cannot both insert.
  const save = db.transaction(
    (ownerId: string, contactId: string, patch: { nickname?: string | null; favourite?: boolean }, now: number) => {
      const existing = one.get(ownerId, contactId);
      if (existing) {
        update.run(
          patch.nickname === undefined ? existing.nickname : patch.nickname,
          patch.favourite === undefined ? existing.favourite : Number(patch.favourite),
          now,
          ownerId,
          contactId,
        );
      } else {
        insert.run(ownerId, contactId, patch.nickname ?? null, Number(patch.favourite ?? false), now, now);
      }
      const row = one.get(ownerId, contactId);
      if (!row) throw new Error('sqlite: saved contact missing');
      return { row, created: !existing };
    },
  );

  return {
    async save(ownerId, contactId, patch, now) {
      const { row, created } = save(ownerId, contactId, patch, now.getTime());
      return { contact: toContact(row), created };
    },
    async find(ownerId, contactId) {
      const row = one.get(ownerId, contactId);
      return row ? toContact(row) : null;
    },
    async remove(ownerId, contactId) {
      return remove.run(ownerId, contactId).changes > 0;
    },
    async list(ownerId) {
      return list.all(ownerId).map(toContact);
    },
    async count(ownerId) {
      return count.get(ownerId) ?? 0;
    },
    async removeAllOwnedBy(ownerId) {
      return removeAll.run(ownerId).changes;
    },
  };
}
