import type { Database } from 'better-sqlite3';
import { DuplicateKeyError } from '../errors.ts';
import type { ClaimedKeyPackage, E2eeDeviceRecord, E2eeRepo } from '../ports.ts';
import { date, dateOf, rethrowUnique } from './sqlite-util.ts';

type DeviceRow = {
  id: string;
  user_id: string;
  session_id: string | null;
  name: string;
  signature_key: Buffer;
  created_at: number;
  revoked_at: number | null;
};

type KeyPackageRow = { device_id: string; ref: string; data: Buffer; last_resort: number };

const toDevice = (r: DeviceRow): E2eeDeviceRecord => ({
  id: r.id,
  userId: r.user_id,
  sessionId: r.session_id,
  name: r.name,
  signatureKey: new Uint8Array(r.signature_key),
  createdAt: dateOf(r.created_at),
  revokedAt: date(r.revoked_at),
});

const toClaimed = (r: KeyPackageRow): ClaimedKeyPackage => ({
  deviceId: r.device_id,
  ref: r.ref,
  data: new Uint8Array(r.data),
  lastResort: r.last_resort === 1,
});

type DevicePart = Pick<
  E2eeRepo,
  | 'registerDevice'
  | 'findDevice'
  | 'listDevices'
  | 'revokeDevice'
  | 'revokeSessionDevices'
  | 'encryptedConversationsOf'
  | 'addKeyPackages'
  | 'keyPackageStatus'
  | 'claimKeyPackage'
>;

