import { trusted } from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import type { ClaimedKeyPackage, E2eeDeviceRecord, E2eeRepo } from '../ports.ts';
import { type E2eeDeviceDoc, type E2eeKeyPackageDoc, type E2eeModels, toBytes } from './mongo-e2ee-models.ts';
import { isDuplicateKey, type MessagingModels } from './mongo-messaging-models.ts';

const toDevice = (d: E2eeDeviceDoc): E2eeDeviceRecord => ({
  id: d._id,
  userId: d.userId,
  sessionId: d.sessionId ?? null,
  name: d.name,
  signatureKey: toBytes(d.signatureKey),
  createdAt: d.createdAt,
  revokedAt: d.revokedAt ?? null,
});

const toClaimed = (d: E2eeKeyPackageDoc): ClaimedKeyPackage => ({
  deviceId: d.deviceId,
  ref: d.ref,
  data: toBytes(d.data),
  lastResort: d.lastResort,
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

/**
 * Devices and KeyPackages. A claim is one findOneAndDelete, so concurrent claimers never share a
 * package. The pool cap counts then inserts: a single device uploading in parallel could overshoot it
 * by its own batch, which only costs it storage.
 */
export function createMongoE2eeDevices(models: E2eeModels, messaging: MessagingModels): DevicePart {
  const { Device, KeyPackage, Welcome } = models;
  const { Participant, Conversation } = messaging;
  const active = (id: string) => Device.findOne({ _id: String(id), revokedAt: null }).lean<E2eeDeviceDoc>();

  const revoke = async (id: string, now: Date): Promise<E2eeDeviceRecord | null> => {
    const d = await Device.findOneAndUpdate(
      { _id: String(id), revokedAt: null },
      { $set: { revokedAt: now } },
      { returnDocument: 'after' },
    ).lean<E2eeDeviceDoc>();
    if (!d) return null;
    await KeyPackage.deleteMany({ deviceId: d._id });
    await Welcome.updateMany({ 'recipients.deviceId': d._id }, { $pull: { recipients: { deviceId: d._id } } });
    await Welcome.deleteMany({ recipients: trusted({ $size: 0 }) });
    return toDevice(d);
  };

  return {
    registerDevice: async (input) => {
      const doc: E2eeDeviceDoc = {
        _id: String(input.id),
        userId: String(input.userId),
        sessionId: input.sessionId === null ? null : String(input.sessionId),
        name: String(input.name),
        signatureKey: Buffer.from(input.signatureKey),
        createdAt: input.now,
        revokedAt: null,
      };
      try {
        await Device.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateKeyError('id');
        throw err;
      }
      return toDevice(doc);
    },
    findDevice: async (id) => {
      const d = await Device.findOne({ _id: String(id) }).lean<E2eeDeviceDoc>();
      return d ? toDevice(d) : null;
    },
    listDevices: async (userIds, options) => {
      if (userIds.length === 0) return [];
      const filter: Record<string, unknown> = { userId: trusted({ $in: [...new Set(userIds.map(String))] }) };
      if (!options?.includeRevoked) filter.revokedAt = null;
      const docs = await Device.find(filter).sort({ createdAt: 1, _id: 1 }).lean<E2eeDeviceDoc[]>();
      return docs.map(toDevice);
    },
    revokeDevice: revoke,
    revokeSessionDevices: async (sessionId, now) => {
      const docs = await Device.find({ sessionId: String(sessionId), revokedAt: null }, { _id: 1 }).lean<
        { _id: string }[]
      >();
      const ids: string[] = [];
      for (const d of docs) if (await revoke(d._id, now)) ids.push(d._id);
      return ids;
    },
    encryptedConversationsOf: async (userId) => {
      const ids = (await Participant.distinct('conversationId', { userId: String(userId), leftAt: null })) as string[];
      if (ids.length === 0) return [];
      const convs = await Conversation.find(
        { _id: trusted({ $in: ids }), encrypted: true, deletedAt: null },
        { _id: 1 },
      ).lean<{ _id: string }[]>();
      return convs.map((c) => c._id).sort();
    },
    addKeyPackages: async (deviceId, items, { maxPool, now }) => {
      if (!(await active(deviceId))) return null;
      let available = await KeyPackage.countDocuments({ deviceId: String(deviceId), lastResort: false });
      let added = 0;
      let refused = 0;
      for (const item of items) {
        const doc: E2eeKeyPackageDoc = {
          _id: `${deviceId}:${item.ref}`,
          deviceId: String(deviceId),
          ref: String(item.ref),
          data: Buffer.from(item.data),
          lastResort: item.lastResort,
          createdAt: now,
        };
        if (item.lastResort) {
          await KeyPackage.deleteMany({ deviceId: doc.deviceId, lastResort: true });
        } else if (available >= maxPool) {
          refused += 1;
          continue;
        }
        try {
          await KeyPackage.create(doc);
          added += 1;
          if (!item.lastResort) available += 1;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      return { added, refused, available };
    },
    keyPackageStatus: async (deviceId) => ({
      available: await KeyPackage.countDocuments({ deviceId: String(deviceId), lastResort: false }),
      lastResort: (await KeyPackage.countDocuments({ deviceId: String(deviceId), lastResort: true })) > 0,
    }),
    claimKeyPackage: async (deviceId) => {
      if (!(await active(deviceId))) return null;
      const one = await KeyPackage.findOneAndDelete(
        { deviceId: String(deviceId), lastResort: false },
        { sort: { createdAt: 1, ref: 1 } },
      ).lean<E2eeKeyPackageDoc>();
      if (one) return toClaimed(one);
      const last = await KeyPackage.findOne({ deviceId: String(deviceId), lastResort: true }).lean<E2eeKeyPackageDoc>();
      return last ? toClaimed(last) : null;
    },
  };
}
