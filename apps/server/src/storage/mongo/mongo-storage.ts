import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { type AdapterOptions, DEFAULT_STALE_SEND_MS } from '../adapter-options.ts';
import { StorageStartError } from '../errors.ts';
import type { Storage } from '../ports.ts';
import { createMongoBlocksRepo } from './mongo-blocks.ts';
import { createMongoContactsRepo } from './mongo-contacts.ts';
import { createMongoConversationsRepo } from './mongo-conversations.ts';
import { createMongoDiscoveryRepo } from './mongo-discovery.ts';
import { createMongoE2eeRepo } from './mongo-e2ee.ts';
import { createMongoEmailDigestRepo } from './mongo-email-digest.ts';
import { translateOutages } from './mongo-errors.ts';
import { createMongoIdentitiesRepo } from './mongo-identities.ts';
import { describeUri, ensureIndexes } from './mongo-indexes.ts';
import { createMongoInvitesRepo } from './mongo-invites.ts';
import { createMongoLinkPreviewsRepo } from './mongo-link-previews.ts';
import { createMongoMediaRepo } from './mongo-media.ts';
import { backfillMessageTerms } from './mongo-message-search.ts';
import { createMongoMessagesRepo } from './mongo-messages.ts';
import { createMongoMessagingCore } from './mongo-messaging-core.ts';
import { backfillParticipantActivity, messagingModels } from './mongo-messaging-models.ts';
import { runOnce } from './mongo-migrations.ts';
import { createMongoAuditLogRepo, createMongoReportsRepo } from './mongo-moderation.ts';
import { createMongoOneTimeTokensRepo } from './mongo-one-time-tokens.ts';
import { createMongoParticipantsRepo } from './mongo-participants.ts';
import { createMongoPointsRepo, pointsModels } from './mongo-points.ts';
import { createMongoLeaderboardsRepo, createMongoPointsHistoryRepo } from './mongo-points-boards.ts';
import { createMongoPushRepos } from './mongo-push.ts';
import { createMongoRegistrationsRepo } from './mongo-registrations.ts';
import { createMongoSend } from './mongo-send.ts';
import { createMongoSessionsRepo } from './mongo-sessions.ts';
import { createMongoSharedItemsRepo } from './mongo-shared-items.ts';
import { createMongoSocialLinksRepo } from './mongo-social-links.ts';
import { createMongoSpacesRepo } from './mongo-spaces.ts';
import { createMongoStatsRepo, STATS_INDEXES } from './mongo-stats.ts';
import { createMongoTranslationsRepo } from './mongo-translations.ts';
import { backfillDisplayNameLower, createMongoUsersRepo } from './mongo-users.ts';

/** Runs one start-up step; a failure stops start-up naming the step. */
async function startupStep<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof StorageStartError) throw err;
    throw new StorageStartError(
      `MongoDB: start-up failed while ${what} (${err instanceof Error ? err.message : err})`,
      {
        cause: err,
      },
    );
  }
}

/** Connects with strict queries and filter sanitising, so no `$` operator from a request reaches a query. */
export async function openMongoStorage(uri: string, logger?: Logger, options: AdapterOptions = {}): Promise<Storage> {
  // No command buffering: while the server is unreachable an operation fails after server selection
  // (5 s unless the URI says otherwise) with a driver error the adapter maps to a 503, instead of
  // queueing in memory. Indexes are created by ensureIndexes below, where a failure is named.
  const conn = mongoose.createConnection(uri, {
    ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 5000 }),
    sanitizeFilter: true,
    bufferCommands: false,
    autoIndex: false,
    ...(options.onCommand ? { monitorCommands: true } : {}),
  });
  const onCommand = options.onCommand;
  if (onCommand) {
    conn
      .getClient()
      .on('commandStarted', (e) =>
        onCommand({ commandName: e.commandName, databaseName: e.databaseName, command: e.command }),
      );
  }
  conn.set('strictQuery', true);
  try {
    await conn.asPromise();
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw new StorageStartError(
      `MONGODB_URI: cannot connect to ${describeUri(uri)} (${err instanceof Error ? err.message : 'unknown error'})`,
      { cause: err },
    );
  }
  logger?.info({ db: conn.name }, 'connected to MongoDB');
  return mongoStorageOn(conn, logger, options, true);
}

/** The Storage connections made from a Mongo Storage's connection (spaces' databases, by `useDb`). */
const connections = new WeakMap<Storage, Connection>();
export const mongoConnectionOf = (storage: Storage): Connection | undefined => connections.get(storage);

/**
 * Builds the adapter on a connected database: indexes, start-up steps and the half-done-send
 * sweeper. `owns`: closing the Storage closes the connection (false for a database reached with
 * `useDb`, which shares its client with the home database).
 */
