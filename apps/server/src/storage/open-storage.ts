import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { StorageStartError } from './errors.ts';
import type { Storage } from './ports.ts';

export { StorageStartError };

/** Fails fast, naming DATA_DIR, when the data directory cannot be created or written. */
export function assertDataDirWritable(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK | fs.constants.R_OK);
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unknown error';
    throw new StorageStartError(`DATA_DIR ${dataDir} is not a writable directory (${reason})`, { cause: err });
  }
}

/** Picks the adapter: MongoDB when MONGODB_URI is set, the embedded SQLite file otherwise. */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  assertDataDirWritable(config.dataDir);
  if (config.MONGODB_URI) {
    const { openMongoStorage } = await import('./mongo/mongo-storage.ts');
    try {
      return await openMongoStorage(config.MONGODB_URI, logger);
    } catch (err) {
      // The adapter names what failed (connection, an index, a start-up step); anything else is ours.
      if (err instanceof StorageStartError) throw err;
      throw new StorageStartError(
        `MONGODB_URI: cannot open the MongoDB storage (${err instanceof Error ? err.message : 'unknown error'})`,
        { cause: err },
      );
    }
  }
  const { openSqliteStorage } = await import('./sqlite/sqlite-storage.ts');
  try {
    return openSqliteStorage(config.dataDir, logger);
  } catch (err) {
    throw new StorageStartError(
      `DATA_DIR ${config.dataDir}: cannot open the SQLite database (${err instanceof Error ? err.message : 'unknown error'})`,
      { cause: err },
    );
  }
}
