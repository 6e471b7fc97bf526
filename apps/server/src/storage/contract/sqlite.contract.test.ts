import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import type { Storage } from '../ports.ts';
import { openSqliteStorage } from '../sqlite/sqlite-storage.ts';
import { abuseContract } from './abuse.contract.ts';
import { accountsContract } from './accounts.contract.ts';
import { identitiesContract } from './identities.contract.ts';
import { mediaContract } from './media.contract.ts';
import { messagingContract } from './messaging.contract.ts';
import { moderationContract } from './moderation.contract.ts';
import { pointsContract } from './points.contract.ts';
import { sendCrashContract } from './send-crash.contract.ts';
import { sharedItemsContract } from './shared-items.contract.ts';

/** A fresh SQLite file in its own temp dir per test; the dir goes away on close. */
async function openFresh(): Promise<Storage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-contract-'));
  const storage = openSqliteStorage(dir);
  return {
    ...storage,
    close: async () => {
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('sqlite adapter', () => {
  accountsContract(openFresh);
  messagingContract(openFresh);
  identitiesContract(openFresh);
  mediaContract(openFresh);
  moderationContract(openFresh);
  sharedItemsContract(openFresh);
  pointsContract(openFresh);
  abuseContract(openFresh);
  sendCrashContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-crash-'));
    return {
      open: async (options) => openSqliteStorage(dir, undefined, 'charla.sqlite', options),
      destroy: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  });
});
