import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SpaceRecord, Storage } from '../ports.ts';
import { openSqliteStorage, sqliteDatabaseOf } from '../sqlite/sqlite-storage.ts';
import type { SpaceStorageSource } from './scoped-storage.ts';
import { isSpaceId, type SpaceScope } from './space-scope.ts';

/**
 * Each space's database: created with the space, opened on demand, kept in a bounded LRU of open
 * handles (1,000 spaces must not mean 3,000 open files), removed with the space.
 */
export type SpaceStorages = SpaceStorageSource & {
  /** Creates and migrates the space's database. */
  create(space: SpaceRecord): Promise<void>;
  /** Makes these accounts exist in the space's database before they write there (SQLite foreign keys). */
  admit(space: SpaceRecord, userIds: readonly string[]): Promise<void>;
  /** Runs `fn` against the space's own Storage (export, retention, deletion). */
  withStorage<T>(space: SpaceRecord, fn: (storage: Storage) => Promise<T>): Promise<T>;
  /** Every stored record of the space, table by table (the owner's export). */
  dump(space: SpaceRecord): AsyncGenerator<{ collection: string; record: Record<string, unknown> }>;
  /** Closes and deletes the space's database. */
  destroy(space: SpaceRecord): Promise<void>;
  /** Closes the space's open handle (its database moved: the next use opens the new one). */
  forget(spaceId: string): Promise<void>;
  /** Open handles now (tests count them against the bound). */
  openCount(): number;
  close(): Promise<void>;
};

export function assertSafeSpaceId(id: string): string {
  if (!isSpaceId(id)) throw new Error(`space id not usable as a database name: ${JSON.stringify(id)}`);
  return id;
}

type Opener = {
  open(space: SpaceRecord): Storage | Promise<Storage>;
  create(space: SpaceRecord): Promise<void>;
  admit(storage: Storage, userIds: readonly string[]): void | Promise<void>;
  drop(space: SpaceRecord, storage: Storage): Promise<void>;
  dump(storage: Storage): AsyncGenerator<{ collection: string; record: Record<string, unknown> }>;
};

/** Not part of what a space holds: bookkeeping, search indexes, and the placeholder account rows. */
const NOT_EXPORTED =
  /^(sqlite_|schema_migrations$|users$|spaces$|space_members$|space_invites$|messages_fts|activity_pending$|migrations$)/;

