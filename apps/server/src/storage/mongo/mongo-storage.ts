import mongoose from 'mongoose';
import type { Logger } from 'pino';
import type { Storage } from '../ports.ts';
import { createMongoBlocksRepo } from './mongo-blocks.ts';
import { createMongoConversationsRepo } from './mongo-conversations.ts';
import { createMongoIdentitiesRepo } from './mongo-identities.ts';
import { createMongoInvitesRepo } from './mongo-invites.ts';
import { createMongoLinkPreviewsRepo } from './mongo-link-previews.ts';
import { createMongoMediaRepo } from './mongo-media.ts';
import { createMongoMessagesRepo } from './mongo-messages.ts';
import { createMongoMessagingCore } from './mongo-messaging-core.ts';
import { backfillParticipantActivity, messagingModels } from './mongo-messaging-models.ts';
import { createMongoAuditLogRepo, createMongoReportsRepo } from './mongo-moderation.ts';
import { createMongoOneTimeTokensRepo } from './mongo-one-time-tokens.ts';
import { createMongoParticipantsRepo } from './mongo-participants.ts';
import { createMongoRegistrationsRepo } from './mongo-registrations.ts';
import { createMongoSessionsRepo } from './mongo-sessions.ts';
import { createMongoSharedItemsRepo } from './mongo-shared-items.ts';
import { createMongoStatsRepo } from './mongo-stats.ts';
import { createMongoUsersRepo } from './mongo-users.ts';

/** Connects with strict queries and filter sanitising, so no `$` operator from a request reaches a query. */
export async function openMongoStorage(uri: string, logger?: Logger): Promise<Storage> {
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000, sanitizeFilter: true });
  conn.set('strictQuery', true);
  await conn.asPromise();
  logger?.info({ db: conn.name }, 'connected to MongoDB');
  const models = messagingModels(conn);
  const messaging = createMongoMessagingCore(models);
  const storage: Storage = {
    kind: 'mongo',
    users: createMongoUsersRepo(conn),
    sessions: createMongoSessionsRepo(conn),
    oneTimeTokens: createMongoOneTimeTokensRepo(conn),
    pendingRegistrations: createMongoRegistrationsRepo(conn),
    blocks: createMongoBlocksRepo(conn),
    identities: createMongoIdentitiesRepo(conn),
    conversations: createMongoConversationsRepo(messaging),
    participants: createMongoParticipantsRepo(messaging),
    messages: createMongoMessagesRepo(messaging),
    invites: createMongoInvitesRepo(messaging),
    media: createMongoMediaRepo(conn),
    sharedItems: createMongoSharedItemsRepo(conn, models),
    reports: createMongoReportsRepo(conn),
    auditLog: createMongoAuditLogRepo(conn),
    stats: createMongoStatsRepo(conn),
    linkPreviews: createMongoLinkPreviewsRepo(conn, models, messaging),
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
