import { randomBytes, randomUUID } from 'node:crypto';
import {
  type CreateSpaceRequest,
  HOME_SPACE_ID,
  type MySpace,
  type Space,
  type SpaceInvite,
  type SpaceInvitePreview,
  type SpaceMember,
  type SpaceRole,
  type UpdateSpaceRequest,
} from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import { AppError, conflict, forbidden, notFound } from '../../http/errors.ts';
import { DAY_MS, DuplicateKeyError, type MediaStore, type SpaceRecord, type Storage } from '../../storage/ports.ts';
import { runInSpace } from '../../storage/spaces/space-scope.ts';
import type { SpaceStorages } from '../../storage/spaces/space-storages.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';

/** How long a deleted space waits before its database is removed (owners can restore it until then). */
export const SPACE_DELETE_GRACE_MS = 7 * 24 * 3600 * 1000;
/** Spaces one account may own. */
export const SPACES_OWNED_MAX = 20;
const UNREAD_PAGE = 100;
/** Per space and sweep: at most RETENTION_ROUNDS batches, so one big space cannot hold the others up. */
const RETENTION_BATCH = 500;
const RETENTION_ROUNDS = 20;
/** Record fields that hold a media store key, in either adapter's naming. */
const BLOB_KEY_FIELD = /^(?:storage_?key|thumbnail_?key|image_?key)$/i;

export type SpacesDeps = {
  storage: Storage;
  /** Where the space's media blobs are (removed with the space; their keys are the space's own). */
  mediaStore: MediaStore;
  spaceStorages: SpaceStorages;
  clock: Clock;
  fanout: Fanout;
  logger: Logger;
};

const rank: Record<SpaceRole, number> = { member: 0, admin: 1, owner: 2 };

/** A space as site admins see it. */
export type AdminSpace = Space & { memberCount: number; database: 'default' | 'own' };

export const toSpaceDto = (s: SpaceRecord): Space => ({
  id: s.id,
  slug: s.slug,
  name: s.name,
  icon: s.icon,
  accentColor: s.accentColor,
  joinPolicy: s.joinPolicy,
  joinDomains: s.joinDomains,
  defaultLanguage: s.defaultLanguage,
  retentionDays: s.retentionDays,
  editWindowSeconds: s.editWindowSeconds,
  membersMayCreateChannels: s.membersMayCreateChannels,
  createdAt: s.createdAt.toISOString(),
  deleteAfter: s.deleteAfter?.toISOString() ?? null,
});

/** Without leading and trailing dashes (a walk from each end: no backtracking). */
function trimDashes(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value[start] === '-') start++;
  while (end > start && value[end - 1] === '-') end--;
  return value.slice(start, end);
}

/** A slug from a name: lower-case ASCII letters, digits and dashes. */
export function slugify(name: string): string {
  const base = trimDashes(
    trimDashes(
      name
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-'),
    ).slice(0, 30),
  );
  return base.length >= 3 ? base : trimDashes(`space-${base}`);
}

