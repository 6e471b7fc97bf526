import { randomUUID } from 'node:crypto';
import type { SpaceRecord, Storage } from '../ports.ts';
import { createScopedStorage } from '../spaces/scoped-storage.ts';
import { runInSpace, type SpaceScope } from '../spaces/space-scope.ts';
import type { SpaceStorages } from '../spaces/space-storages.ts';

/** A home storage and the space storages beside it, as the app composes them (app.ts). */
export type SpacesRig = {
  home: Storage;
  storages: SpaceStorages;
  /** The spaces createSpace made in this rig (their databases go with it). */
  created: SpaceRecord[];
  /** Removes whatever the rig created (temp dirs, databases). */
  destroy(): Promise<void>;
};

/** A registry entry with every setting at its default (a fresh id and slug), as tests build them. */
export function spaceRecord(createdBy: string, over: Partial<SpaceRecord> = {}): SpaceRecord {
  return {
    id: randomUUID(),
    slug: `s-${randomUUID().slice(0, 8)}`,
    name: 'Club',
    icon: null,
    accentColor: null,
    joinPolicy: 'invite',
    joinDomains: [],
    defaultLanguage: null,
    retentionDays: null,
    editWindowSeconds: null,
    membersMayCreateChannels: true,
    mongoUri: null,
    createdBy,
    createdAt: new Date(),
    deleteAfter: null,
    ...over,
  };
}

/**
 * Creates a space the way the spaces service does: its database first, then its registry entry,
 * owned by a founder account in the home database.
 */
export async function createSpace(rig: SpacesRig, name: string): Promise<SpaceRecord> {
  const tag = randomUUID().slice(0, 8);
  const founder = await rig.home.users.create({
    email: `founder-${tag}@example.com`,
    username: `founder_${tag}`,
    displayName: 'Founder',
    passwordHash: null,
    role: 'user',
  });
  const space = spaceRecord(founder.id, { slug: `${name.toLowerCase()}-${tag}`, name });
  await rig.storages.create(space);
  await rig.home.spaces.create(space);
  rig.created.push(space);
  return space;
}

/**
 * The Storage modules receive (the scoped storage over home and the space storages), with every
 * call made inside `space`'s scope, as a request that entered the space makes it. Accounts a test
 * creates are admitted into the space at once, as joining it does. `space` null: the home scope.
 */
export function viewIn(rig: SpacesRig, space: SpaceRecord | null): Storage {
  const scoped = createScopedStorage(rig.home, rig.storages);
  const scope: SpaceScope = space ? { spaceId: space.id, space } : { spaceId: 'home', space: null };
  const inScope = <R extends object>(repo: R): R =>
    new Proxy(repo, {
      get(target, method) {
        const fn = (target as Record<PropertyKey, unknown>)[method];
        if (typeof fn !== 'function') return fn;
        return (...args: unknown[]) =>
          runInSpace(scope, () => (fn as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  const view: Record<string, unknown> = {};
  for (const [key, repo] of Object.entries(scoped)) view[key] = repo && typeof repo === 'object' ? inScope(repo) : repo;
  const users = rig.home.users;
  view.users = inScope({
    ...users,
    async create(...args: Parameters<Storage['users']['create']>) {
      const user = await users.create(...args);
      if (space) await rig.storages.admit(space, [user.id]);
      return user;
    },
  });
  return view as Storage;
}

/**
 * An opener for the contract files: each call makes a fresh rig and a fresh space in it, and
 * returns that space's view; closing it closes the rig.
 */
export function openInFreshSpace(makeRig: () => Promise<SpacesRig>): () => Promise<Storage> {
  return async () => {
    const rig = await makeRig();
    const space = await createSpace(rig, 'Contract');
    return { ...viewIn(rig, space), close: () => rig.destroy() };
  };
}
