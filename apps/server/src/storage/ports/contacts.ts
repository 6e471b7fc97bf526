/*
 * Personal contacts: an owner's list of other users, each with the owner's nickname for them and a
 * favourite flag. One row per (owner, contact); private to the owner.
 */

export type ContactRecord = {
  ownerId: string;
  contactId: string;
  nickname: string | null;
  favourite: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** Fields to set; absent ones keep their stored value (or the default: no nickname, not a favourite). */
export type ContactPatch = { nickname?: string | null; favourite?: boolean };

export type ContactsRepo = {
  /** Adds the contact or updates the given fields of an existing one; `created` says which. */
  save(
    ownerId: string,
    contactId: string,
    patch: ContactPatch,
    now: Date,
  ): Promise<{ contact: ContactRecord; created: boolean }>;
  find(ownerId: string, contactId: string): Promise<ContactRecord | null>;
  /** false when there was nothing to remove. */
  remove(ownerId: string, contactId: string): Promise<boolean>;
  /** Favourites first, then the most recently added; ties by contact id. */
  list(ownerId: string): Promise<ContactRecord[]>;
  count(ownerId: string): Promise<number>;
  /** An account being deleted takes its list with it. */
  removeAllOwnedBy(ownerId: string): Promise<number>;
};
