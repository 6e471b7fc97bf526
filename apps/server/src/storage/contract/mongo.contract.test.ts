import { randomUUID } from 'node:crypto';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { openMongoStorage } from '../mongo/mongo-storage.ts';
import type { Storage } from '../ports.ts';
import { identitiesContract } from './identities.contract.ts';
import { messagingContract } from './messaging.contract.ts';

const uri = process.env.MONGODB_URI;

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

describeIf(Boolean(uri), 'no MongoDB (set MONGODB_URI)', 'mongo adapter', () => {
  messagingContract(openFresh);
  identitiesContract(openFresh);
});
