import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Storage } from './ports.ts';

/** Picks the adapter: MongoDB when MONGODB_URI is set, the embedded SQLite file otherwise. */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (config.MONGODB_URI) {
    const { openMongoStorage } = await import('./mongo/mongo-storage.ts');
    return openMongoStorage(config.MONGODB_URI, logger);
  }
  const { openSqliteStorage } = await import('./sqlite/sqlite-storage.ts');
  return openSqliteStorage(config.dataDir, logger);
}
