/*
 * The space registry: which spaces exist, who is in each, and their invite links. It lives in the
 * home database with the accounts (the global store); everything a space holds lives in the
 * space's own database, reached through the space's Storage (storage/space-storages.ts).
 */
import type { SpaceJoinPolicy, SpaceRole } from '@charla/shared-types';

export type SpaceRecord = {
  id: string;
  slug: string;
  name: string;
  icon: string | null;
  accentColor: string | null;
  joinPolicy: SpaceJoinPolicy;
  joinDomains: string[];
  defaultLanguage: string | null;
  retentionDays: number | null;
  editWindowSeconds: number | null;
  membersMayCreateChannels: boolean;
  /** A MongoDB connection string for this space's own database (set by a site admin); null: the default. */
  mongoUri: string | null;
  createdBy: string;
  createdAt: Date;
  /** Deletion is scheduled for this time; null: live. */
  deleteAfter: Date | null;
};

export type SpacePatch = Partial<
  Pick<
    SpaceRecord,
    | 'name'
    | 'icon'
    | 'accentColor'
    | 'joinPolicy'
    | 'joinDomains'
    | 'defaultLanguage'
    | 'retentionDays'
    | 'editWindowSeconds'
    | 'membersMayCreateChannels'
    | 'mongoUri'
    | 'deleteAfter'
  >
>;

export type SpaceMembershipRecord = { spaceId: string; userId: string; role: SpaceRole; joinedAt: Date };

export type SpaceInviteRecord = {
  code: string;
  spaceId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

export type SpacesRepo = {
  /** Creates the space with its owner as first member; DuplicateKeyError when the slug is taken. */
  create(space: SpaceRecord): Promise<SpaceRecord>;
  findById(id: string): Promise<SpaceRecord | null>;
  findBySlug(slug: string): Promise<SpaceRecord | null>;
  update(id: string, patch: SpacePatch): Promise<SpaceRecord | null>;
  /** Removes the space from the registry with its memberships and invites (its database is the caller's). */
  remove(id: string): Promise<boolean>;
  /** Spaces whose scheduled deletion is due. */
  listDueForDeletion(now: Date, limit: number): Promise<SpaceRecord[]>;
  /** Live spaces with a retention period, for the retention sweeper; keyset by id. */
  listWithRetention(afterId: string | null, limit: number): Promise<SpaceRecord[]>;
  count(): Promise<number>;
  /** Every space, by id (site admins' list); keyset by id. */
  list(afterId: string | null, limit: number): Promise<SpaceRecord[]>;

  /** false when already a member. */
  addMember(member: SpaceMembershipRecord): Promise<boolean>;
  findMember(spaceId: string, userId: string): Promise<SpaceMembershipRecord | null>;
  setMemberRole(spaceId: string, userId: string, role: SpaceRole): Promise<boolean>;
  removeMember(spaceId: string, userId: string): Promise<boolean>;
  /** Oldest first; keyset by (joinedAt, userId). */
  listMembers(
    spaceId: string,
    limit: number,
    after?: { joinedAt: Date; userId: string },
  ): Promise<SpaceMembershipRecord[]>;
  countMembers(spaceId: string): Promise<number>;
  /** The spaces this account is in (live or pending deletion), oldest membership first. */
  listForUser(userId: string): Promise<{ space: SpaceRecord; membership: SpaceMembershipRecord }[]>;
  /** User ids of members among these (who shares the space with whom). */
  membersAmong(spaceId: string, userIds: string[]): Promise<string[]>;

  createInvite(invite: SpaceInviteRecord): Promise<SpaceInviteRecord>;
  findInvite(code: string): Promise<SpaceInviteRecord | null>;
  listInvites(spaceId: string): Promise<SpaceInviteRecord[]>;
  revokeInvite(code: string, now: Date): Promise<boolean>;
};
