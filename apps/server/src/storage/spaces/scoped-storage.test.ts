import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpace, type SpacesRig, viewIn } from '../contract/space-scoped.ts';
import type { Storage, UserRecord } from '../ports.ts';
import { openSqliteStorage } from '../sqlite/sqlite-storage.ts';
import { sqliteSpaceStorages } from './space-storages.ts';

/** What the scoped storage keeps account-wide although its repository lives in each space. */
describe('scoped storage: account-wide parts of space repositories', () => {
  let rig: SpacesRig;
  let A: Storage;
  let B: Storage;
  let home: Storage;
  let ana: UserRecord;
  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-scoped-'));
    const homeStorage = openSqliteStorage(dir);
    const storages = sqliteSpaceStorages(dir, 4);
    rig = {
      home: homeStorage,
      storages,
      created: [],
      destroy: async () => {
        await storages.close();
        await homeStorage.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    const a = await createSpace(rig, 'Alpha');
    const b = await createSpace(rig, 'Beta');
    [A, B, home] = [viewIn(rig, a), viewIn(rig, b), viewIn(rig, null)];
    ana = await A.users.create({
      email: 'ana@example.com',
      username: 'ana',
      displayName: 'Ana',
      passwordHash: null,
      role: 'user',
    });
    await rig.storages.admit(b, [ana.id]);
  });
  afterEach(async () => {
    await rig.destroy();
  });

  it('counts translation quotas once for the account and the site, whatever space the text was in', async () => {
    const day = '2026-07-01';
    const reserve = (s: Storage, chars: number) =>
      s.translations.reserve({ userId: ana.id, day, chars, userLimit: 1000, globalLimit: 1500 });
    expect(await reserve(A, 600)).toEqual({ ok: true });
    expect(await reserve(B, 300)).toEqual({ ok: true });
    // Another space is no fresh allowance: 600 + 300 + 200 passes the user's 1,000.
    expect(await reserve(B, 200)).toEqual({ ok: false, exceeded: 'user' });
    for (const s of [A, B, home]) expect(await s.translations.usage(ana.id, day)).toEqual({ user: 900, global: 900 });
    await B.translations.release({ userId: ana.id, day, chars: 300 });
    expect(await home.translations.usage(ana.id, day)).toEqual({ user: 600, global: 600 });
  });

  it('hands a revoked device none of its pending Welcomes in a space', async () => {
    const device = await home.e2ee.registerDevice({
      id: 'dev-ana-1',
      userId: ana.id,
      sessionId: null,
      name: 'Laptop',
      signatureKey: Buffer.alloc(32, 1),
      now: new Date(),
    });
    expect(device.id).toBe('dev-ana-1');
    // The device is the account's: every space sees it; revoking it is seen everywhere.
    expect((await A.e2ee.findDevice('dev-ana-1'))?.userId).toBe(ana.id);
    await B.e2ee.revokeDevice('dev-ana-1', new Date());
    expect((await A.e2ee.findDevice('dev-ana-1'))?.revokedAt).not.toBeNull();
    expect(await A.e2ee.pendingWelcomes('dev-ana-1')).toEqual([]);
    expect(await A.e2ee.pendingWelcomes('no-such-device')).toEqual([]);
  });
});
