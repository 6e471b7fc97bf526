import { type Connection, Schema } from 'mongoose';
import type { ContactPatch, ContactRecord, ContactsRepo } from '../ports.ts';

type ContactDoc = {
  _id: string;
  ownerId: string;
  contactId: string;
  nickname: string | null;
  favourite: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const contactSchema = new Schema<ContactDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    contactId: { type: String, required: true },
    nickname: { type: String, default: null },
    favourite: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw' },
);
// The list: favourites first, newest first (the same order as SQLite's contacts_list).
contactSchema.index({ ownerId: 1, favourite: -1, createdAt: -1, contactId: 1 });

/** The pair is the id: one row per (owner, contact), and saving twice cannot make two. */
const idOf = (owner: string, contact: string) => `${owner}:${contact}`;

const toContact = (d: ContactDoc): ContactRecord => ({
  ownerId: d.ownerId,
  contactId: d.contactId,
  nickname: d.nickname ?? null,
  favourite: d.favourite === true,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const isDuplicate = (err: unknown) => (err as { code?: unknown } | null)?.code === 11000;

export function createMongoContactsRepo(conn: Connection): ContactsRepo {
  const Contact = conn.model<ContactDoc>('Contact', contactSchema, 'contacts');

  /** The given fields onto an existing contact; null when there is none. */
  async function update(id: string, patch: ContactPatch, now: Date): Promise<ContactRecord | null> {
    const set: Partial<ContactDoc> = { updatedAt: now };
    if (patch.nickname !== undefined) set.nickname = patch.nickname;
    if (patch.favourite !== undefined) set.favourite = patch.favourite;
    const d = await Contact.findOneAndUpdate(
      { _id: id },
      { $set: set },
      { returnDocument: 'after' },
    ).lean<ContactDoc>();
    return d ? toContact(d) : null;
  }

  return {
    async save(ownerId, contactId, patch, now) {
      const owner = String(ownerId);
      const contact = String(contactId);
      const id = idOf(owner, contact);
      const existing = await update(id, patch, now);
      if (existing) return { contact: existing, created: false };
      const doc: ContactDoc = {
        _id: id,
        ownerId: owner,
        contactId: contact,
        nickname: patch.nickname ?? null,
        favourite: patch.favourite ?? false,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await Contact.create(doc);
        return { contact: toContact(doc), created: true };
      } catch (err) {
        // Two first saves of one pair at once: one inserts, the other meets the unique _id and updates.
        if (!isDuplicate(err)) throw err;
      }
      const raced = await update(id, patch, now);
      if (!raced) throw new Error('mongo: contact vanished while being saved');
      return { contact: raced, created: false };
    },
    async find(ownerId, contactId) {
      const d = await Contact.findById(idOf(String(ownerId), String(contactId))).lean<ContactDoc>();
      return d ? toContact(d) : null;
    },
    async remove(ownerId, contactId) {
      const r = await Contact.deleteOne({ _id: idOf(String(ownerId), String(contactId)) });
      return r.deletedCount > 0;
    },
    async list(ownerId) {
      const docs = await Contact.find({ ownerId: String(ownerId) })
        .sort({ favourite: -1, createdAt: -1, contactId: 1 })
        .lean<ContactDoc[]>();
      return docs.map(toContact);
    },
    async count(ownerId) {
      return Contact.countDocuments({ ownerId: String(ownerId) });
    },
    async removeAllOwnedBy(ownerId) {
      const r = await Contact.deleteMany({ ownerId: String(ownerId) });
      return r.deletedCount;
    },
  };
}
