import mongoose from 'mongoose';
import type { Logger } from 'pino';
import type { Storage } from '../ports.ts';
import { createMongoIdentitiesRepo } from './mongo-identities.ts';
import { createMongoMediaRepo } from './mongo-media.ts';

/** Connects with strict queries and filter sanitising, so no `$` operator from a request reaches a query. */
export async function openMongoStorage(uri: string, logger?: Logger): Promise<Storage> {
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000, sanitizeFilter: true });
  conn.set('strictQuery', true);
  await conn.asPromise();
  logger?.info({ db: conn.name }, 'connected to MongoDB');
  return {
    kind: 'mongo',
    identities: createMongoIdentitiesRepo(conn),
    media: createMongoMediaRepo(conn),
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
}