export async function mongoStorageOn(
  conn: Connection,
  logger: Logger | undefined,
  options: AdapterOptions,
  owns: boolean,
): Promise<Storage> {
  conn.set('strictQuery', true);
  const models = messagingModels(conn);
  const messaging = createMongoMessagingCore(models);
  const sending = createMongoSend(messaging, conn, options);
  const push = createMongoPushRepos(conn);
  const points = pointsModels(conn);
  const t = translateOutages;
  const storage: Storage = {
    kind: 'mongo',
    users: t(createMongoUsersRepo(conn)),
    sessions: t(createMongoSessionsRepo(conn)),
    oneTimeTokens: t(createMongoOneTimeTokensRepo(conn)),
    pendingRegistrations: t(createMongoRegistrationsRepo(conn)),
    blocks: t(createMongoBlocksRepo(conn)),
    identities: t(createMongoIdentitiesRepo(conn)),
    conversations: t(createMongoConversationsRepo(messaging)),
    participants: t(createMongoParticipantsRepo(messaging)),
    messages: t(createMongoMessagesRepo(messaging, sending.send)),
    invites: t(createMongoInvitesRepo(messaging)),
    media: t(createMongoMediaRepo(conn)),
    sharedItems: t(createMongoSharedItemsRepo(conn, models)),
    reports: t(createMongoReportsRepo(conn)),
    auditLog: t(createMongoAuditLogRepo(conn)),
    stats: t(createMongoStatsRepo(conn)),
    e2ee: t(createMongoE2eeRepo(conn, messaging)),
    translations: t(createMongoTranslationsRepo(conn, models)),
    pushSubscriptions: t(push.subscriptions),
    pushQueue: t(push.queue),
    emailDigest: t(createMongoEmailDigestRepo(conn)),
    linkPreviews: t(createMongoLinkPreviewsRepo(conn, models, messaging)),
    contacts: t(createMongoContactsRepo(conn)),
    discovery: t(createMongoDiscoveryRepo(conn)),
    socialLinks: t(createMongoSocialLinksRepo(conn)),
    points: t(createMongoPointsRepo(points)),
    leaderboards: t(createMongoLeaderboardsRepo(conn, points, models)),
    pointsHistory: t(createMongoPointsHistoryRepo(models)),
    spaces: t(createMongoSpacesRepo(conn)),
    ping: async () => {
      const db = conn.db;
      if (!db) return false;
      const res = await db.admin().ping();
      return res.ok === 1;
    },
    close: async () => {
      clearInterval(sweeper);
      if (owns) await conn.close();
    },
  };
  connections.set(storage, conn);
  try {
    // Unique and TTL indexes must exist before the first write, or a duplicate could slip in.
    await ensureIndexes(conn, STATS_INDEXES);
    const transactions = await startupStep('asking the server for its topology', () => sending.detectTransactions());
    logger?.info(
      { transactions },
      transactions
        ? 'replica set: each send is one multi-document transaction'
        : 'standalone server: sends use the crash-safe step sequence (no transactions)',
    );
    await startupStep('backfilling participants.lastActivityAt', () => backfillParticipantActivity(models));
    // Search reads `terms` now; the old $text index only cost writes.
    await startupStep('dropping the old text index on messages', () =>
      runOnce(conn, 'messages.drop-text-index', () =>
        conn
          .collection('messages')
          .dropIndex('text_text')
          .catch((err: { codeName?: string; code?: number }) => {
            if (
              err.codeName !== 'IndexNotFound' &&
              err.code !== 27 &&
              err.codeName !== 'NamespaceNotFound' &&
              err.code !== 26
            )
              throw err;
          }),
      ),
    );
    await startupStep('backfilling users.displayNameLower', () =>
      runOnce(conn, 'users.displayNameLower', () => backfillDisplayNameLower(conn)),
    );
    const swept = await startupStep('finishing sends cut short by a crash', () => sending.sweep());
    if (swept) logger?.warn({ swept }, 'finished sends that a crashed process left half done');
  } catch (err) {
    if (owns) await conn.close().catch(() => undefined);
    throw err;
  }
  // Older messages get their search terms in the background: search finds them as it goes.
  void runOnce(conn, 'messages.terms', () => backfillMessageTerms(conn)).then(
    (ran) => ran && logger?.info('search terms backfilled for older messages'),
    (err: unknown) => logger?.warn({ err }, 'backfilling search terms stopped; it resumes at the next start'),
  );
  // Sends cut short less than staleSendMs before start-up (or on another node) become stale later.
  const sweeper = setInterval(
    () => {
      sending.sweep().then(
        (swept) => swept && logger?.warn({ swept }, 'finished sends that a crashed process left half done'),
        (err: unknown) => logger?.warn({ err }, 'sweep of half-done sends failed; will retry'),
      );
    },
    Math.max(options.staleSendMs ?? DEFAULT_STALE_SEND_MS, 1000),
  );
  sweeper.unref();
  return storage;
}