/** The LRU shared by both adapters; an evicted handle is closed and reopened on its next use. */
export function createSpaceStorages(opener: Opener, maxOpen: number, logger?: Logger): SpaceStorages {
  const open = new Map<string, Storage>();
  const opening = new Map<string, Promise<Storage>>();

  function touch(id: string, storage: Storage): Storage {
    open.delete(id);
    open.set(id, storage);
    while (open.size > maxOpen) {
      const [oldest, handle] = open.entries().next().value as [string, Storage];
      open.delete(oldest);
      handle.close().catch((err: unknown) => logger?.warn({ err, spaceId: oldest }, 'closing a space database failed'));
    }
    return storage;
  }

  function storageFor(space: SpaceRecord): Storage | Promise<Storage> {
    const id = assertSafeSpaceId(space.id);
    const ready = open.get(id);
    if (ready) {
      if (open.size > 1) touch(id, ready);
      return ready;
    }
    const pending = opening.get(id);
    if (pending) return pending;
    const made = opener.open(space);
    if (!(made instanceof Promise)) return touch(id, made);
    const p = made.then(
      (s) => {
        opening.delete(id);
        return touch(id, s);
      },
      (err: unknown) => {
        opening.delete(id);
        throw err;
      },
    );
    opening.set(id, p);
    return p;
  }

  return {
    storageOf(scope: SpaceScope) {
      if (!scope.space) throw new Error(`space scope without its record: ${scope.spaceId}`);
      return storageFor(scope.space);
    },
    create: (space) => opener.create(space),
    async admit(space, userIds) {
      if (userIds.length) await opener.admit(await storageFor(space), userIds);
    },
    async withStorage(space, fn) {
      return fn(await storageFor(space));
    },
    async *dump(space) {
      yield* opener.dump(await storageFor(space));
    },
    async destroy(space) {
      const storage = await storageFor(space);
      open.delete(space.id);
      await opener.drop(space, storage);
    },
    async forget(spaceId) {
      const handle = open.get(spaceId);
      open.delete(spaceId);
      await handle?.close();
    },
    openCount: () => open.size,
    async close() {
      await Promise.allSettled([...opening.values()]);
      const handles = [...open.values()];
      open.clear();
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

/** SQLite: DATA_DIR/spaces/<id>.sqlite, each a copy of a migrated template, so creating one is a file copy. */
export function sqliteSpaceStorages(dataDir: string, maxOpen: number, logger?: Logger): SpaceStorages {
  const dir = path.join(dataDir, 'spaces');
  fs.mkdirSync(dir, { recursive: true });
  const template = path.join(dir, 'template.sqlite');
  const fileOf = (space: SpaceRecord) => `${assertSafeSpaceId(space.id)}.sqlite`;

  /** Built once per process (migrations may have been added since the last one). */
  let templateReady: Promise<void> | null = null;
  const ensureTemplate = () => {
    templateReady ??= (async () => {
      const building = `template-${process.pid}.sqlite`;
      const s = openSqliteStorage(dir, undefined, building);
      sqliteDatabaseOf(s)?.pragma('journal_mode = DELETE');
      await s.close();
      fs.renameSync(path.join(dir, building), template);
    })();
    return templateReady;
  };

  return createSpaceStorages(
    {
      open: (space) => openSqliteStorage(dir, logger, fileOf(space)),
      async create(space) {
        await ensureTemplate();
        fs.copyFileSync(template, path.join(dir, fileOf(space)), fs.constants.COPYFILE_EXCL);
      },
      admit(storage, userIds) {
        const db = sqliteDatabaseOf(storage);
        if (!db) throw new Error('sqlite space storage without its database');
        // Placeholder rows: only the foreign keys need the account here; its profile is read globally.
        const insert = db.prepare<[string, string, string, number]>(
          `INSERT OR IGNORE INTO users (id, email, username, display_name, created_at) VALUES (?, ?, ?, '', ?)`,
        );
        db.transaction(() => {
          for (const id of userIds) insert.run(id, `${id}@member.invalid`, `m-${id}`, Date.now());
        })();
      },
      async *dump(storage) {
        const db = sqliteDatabaseOf(storage);
        if (!db) return;
        const tables = db
          .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
          .pluck()
          .all()
          .filter((t) => !NOT_EXPORTED.test(t) && !t.includes('_fts'));
        for (const table of tables)
          for (const record of db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).iterate())
            yield { collection: table, record: record as Record<string, unknown> };
      },
      async drop(space, storage) {
        await storage.close();
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, fileOf(space) + suffix), { force: true });
      },
    },
    maxOpen,
    logger,
  );
}

/** MongoDB: a database per space on the home deployment (`useDb`), or the space's own connection string. */
export function mongoSpaceStorages(home: Storage, maxOpen: number, logger?: Logger): SpaceStorages {
  const dbName = (space: SpaceRecord) => `charla_space_${assertSafeSpaceId(space.id)}`;
  const mongo = import('../mongo/mongo-storage.ts');
  const open = async (space: SpaceRecord) => {
    const { mongoConnectionOf, mongoStorageOn, openMongoStorage } = await mongo;
    if (space.mongoUri) return openMongoStorage(space.mongoUri, logger);
    const base = mongoConnectionOf(home);
    if (!base) throw new Error('mongo space storages need the home Mongo storage');
    return mongoStorageOn(base.useDb(dbName(space), { useCache: true }), logger, {}, false);
  };
  return createSpaceStorages(
    {
      open,
      async create(space) {
        // Opening creates the indexes and runs the start-up steps on the new database.
        await (await open(space)).close();
      },
      admit: () => undefined,
      async *dump(storage) {
        const { mongoConnectionOf } = await mongo;
        const db = mongoConnectionOf(storage)?.db;
        if (!db) return;
        for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
          if (NOT_EXPORTED.test(name)) continue;
          for await (const record of db.collection(name).find({}))
            yield { collection: name, record: record as Record<string, unknown> };
        }
      },
      async drop(_space, storage) {
        const { mongoConnectionOf } = await mongo;
        await mongoConnectionOf(storage)?.dropDatabase();
        await storage.close();
      },
    },
    maxOpen,
    logger,
  );
}

/** The adapter's space storages, next to the home storage. */
export function spaceStoragesFor(home: Storage, dataDir: string, maxOpen: number, logger?: Logger): SpaceStorages {
  return home.kind === 'mongo'
    ? mongoSpaceStorages(home, maxOpen, logger)
    : sqliteSpaceStorages(dataDir, maxOpen, logger);
}