export function createSpacesService(deps: SpacesDeps) {
  const { storage, spaceStorages, clock, fanout } = deps;

  async function requireSpace(spaceId: string): Promise<SpaceRecord> {
    const space = spaceId === HOME_SPACE_ID ? null : await storage.spaces.findById(spaceId);
    if (!space) throw notFound('Space');
    return space;
  }

  /** The caller's role; non-members get 404 (a space you are not in does not exist for you). */
  async function requireRole(spaceId: string, userId: string, least: SpaceRole, what: string) {
    const space = await requireSpace(spaceId);
    const me = await storage.spaces.findMember(space.id, userId);
    if (!me) throw notFound('Space');
    if (rank[me.role] < rank[least]) throw forbidden(`Only space ${least}s can ${what}`);
    return { space, me };
  }

  /** Unread messages in a space's conversations, as its switcher badge. */
  async function unreadIn(space: SpaceRecord | null, userId: string): Promise<number> {
    const count = async () => {
      const page = await storage.conversations.listForUser(userId, { limit: UNREAD_PAGE, archived: false });
      return page.items.reduce(
        (n, item) => (item.me.mutedUntil && item.me.mutedUntil > clock.now() ? n : n + item.unreadCount),
        0,
      );
    };
    return space ? runInSpace({ spaceId: space.id, space }, count) : count();
  }

  async function join(space: SpaceRecord, userId: string, role: SpaceRole = 'member'): Promise<void> {
    await spaceStorages.admit(space, [userId]);
    await storage.spaces.addMember({ spaceId: space.id, userId, role, joinedAt: clock.now() });
  }

  async function mine(space: SpaceRecord, userId: string): Promise<MySpace> {
    const me = await storage.spaces.findMember(space.id, userId);
    if (!me) throw notFound('Space');
    return { ...toSpaceDto(space), role: me.role, unreadCount: await unreadIn(space, userId) };
  }

  return {
    async list(userId: string): Promise<MySpace[]> {
      const mineList = await storage.spaces.listForUser(userId);
      const home: MySpace = {
        id: HOME_SPACE_ID,
        slug: HOME_SPACE_ID,
        name: 'Home',
        icon: null,
        accentColor: null,
        joinPolicy: 'anyone',
        joinDomains: [],
        defaultLanguage: null,
        retentionDays: null,
        editWindowSeconds: null,
        membersMayCreateChannels: true,
        createdAt: new Date(0).toISOString(),
        deleteAfter: null,
        role: 'member',
        unreadCount: await unreadIn(null, userId),
      };
      const others = await Promise.all(
        mineList.map(async ({ space, membership }) => ({
          ...toSpaceDto(space),
          role: membership.role,
          unreadCount: await unreadIn(space, userId).catch((err: unknown) => {
            deps.logger.warn({ err, spaceId: space.id }, 'unread count of a space failed');
            return 0;
          }),
        })),
      );
      return [home, ...others];
    },

    async create(userId: string, body: CreateSpaceRequest): Promise<MySpace> {
      const user = await storage.users.findById(userId);
      if (!user || user.deletedAt) throw notFound('User');
      if (!user.emailVerifiedAt) throw new AppError(403, 'email_unverified', 'Verify your email to create a space');
      const owned = (await storage.spaces.listForUser(userId)).filter((s) => s.membership.role === 'owner');
      if (owned.length >= SPACES_OWNED_MAX)
        throw conflict(`You can own at most ${SPACES_OWNED_MAX} spaces; delete one first`);
      const now = clock.now();
      const wanted = body.slug ?? slugify(body.name);
      if (!body.slug && (await storage.spaces.findBySlug(wanted))) {
        // A derived slug that is taken gets a short suffix; a chosen one is the caller's to change.
        body = { ...body, slug: `${wanted.slice(0, 33)}-${randomBytes(3).toString('hex')}` };
      }
      const space: SpaceRecord = {
        id: randomUUID(),
        slug: body.slug ?? wanted,
        name: body.name,
        icon: body.icon ?? null,
        accentColor: body.accentColor ?? null,
        joinPolicy: body.joinPolicy ?? 'invite',
        joinDomains: body.joinDomains ?? [],
        defaultLanguage: body.defaultLanguage ?? null,
        retentionDays: body.retentionDays ?? null,
        editWindowSeconds: body.editWindowSeconds ?? null,
        membersMayCreateChannels: body.membersMayCreateChannels ?? true,
        mongoUri: null,
        createdBy: userId,
        createdAt: now,
        deleteAfter: null,
      };
      if (await storage.spaces.findBySlug(space.slug)) throw conflict('That address is taken', { slug: ['Taken'] });
      // The database first: a registry entry never points at a space that has none.
      await spaceStorages.create(space);
      try {
        await storage.spaces.create(space);
      } catch (err) {
        await spaceStorages.destroy(space).catch(() => undefined);
        if (err instanceof DuplicateKeyError) throw conflict('That address is taken', { slug: ['Taken'] });
        throw err;
      }
      await spaceStorages.admit(space, [userId]);
      return { ...toSpaceDto(space), role: 'owner', unreadCount: 0 };
    },

    async get(userId: string, spaceId: string): Promise<MySpace> {
      return mine(await requireSpace(spaceId), userId);
    },

    async bySlug(userId: string, slug: string): Promise<MySpace | (Space & { role: null; memberCount: number })> {
      const space = await storage.spaces.findBySlug(slug.toLowerCase());
      if (!space) throw notFound('Space');
      const me = await storage.spaces.findMember(space.id, userId);
      if (me) return mine(space, userId);
      // Someone who could join on their own sees its card; anyone else: it does not exist for them.
      if (!(await mayJoinOnOwn(space, userId))) throw notFound('Space');
      return { ...toSpaceDto(space), role: null, memberCount: await storage.spaces.countMembers(space.id) };
    },

    async update(userId: string, spaceId: string, patch: UpdateSpaceRequest): Promise<MySpace> {
      const { space } = await requireRole(spaceId, userId, 'admin', 'change its settings');
      const updated = await storage.spaces.update(space.id, patch);
      if (!updated) throw notFound('Space');
      return mine(updated, userId);
    },

    async joinOpen(userId: string, spaceId: string): Promise<MySpace> {
      const space = await requireSpace(spaceId);
      if (await storage.spaces.findMember(space.id, userId)) return mine(space, userId);
      if (space.deleteAfter || !(await mayJoinOnOwn(space, userId))) throw notFound('Space');
      await join(space, userId);
      return mine(space, userId);
    },

    async leave(userId: string, spaceId: string): Promise<void> {
      const space = await requireSpace(spaceId);
      const me = await storage.spaces.findMember(space.id, userId);
      if (!me) throw notFound('Space');
      if (me.role === 'owner') throw conflict('Hand the space over to another owner before leaving');
      await storage.spaces.removeMember(space.id, userId);
      fanout.disconnectFromSpace(space.id, userId);
    },

    async members(
      userId: string,
      spaceId: string,
      after?: string,
    ): Promise<{ items: SpaceMember[]; nextCursor: string | null }> {
      const { space } = await requireRole(spaceId, userId, 'member', 'see its members');
      const cursor = decodeMemberCursor(after);
      const rows = await storage.spaces.listMembers(space.id, 101, cursor ?? undefined);
      const page = rows.slice(0, 100);
      const users = await storage.users.findByIds(page.map((m) => m.userId));
      const byId = new Map(users.map((u) => [u.id, u]));
      const items = page.map((m) => {
        const u = byId.get(m.userId);
        return {
          userId: m.userId,
          username: u && !u.deletedAt ? u.username : 'deleted',
          displayName: u && !u.deletedAt ? u.displayName : 'Deleted account',
          avatarUrl: u && !u.deletedAt ? u.avatarUrl : null,
          role: m.role,
          joinedAt: m.joinedAt.toISOString(),
        };
      });
      const last = page.at(-1);
      return {
        items,
        nextCursor: rows.length > 100 && last ? `${last.joinedAt.getTime()}.${last.userId}` : null,
      };
    },

    async setRole(userId: string, spaceId: string, targetId: string, role: 'admin' | 'member'): Promise<void> {
      const { space } = await requireRole(spaceId, userId, 'owner', 'change roles');
      const target = await storage.spaces.findMember(space.id, targetId);
      if (!target) throw notFound('Member');
      if (target.role === 'owner') throw conflict('An owner keeps their role');
      await storage.spaces.setMemberRole(space.id, targetId, role);
    },

    async removeMember(userId: string, spaceId: string, targetId: string): Promise<void> {
      const { space, me } = await requireRole(spaceId, userId, 'admin', 'remove members');
      const target = await storage.spaces.findMember(space.id, targetId);
      if (!target) throw notFound('Member');
      if (rank[target.role] >= rank[me.role]) throw forbidden('You can only remove members below your role');
      await storage.spaces.removeMember(space.id, targetId);
      fanout.disconnectFromSpace(space.id, targetId);
    },

    async createInvite(userId: string, spaceId: string, expiresInHours?: number): Promise<SpaceInvite> {
      const { space } = await requireRole(spaceId, userId, 'admin', 'invite people');
      const now = clock.now();
      const invite = await storage.spaces.createInvite({
        code: randomBytes(12).toString('base64url'),
        spaceId: space.id,
        createdBy: userId,
        createdAt: now,
        expiresAt: expiresInHours ? new Date(now.getTime() + expiresInHours * 3600_000) : null,
        revokedAt: null,
      });
      return toInviteDto(invite);
    },

    async listInvites(userId: string, spaceId: string): Promise<SpaceInvite[]> {
      const { space } = await requireRole(spaceId, userId, 'admin', 'see invites');
      const now = clock.now();
      return (await storage.spaces.listInvites(space.id))
        .filter((i) => !i.revokedAt && (!i.expiresAt || i.expiresAt > now))
        .map(toInviteDto);
    },

    async previewInvite(userId: string, code: string): Promise<SpaceInvitePreview> {
      const { space } = await liveInvite(code);
      return {
        code,
        space: { id: space.id, slug: space.slug, name: space.name, icon: space.icon, accentColor: space.accentColor },
        memberCount: await storage.spaces.countMembers(space.id),
        alreadyMember: (await storage.spaces.findMember(space.id, userId)) !== null,
      };
    },

    async acceptInvite(userId: string, code: string): Promise<MySpace> {
      const { space } = await liveInvite(code);
      if (!(await storage.spaces.findMember(space.id, userId))) await join(space, userId);
      return mine(space, userId);
    },

    async scheduleDeletion(userId: string, spaceId: string): Promise<MySpace> {
      const { space } = await requireRole(spaceId, userId, 'owner', 'delete it');
      const updated = await storage.spaces.update(space.id, {
        deleteAfter: new Date(clock.now().getTime() + SPACE_DELETE_GRACE_MS),
      });
      if (!updated) throw notFound('Space');
      return mine(updated, userId);
    },

    async restore(userId: string, spaceId: string): Promise<MySpace> {
      const { space } = await requireRole(spaceId, userId, 'owner', 'restore it');
      const updated = await storage.spaces.update(space.id, { deleteAfter: null });
      if (!updated) throw notFound('Space');
      return mine(updated, userId);
    },

    /** Removes the spaces whose grace period is over: their databases, then their registry entries. */
    async purgeDue(): Promise<number> {
      const due = await storage.spaces.listDueForDeletion(clock.now(), 20);
      for (const space of due) {
        fanout.disconnectFromSpace(space.id);
        await removeBlobs(space);
        await spaceStorages.destroy(space);
        await storage.spaces.remove(space.id);
        deps.logger.info({ spaceId: space.id }, 'space deleted');
      }
      return due.length;
    },

    /**
     * A deleted account leaves its spaces. A space that loses its last owner passes to its oldest
     * admin (or else its oldest member); one left with nobody is scheduled for deletion.
     */
    async accountDeleted(userId: string): Promise<void> {
      for (const { space, membership } of await storage.spaces.listForUser(userId)) {
        await storage.spaces.removeMember(space.id, userId);
        fanout.disconnectFromSpace(space.id, userId);
        if (membership.role !== 'owner') continue;
        const rest = await storage.spaces.listMembers(space.id, 500);
        if (rest.some((m) => m.role === 'owner')) continue;
        const heir = rest.find((m) => m.role === 'admin') ?? rest[0];
        if (heir) await storage.spaces.setMemberRole(space.id, heir.userId, 'owner');
        else
          await storage.spaces.update(space.id, {
            deleteAfter: new Date(clock.now().getTime() + SPACE_DELETE_GRACE_MS),
          });
      }
    },

    /** Site admins: every space, with its member count and where its database is. */
    async listAll(after?: string): Promise<{ items: AdminSpace[]; nextCursor: string | null }> {
      const rows = await storage.spaces.list(after ?? null, 101);
      const page = rows.slice(0, 100);
      const items = await Promise.all(
        page.map(async (s) => ({
          ...toSpaceDto(s),
          memberCount: await storage.spaces.countMembers(s.id),
          database: s.mongoUri ? ('own' as const) : ('default' as const),
        })),
      );
      return { items, nextCursor: rows.length > 100 ? (page.at(-1)?.id ?? null) : null };
    },

    /**
     * Site admins (MongoDB only): the space's database moves to its own deployment. Data is not
     * copied: only a space whose database holds no conversation yet may be moved; otherwise move
     * the data first (mongodump / mongorestore), and this refuses with 409 until then.
     */
    async setDatabase(spaceId: string, mongoUri: string): Promise<AdminSpace> {
      if (storage.kind !== 'mongo')
        throw conflict('This server keeps spaces in SQLite files: a connection string does not apply');
      const space = await requireSpace(spaceId);
      for await (const { collection } of spaceStorages.dump(space))
        if (collection === 'conversations')
          throw conflict('The space already holds conversations: move its data first, then set its database');
      const moved: SpaceRecord = { ...space, mongoUri };
      try {
        await spaceStorages.create(moved);
      } catch (err) {
        throw new AppError(
          422,
          'unprocessable',
          `Cannot open that database (${err instanceof Error ? err.message : 'unknown error'})`,
        );
      }
      await spaceStorages.forget(space.id);
      const updated = await storage.spaces.update(space.id, { mongoUri });
      if (!updated) throw notFound('Space');
      return { ...toSpaceDto(updated), memberCount: await storage.spaces.countMembers(space.id), database: 'own' };
    },

    /** Retention: each space's messages older than its setting are removed, oldest first, in bounded batches. */
    async sweepRetention(): Promise<number> {
      let removed = 0;
      let after: string | null = null;
      for (;;) {
        const batch = await storage.spaces.listWithRetention(after, 50);
        for (const space of batch) {
          if (space.retentionDays === null) continue;
          const before = new Date(clock.now().getTime() - space.retentionDays * DAY_MS);
          removed += await runInSpace({ spaceId: space.id, space }, async () => {
            let n = 0;
            for (let round = 0; round < RETENTION_ROUNDS; round++) {
              const gone = await storage.messages.purgeOlderThan(before, RETENTION_BATCH);
              n += gone;
              if (gone < RETENTION_BATCH) break;
            }
            return n;
          });
        }
        const last = batch.at(-1);
        if (batch.length < 50 || !last) return removed;
        after = last.id;
      }
    },

    requireRole,
  };

  /** Every blob the space's records point at (media, thumbnails, preview images, encrypted files). */
  async function removeBlobs(space: SpaceRecord): Promise<void> {
    const keys = new Set<string>();
    for await (const { record } of spaceStorages.dump(space))
      for (const [field, value] of Object.entries(record))
        if (BLOB_KEY_FIELD.test(field) && typeof value === 'string' && value) keys.add(value);
    for (const key of keys)
      await deps.mediaStore.delete(key).catch((err: unknown) => deps.logger.warn({ err, key }, 'blob not removed'));
  }

  async function liveInvite(code: string) {
    const invite = /^[\w-]{8,64}$/.test(code) ? await storage.spaces.findInvite(code) : null;
    if (!invite || invite.revokedAt || (invite.expiresAt && invite.expiresAt <= clock.now())) throw notFound('Invite');
    const space = await storage.spaces.findById(invite.spaceId);
    if (!space || space.deleteAfter) throw notFound('Invite');
    return { invite, space };
  }

  /** Open spaces, or ones open to the verified email's domain. */
  async function mayJoinOnOwn(space: SpaceRecord, userId: string): Promise<boolean> {
    if (space.joinPolicy === 'anyone') return true;
    if (space.joinPolicy !== 'domain') return false;
    const user = await storage.users.findById(userId);
    if (!user?.emailVerifiedAt) return false;
    const domain = user.email.split('@').pop()?.toLowerCase() ?? '';
    return space.joinDomains.includes(domain);
  }
}
export type SpacesService = ReturnType<typeof createSpacesService>;

const toInviteDto = (i: { code: string; spaceId: string; createdAt: Date; expiresAt: Date | null }): SpaceInvite => ({
  code: i.code,
  spaceId: i.spaceId,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt?.toISOString() ?? null,
});

function decodeMemberCursor(after: string | undefined): { joinedAt: Date; userId: string } | null {
  if (!after) return null;
  const m = /^(\d{1,15})\.([\w-]{1,64})$/.exec(after);
  if (!m) throw new AppError(400, 'bad_request', 'Invalid cursor');
  return { joinedAt: new Date(Number(m[1])), userId: m[2] as string };
}
