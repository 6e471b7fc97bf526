import { randomUUID } from 'node:crypto';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { afterAll, beforeAll } from 'vitest';
import { openMongoStorage } from '../mongo/mongo-storage.ts';
import type { Storage } from '../ports.ts';
import { abuseContract } from './abuse.contract.ts';
import { accountsContract } from './accounts.contract.ts';
import { identitiesContract } from './identities.contract.ts';
import { linkPreviewsContract } from './link-previews.contract.ts';
import { mediaContract } from './media.contract.ts';
import { messagingContract } from './messaging.contract.ts';
import { moderationContract } from './moderation.contract.ts';
import { sharedItemsContract } from './shared-items.contract.ts';

/** MONGODB_URI, or (opt-in, CHARLA_MONGO_MEMORY=1) a mongod from mongodb-memory-server, which must be downloadable. */
let uri = process.env.MONGODB_URI;
const useMemoryServer = !uri && process.env.CHARLA_MONGO_MEMORY === '1';
let stopMemoryServer: (() => Promise<unknown>) | undefined;

/** A fresh database per test (random name on the given server), dropped on close. */
async function openFresh(): Promise<Storage> {
  const url = new URL(uri ?? '');
  url.pathname = `/charla_contract_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const storage = await openMongoStorage(url.toString());
  return {
    ...storage,
    close: async () => {
      const admin = mongoose.createConnection(url.toString());
      try {
        await admin.asPromise();
        await admin.dropDatabase();
      } finally {
        await admin.close();
        await storage.close();
      }
    },
  };
}

describeIf(Boolean(uri) || useMemoryServer, 'no MongoDB (set MONGODB_URI)', 'mongo adapter', () => {
  beforeAll(async () => {
    if (!useMemoryServer) return;
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const server = await MongoMemoryServer.create();
    uri = server.getUri();
    stopMemoryServer = () => server.stop();
  }, 300_000);
  afterAll(async () => {
    await stopMemoryServer?.();
  });
  accountsContract(openFresh);
  messagingContract(openFresh);
  identitiesContract(openFresh);
  mediaContract(openFresh);
  moderationContract(openFresh);
  sharedItemsContract(openFresh);
  linkPreviewsContract(openFresh);
  abuseContract(openFresh);
});
