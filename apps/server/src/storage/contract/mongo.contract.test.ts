import { randomUUID } from 'node:crypto';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe } from 'vitest';
import { supportsTransactions } from '../mongo/mongo-send-transaction.ts';
import { openMongoStorage } from '../mongo/mongo-storage.ts';
import type { Storage } from '../ports.ts';
import { mongoSpaceStorages } from '../spaces/space-storages.ts';
import { abuseContract } from './abuse.contract.ts';
import { accountsContract } from './accounts.contract.ts';
import { contactsContract } from './contacts.contract.ts';
import { discoveryContract } from './discovery.contract.ts';
import { e2eeContract } from './e2ee.contract.ts';
import { identitiesContract } from './identities.contract.ts';
import { linkPreviewsContract } from './link-previews.contract.ts';
import { mediaContract } from './media.contract.ts';
import { messagingContract } from './messaging.contract.ts';
import { moderationContract } from './moderation.contract.ts';
import { notificationsContract } from './notifications.contract.ts';
import { pointsContract } from './points.contract.ts';
import { type ReopenableStore, sendCrashContract } from './send-crash.contract.ts';
import { sharedItemsContract } from './shared-items.contract.ts';
import { socialLinksContract } from './social-links.contract.ts';
import { spaceLevelContracts } from './space-level.contract.ts';
import type { SpacesRig } from './space-scoped.ts';
import { spacesContract } from './spaces.contract.ts';
import { translationContract } from './translation.contract.ts';

/** MONGODB_URI, or (opt-in, CHARLA_MONGO_MEMORY=1) a mongod from mongodb-memory-server, which must be downloadable. */
let uri = process.env.MONGODB_URI;
const useMemoryServer = !uri && process.env.CHARLA_MONGO_MEMORY === '1';
let stopMemoryServer: (() => Promise<unknown>) | undefined;

const freshUrl = () => {
  const url = new URL(uri ?? '');
  url.pathname = `/charla_contract_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  return url.toString();
};

async function dropDatabase(url: string): Promise<void> {
  const admin = mongoose.createConnection(url);
  try {
    await admin.asPromise();
    await admin.dropDatabase();
  } finally {
    await admin.close();
  }
}

/** Whether MONGODB_URI is a replica set (or mongos): then sends run as transactions. */
async function isReplicaSet(): Promise<boolean> {
  if (!uri) return false;
  const c = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await c.asPromise();
    return await supportsTransactions(c);
  } catch {
    return false;
  } finally {
    await c.close();
  }
}
const replicaSet = await isReplicaSet();

/** A fresh database per test (random name on the given server), dropped on close. */
async function openFresh(): Promise<Storage> {
  const url = freshUrl();
  const storage = await openMongoStorage(url);
  return {
    ...storage,
    close: async () => {
      try {
        await dropDatabase(url);
      } finally {
        await storage.close();
      }
    },
  };
}

/** One database reopened as often as a test "restarts"; `transactions` as the adapter option. */
const reopenable = (transactions: 'auto' | 'off') => async (): Promise<ReopenableStore> => {
  const url = freshUrl();
  return {
    open: (options) => openMongoStorage(url, undefined, { ...options, transactions }),
    destroy: () => dropDatabase(url),
  };
};

/** A fresh home database with its spaces' databases on the same server (useDb), all dropped on destroy. */
async function mongoRig(): Promise<SpacesRig> {
  const url = freshUrl();
  const home = await openMongoStorage(url);
  const storages = mongoSpaceStorages(home, 4);
  const rig: SpacesRig = {
    home,
    storages,
    created: [],
    destroy: async () => {
      try {
        for (const space of rig.created) await storages.destroy(space);
        await storages.close();
        await dropDatabase(url);
      } finally {
        await home.close();
      }
    },
  };
  return rig;
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
  e2eeContract(openFresh);
  translationContract(openFresh);
  sharedItemsContract(openFresh);
  linkPreviewsContract(openFresh);
  contactsContract(openFresh);
  discoveryContract(openFresh);
  socialLinksContract(openFresh);
  pointsContract(openFresh);
  abuseContract(openFresh);
  notificationsContract(openFresh);
  spacesContract(openFresh);
  // The space-level contracts inside a space (a database per space, by useDb), and isolation.
  describe('inside a space', () => {
    spaceLevelContracts(mongoRig);
  });
  // The step sequence a standalone server runs (forced even on a replica set, so it is always tested).
  describe('without transactions', () => sendCrashContract(reopenable('off')));
});

describeIf(
  replicaSet,
  uri ? 'MONGODB_URI is a standalone server (transactions need a replica set)' : 'no MongoDB (set MONGODB_URI)',
  'mongo adapter with transactions',
  () => {
    sendCrashContract(reopenable('auto'));
  },
);
