import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AdapterOptions } from '../adapter-options.ts';
import type { Storage } from '../ports.ts';
import { applyMigrations } from './migrate.ts';
import { createSqliteBlocksRepo } from './sqlite-blocks.ts';
import { CHECKPOINT_OPTIONS, processCheckpointer } from './sqlite-checkpointer.ts';
import { createSqliteContactsRepo } from './sqlite-contacts.ts';
import { createSqliteConversationsRepo } from './sqlite-conversations.ts';
import { createSqliteDiscoveryRepo } from './sqlite-discovery.ts';
import { createSqliteE2eeRepo } from './sqlite-e2ee.ts';
import { createSqliteEmailDigestRepo } from './sqlite-email-digest.ts';
import { createSqliteIdentitiesRepo } from './sqlite-identities.ts';
import { createSqliteInvitesRepo } from './sqlite-invites.ts';
import { createSqliteLinkPreviewsRepo } from './sqlite-link-previews.ts';
import { createSqliteMediaRepo } from './sqlite-media.ts';
import { createSqliteMessagesRepo } from './sqlite-messages.ts';
import { createMessagingCore } from './sqlite-messaging-core.ts';
import { createSqliteAuditLogRepo, createSqliteReportsRepo } from './sqlite-moderation.ts';
import { createSqliteOneTimeTokensRepo } from './sqlite-one-time-tokens.ts';
import { createSqliteParticipantsRepo } from './sqlite-participants.ts';
import { createSqlitePointsRepo } from './sqlite-points.ts';
import { createSqliteLeaderboardsRepo, createSqlitePointsHistoryRepo } from './sqlite-points-boards.ts';
import { createSqlitePushQueueRepo, createSqlitePushSubscriptionsRepo } from './sqlite-push.ts';
import { createSqliteRegistrationsRepo } from './sqlite-registrations.ts';
import { createSqliteSessionsRepo } from './sqlite-sessions.ts';
import { createSqliteSharedItemsRepo } from './sqlite-shared-items.ts';
import { createSqliteSocialLinksRepo } from './sqlite-social-links.ts';
import { createSqliteSpacesRepo } from './sqlite-spaces.ts';
import { createSqliteStatsRepo } from './sqlite-stats.ts';
import { createSqliteTranslationsRepo } from './sqlite-translations.ts';
import { createSqliteUsersRepo } from './sqlite-users.ts';

/** The database under a SQLite Storage (spaces copy rows into theirs; see storage/spaces). */
const databases = new WeakMap<Storage, Database.Database>();
export const sqliteDatabaseOf = (storage: Storage): Database.Database | undefined => databases.get(storage);

/** Opens (or creates) `<dataDir>/charla.sqlite` in WAL mode with foreign keys on. */
export function openSqliteStorage(
  dataDir: string,
  logger?: Logger,
  file = 'charla.sqlite',
  options: AdapterOptions = {},
): Storage {
  const filePath = path.join(dataDir, file);
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`journal_size_limit = ${CHECKPOINT_OPTIONS.journalSizeLimit}`);
  const applied = applyMigrations(db);
  if (applied.length) logger?.info({ applied }, 'sqlite migrations applied');
  // Checkpoints leave the COMMIT (and so the event loop) for the process's checkpoint thread.
  const checkpointer =
    options.checkpoints === 'inline'
      ? null
      : processCheckpointer((f, error) => logger?.debug({ file: f, error }, 'sqlite checkpoint skipped'));
  checkpointer?.attach(filePath, db);
  // Repositories prepare their statements when first used: a space's database (storage/spaces)
  // never uses the account-level ones, and opening one is on the path of its first request.
  let core: ReturnType<typeof createMessagingCore> | null = null;
  const messaging = () => {
    core ??= createMessagingCore(db);
    return core;
  };
  const repos: { [K in Exclude<keyof Storage, 'kind' | 'ping' | 'close'>]: () => Storage[K] } = {
    users: () => createSqliteUsersRepo(db),
    sessions: () => createSqliteSessionsRepo(db),
    oneTimeTokens: () => createSqliteOneTimeTokensRepo(db),
    pendingRegistrations: () => createSqliteRegistrationsRepo(db),
    blocks: () => createSqliteBlocksRepo(db),
    identities: () => createSqliteIdentitiesRepo(db),
    conversations: () => createSqliteConversationsRepo(messaging()),
    participants: () => createSqliteParticipantsRepo(messaging()),
    messages: () => createSqliteMessagesRepo(messaging(), options),
    invites: () => createSqliteInvitesRepo(messaging()),
    media: () => createSqliteMediaRepo(db),
    sharedItems: () => createSqliteSharedItemsRepo(db),
    reports: () => createSqliteReportsRepo(db),
    auditLog: () => createSqliteAuditLogRepo(db),
    stats: () => createSqliteStatsRepo(db),
    e2ee: () => createSqliteE2eeRepo(messaging()),
    translations: () => createSqliteTranslationsRepo(db),
    pushSubscriptions: () => createSqlitePushSubscriptionsRepo(db),
    pushQueue: () => createSqlitePushQueueRepo(db),
    emailDigest: () => createSqliteEmailDigestRepo(db),
    linkPreviews: () => createSqliteLinkPreviewsRepo(messaging()),
    contacts: () => createSqliteContactsRepo(db),
    discovery: () => createSqliteDiscoveryRepo(db),
    socialLinks: () => createSqliteSocialLinksRepo(db),
    points: () => createSqlitePointsRepo(db),
    leaderboards: () => createSqliteLeaderboardsRepo(db),
    pointsHistory: () => createSqlitePointsHistoryRepo(db),
    spaces: () => createSqliteSpacesRepo(db),
  };
  const storage = {
    kind: 'sqlite',
    ping: async () => db.prepare('SELECT 1 AS ok').get() !== undefined,
    close: async () => {
      if (!db.open) return;
      if (core) {
        for (const drain of core.beforeClose) drain();
        core.searchQueue.stop();
        try {
          // Leave the file with every committed message in the search index (migration 0030).
          core.searchQueue.flush();
        } catch {
          // Busy or read-only: the queue stays in the file, and the next search or send indexes it.
        }
        try {
          // Leave the file with every member's activity copy current (migration 0027).
          db.transaction(core.activity.flush).immediate();
        } catch {
          // Busy or read-only: the marks stay, and the next conversation list copies them.
        }
      }
      db.close();
      await checkpointer?.detach(filePath, db);
    },
  } as Storage;
  for (const [key, make] of Object.entries(repos)) {
    let repo: unknown;
    Object.defineProperty(storage, key, {
      enumerable: true,
      get: () => {
        repo ??= make();
        return repo;
      },
    });
  }
  databases.set(storage, db);
  return storage;
}
