import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import type { Storage } from '../ports.ts';
import { sqliteSpaceStorages } from '../spaces/space-storages.ts';
import { openSqliteStorage } from '../sqlite/sqlite-storage.ts';
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
import { sendCrashContract } from './send-crash.contract.ts';
import { sharedItemsContract } from './shared-items.contract.ts';
import { socialLinksContract } from './social-links.contract.ts';
import { spaceLevelContracts } from './space-level.contract.ts';
import type { SpacesRig } from './space-scoped.ts';
import { spacesContract } from './spaces.contract.ts';
import { translationContract } from './translation.contract.ts';

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
  sendCrashContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-crash-'));
    return {
      open: async (options) => openSqliteStorage(dir, undefined, 'charla.sqlite', options),
      destroy: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  });
});

/** A home database in a temp dir with its spaces' files beside it (at most 4 open), as app.ts composes them. */
async function sqliteRig(): Promise<SpacesRig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-spaces-'));
  const home = openSqliteStorage(dir);
  const storages = sqliteSpaceStorages(dir, 4);
  return {
    home,
    storages,
    created: [],
    destroy: async () => {
      await storages.close();
      await home.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The space-level contracts again, each against a space's database reached through the scoped
// storage inside the space's scope (what every module sees in a request that entered a space).
describe('sqlite adapter, inside a space', () => {
  spaceLevelContracts(sqliteRig);
});
