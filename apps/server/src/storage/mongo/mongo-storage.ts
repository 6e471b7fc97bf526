import mongoose from 'mongoose';
import type { Logger } from 'pino';
import type { Storage } from '../ports.ts';
import { createMongoBlocksRepo } from './mongo-blocks.ts';
import { createMongoConversationsRepo } from './mongo-conversations.ts';
import { translateOutages } from './mongo-errors.ts';
import { createMongoIdentitiesRepo } from './mongo-identities.ts';
import { createMongoInvitesRepo } from './mongo-invites.ts';
import { createMongoMediaRepo } from './mongo-media.ts';
import { createMongoMessagesRepo } from './mongo-messages.ts';
import { createMongoMessagingCore } from './mongo-messaging-core.ts';
import { backfillParticipantActivity, messagingModels } from './mongo-messaging-models.ts';
import { createMongoAuditLogRepo, createMongoReportsRepo } from './mongo-moderation.ts';
import { createMongoOneTimeTokensRepo } from './mongo-one-time-tokens.ts';
import { createMongoParticipantsRepo } from './mongo-participants.ts';
import { createMongoSessionsRepo } from './mongo-sessions.ts';
import { createMongoStatsRepo } from './mongo-stats.ts';
import { createMongoUsersRepo } from './mongo-users.ts';

/** Connects with strict queries and filter sanitising, so no `$` operator from a request reaches a query. */
export async function openMongoStorage(uri: string, logger?: Logger): Promise<Storage> {
  // No command buffering: while the server is unreachable an operation fails after server selection
  // (5 s) with a driver error the adapter maps to a 503, instead of queueing in memory.
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    sanitizeFilter: true,
    bufferCommands: false,
  });
  conn.set('strictQuery', true);
  await conn.asPromise();
  logger?.info({ db: conn.name }, 'connected to MongoDB');
  const models = messagingModels(conn);
  const messaging = createMongoMessagingCore(models);
  const t = translateOutages;
  const storage: Storage = {
    kind: 'mongo',
    users: t(createMongoUsersRepo(conn)),
    sessions: t(createMongoSessionsRepo(conn)),
    oneTimeTokens: t(createMongoOneTimeTokensRepo(conn)),
    blocks: t(createMongoBlocksRepo(conn)),
    identities: t(createMongoIdentitiesRepo(conn)),
    conversations: t(createMongoConversationsRepo(messaging)),
    participants: t(createMongoParticipantsRepo(messaging)),
    messages: t(createMongoMessagesRepo(messaging)),
    invites: t(createMongoInvitesRepo(messaging)),
    media: t(createMongoMediaRepo(conn)),
    reports: t(createMongoReportsRepo(conn)),
    auditLog: t(createMongoAuditLogRepo(conn)),
    stats: t(createMongoStatsRepo(conn)),
    ping: async () => {
      const db = conn.db;
      if (!db) return false;
      const res = await db.admin().ping();
      return res.ok === 1;
    },
    close: async () => {
      await conn.close();
    },
  };
  // Unique and TTL indexes must exist before the first write, or a duplicate could slip in.
  await Promise.all(Object.values(conn.models).map((model) => model.init()));
  await backfillParticipantActivity(models);
  return storage;
}