/** Devices and their KeyPackages. Claims run in IMMEDIATE transactions: one claimer per package. */
export function createSqliteE2eeDevices(db: Database): DevicePart {
  const insertDevice = db.prepare(
    `INSERT INTO e2ee_devices (id, user_id, session_id, name, signature_key, created_at)
     VALUES (@id, @userId, @sessionId, @name, @key, @now)`,
  );
  const deviceById = db.prepare('SELECT * FROM e2ee_devices WHERE id = ?');
  const devicesOf = db.prepare(
    `SELECT * FROM e2ee_devices WHERE user_id IN (SELECT value FROM json_each(@ids))
       AND (@all = 1 OR revoked_at IS NULL) ORDER BY created_at, id`,
  );
  const markRevoked = db.prepare('UPDATE e2ee_devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const dropPackages = db.prepare('DELETE FROM e2ee_key_packages WHERE device_id = ?');
  const dropRecipient = db.prepare('DELETE FROM e2ee_welcome_recipients WHERE device_id = ?');
  const dropOrphanWelcomes = db.prepare(
    'DELETE FROM e2ee_welcomes WHERE NOT EXISTS (SELECT 1 FROM e2ee_welcome_recipients r WHERE r.welcome_id = e2ee_welcomes.id)',
  );
  const sessionDevices = db.prepare('SELECT id FROM e2ee_devices WHERE session_id = ? AND revoked_at IS NULL').pluck();
  const encryptedOf = db
    .prepare(
      `SELECT p.conversation_id FROM participants p JOIN conversations c ON c.id = p.conversation_id
       WHERE p.user_id = ? AND p.left_at IS NULL AND c.encrypted = 1 AND c.deleted_at IS NULL
       ORDER BY p.conversation_id`,
    )
    .pluck();
  const countPool = db
    .prepare('SELECT COUNT(*) FROM e2ee_key_packages WHERE device_id = ? AND last_resort = 0')
    .pluck();
  const hasLastResort = db
    .prepare('SELECT COUNT(*) FROM e2ee_key_packages WHERE device_id = ? AND last_resort = 1')
    .pluck();
  const insertPackage = db.prepare(
    `INSERT OR IGNORE INTO e2ee_key_packages (device_id, ref, data, last_resort, created_at)
     VALUES (@deviceId, @ref, @data, @lastResort, @now)`,
  );
  const dropLastResort = db.prepare('DELETE FROM e2ee_key_packages WHERE device_id = ? AND last_resort = 1');
  const oldestOneTime = db.prepare(
    `SELECT * FROM e2ee_key_packages WHERE device_id = ? AND last_resort = 0 ORDER BY created_at, ref LIMIT 1`,
  );
  const lastResortOf = db.prepare('SELECT * FROM e2ee_key_packages WHERE device_id = ? AND last_resort = 1');
  const dropPackage = db.prepare('DELETE FROM e2ee_key_packages WHERE device_id = ? AND ref = ?');

  const active = (id: string): DeviceRow | null => {
    const row = deviceById.get(id) as DeviceRow | undefined;
    return row && row.revoked_at === null ? row : null;
  };

  const revokeTx = db.transaction((id: string, now: Date): E2eeDeviceRecord | null => {
    if (markRevoked.run(now.getTime(), id).changes === 0) return null;
    dropPackages.run(id);
    dropRecipient.run(id);
    dropOrphanWelcomes.run();
    return toDevice(deviceById.get(id) as DeviceRow);
  });

  const addTx = db.transaction(
    (deviceId: string, items: Parameters<DevicePart['addKeyPackages']>[1], maxPool: number, now: Date) => {
      if (!active(deviceId)) return null;
      let available = countPool.get(deviceId) as number;
      let added = 0;
      let refused = 0;
      for (const item of items) {
        const row = {
          deviceId,
          ref: item.ref,
          data: item.data,
          lastResort: item.lastResort ? 1 : 0,
          now: now.getTime(),
        };
        if (item.lastResort) {
          dropLastResort.run(deviceId);
          if (insertPackage.run(row).changes > 0) added += 1;
        } else if (available >= maxPool) {
          refused += 1;
        } else if (insertPackage.run(row).changes > 0) {
          added += 1;
          available += 1;
        }
      }
      return { added, refused, available };
    },
  );

  const claimTx = db.transaction((deviceId: string): ClaimedKeyPackage | null => {
    if (!active(deviceId)) return null;
    const one = oldestOneTime.get(deviceId) as KeyPackageRow | undefined;
    if (one) {
      dropPackage.run(deviceId, one.ref);
      return toClaimed(one);
    }
    const last = lastResortOf.get(deviceId) as KeyPackageRow | undefined;
    return last ? toClaimed(last) : null;
  });

  return {
    registerDevice: async (input) => {
      try {
        insertDevice.run({
          id: input.id,
          userId: input.userId,
          sessionId: input.sessionId,
          name: input.name,
          key: input.signatureKey,
          now: input.now.getTime(),
        });
      } catch (err) {
        // The id is the primary key, which SQLite reports as its own constraint kind.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateKeyError('id');
        rethrowUnique(err, { id: 'id' });
      }
      return toDevice(deviceById.get(input.id) as DeviceRow);
    },
    findDevice: async (id) => {
      const row = deviceById.get(id) as DeviceRow | undefined;
      return row ? toDevice(row) : null;
    },
    listDevices: async (userIds, options) =>
      userIds.length === 0
        ? []
        : (
            devicesOf.all({
              ids: JSON.stringify([...new Set(userIds)]),
              all: options?.includeRevoked ? 1 : 0,
            }) as DeviceRow[]
          ).map(toDevice),
    revokeDevice: async (id, now) => revokeTx.immediate(id, now),
    revokeSessionDevices: async (sessionId, now) => {
      const ids = sessionDevices.all(sessionId) as string[];
      for (const id of ids) revokeTx.immediate(id, now);
      return ids;
    },
    encryptedConversationsOf: async (userId) => encryptedOf.all(userId) as string[],
    addKeyPackages: async (deviceId, items, { maxPool, now }) => addTx.immediate(deviceId, items, maxPool, now),
    keyPackageStatus: async (deviceId) => ({
      available: countPool.get(deviceId) as number,
      lastResort: (hasLastResort.get(deviceId) as number) > 0,
    }),
    claimKeyPackage: async (deviceId) => claimTx.immediate(deviceId),
  };
}
