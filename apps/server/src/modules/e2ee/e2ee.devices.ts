import { E2eeError, equalBytes, inspectKeyPackage, toBase64 } from '@charla/e2ee';
import {
  type ClaimedKeyPackages,
  E2EE_LIMITS,
  type E2eeDevice,
  type KeyPackageStatus,
  type registerDeviceRequestSchema,
  type uploadKeyPackagesRequestSchema,
} from '@charla/shared-types';
import type { z } from 'zod';
import { badRequest, conflict, notFound, unprocessable } from '../../http/errors.ts';
import { DuplicateKeyError, type E2eeDeviceRecord, type E2eeKeyPackageInput } from '../../storage/ports.ts';
import { inEverySpaceOf } from '../../storage/spaces/space-members.ts';
import type { RateLimiter } from '../realtime/realtime.rate-limit.ts';
import { requireEncryptedMember } from './e2ee.access.ts';
import { decodeBlob, toDeviceDto } from './e2ee.mapper.ts';
import type { E2eeDeps } from './e2ee.module.ts';

type RegisterBody = z.output<typeof registerDeviceRequestSchema>;
type UploadBody = z.output<typeof uploadKeyPackagesRequestSchema>;

export type ClaimLimiters = {
  /** Per (claimer, target device): retries after lost races, never a drain. */
  perDevice: RateLimiter;
  /** Per claimer across all targets. */
  perClaimer: RateLimiter;
};

/**
 * Devices and KeyPackages. A KeyPackage is accepted only if it parses, uses an allowed suite, and
 * carries this device's credential and registered signature key: a client cannot upload packages that
 * would add someone else's device, nor another suite than the server allows.
 */
export function createE2eeDevices(deps: E2eeDeps, limiters: ClaimLimiters) {
  const { storage, clock } = deps;

  async function ownDevice(userId: string, deviceId: string): Promise<E2eeDeviceRecord> {
    const d = await storage.e2ee.findDevice(deviceId);
    if (!d || d.userId !== userId || d.revokedAt) throw notFound('Device');
    return d;
  }

  /**
   * Members of the user's encrypted conversations reconcile their groups (new or revoked device):
   * a device is the account's, so its groups in every space the account is in.
   */
  async function announce(userId: string): Promise<void> {
    await inEverySpaceOf(storage, userId, async () => {
      for (const conversationId of await storage.e2ee.encryptedConversationsOf(userId))
        deps.fanout.toUsers(await deps.storage.participants.listUserIds(conversationId), 'e2ee:roster_stale', {
          conversationId,
        });
    });
  }

  async function verifyKeyPackage(
    device: E2eeDeviceRecord,
    value: string,
    field: string,
    lastResort: boolean,
  ): Promise<E2eeKeyPackageInput> {
    const data = decodeBlob(value, field, E2EE_LIMITS.keyPackageBytes);
    let info: Awaited<ReturnType<typeof inspectKeyPackage>>;
    try {
      info = await inspectKeyPackage(data);
    } catch (err) {
      if (err instanceof E2eeError) throw badRequest(`${field}: ${err.message}`, { [field]: [err.message] });
      throw err;
    }
    if (!deps.suites.includes(info.suite))
      throw unprocessable(`${field}: ciphersuite ${info.suite} is not allowed here`, {
        [field]: ['Suite not allowed'],
      });
    if (info.credential?.userId !== device.userId || info.credential.deviceId !== device.id)
      throw unprocessable(`${field}: the credential is not this device's`, { [field]: ['Wrong credential'] });
    if (!equalBytes(info.signatureKey, device.signatureKey))
      throw unprocessable(`${field}: signed with another key than the device's`, { [field]: ['Wrong signature key'] });
    return { ref: info.ref, data, lastResort };
  }

  async function upload(device: E2eeDeviceRecord, body: UploadBody): Promise<KeyPackageStatus> {
    const items: E2eeKeyPackageInput[] = [];
    for (const [i, value] of body.keyPackages.entries())
      items.push(await verifyKeyPackage(device, value, `keyPackages.${i}`, false));
    if (body.lastResort) items.push(await verifyKeyPackage(device, body.lastResort, 'lastResort', true));
    const res = await storage.e2ee.addKeyPackages(device.id, items, {
      maxPool: deps.keyPackagePool,
      now: clock.now(),
    });
    if (!res) throw notFound('Device');
    const status = await storage.e2ee.keyPackageStatus(device.id);
    return { ...status, added: res.added, refused: res.refused };
  }

  return {
    ownDevice,
    announce,

    async register(auth: { userId: string; sessionId: string }, body: RegisterBody): Promise<E2eeDevice> {
      const signatureKey = decodeBlob(body.signatureKey, 'signatureKey', E2EE_LIMITS.signatureKeyBytes);
      const active = await storage.e2ee.listDevices([auth.userId]);
      if (active.length >= E2EE_LIMITS.devicesPerUser)
        throw conflict(`At most ${E2EE_LIMITS.devicesPerUser} devices: remove one in Settings first`);
      let device: E2eeDeviceRecord;
      try {
        device = await storage.e2ee.registerDevice({
          id: body.deviceId,
          userId: auth.userId,
          sessionId: auth.sessionId,
          name: body.name,
          signatureKey,
          now: clock.now(),
        });
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw conflict('That device id is taken', { deviceId: ['Choose another device id'] });
        throw err;
      }
      if (body.keyPackages.length || body.lastResort) {
        try {
          await upload(device, body);
        } catch (err) {
          // A device whose packages were refused is useless: do not leave it half registered.
          await storage.e2ee.revokeDevice(device.id, clock.now());
          throw err;
        }
      }
      await announce(auth.userId);
      return toDeviceDto(device);
    },

    async mine(userId: string): Promise<E2eeDevice[]> {
      return (await storage.e2ee.listDevices([userId])).map((d) => toDeviceDto(d));
    },

    /** Public part of any device (for credential checks of old group members); no name. */
    async publicRecord(deviceId: string): Promise<E2eeDevice> {
      const d = await storage.e2ee.findDevice(deviceId);
      if (!d) throw notFound('Device');
      return toDeviceDto(d, false);
    },

    async revoke(userId: string, deviceId: string): Promise<void> {
      await ownDevice(userId, deviceId);
      await storage.e2ee.revokeDevice(deviceId, clock.now());
      await announce(userId);
    },

    /** Sign-out of a session revokes the devices it registered (their keys are wiped on the client). */
    async revokeSession(userId: string, sessionId: string): Promise<void> {
      const ids = await storage.e2ee.revokeSessionDevices(sessionId, clock.now());
      if (ids.length) await announce(userId);
    },

    async keyPackageStatus(userId: string, deviceId: string): Promise<KeyPackageStatus> {
      await ownDevice(userId, deviceId);
      return storage.e2ee.keyPackageStatus(deviceId);
    },

    async uploadKeyPackages(userId: string, deviceId: string, body: UploadBody): Promise<KeyPackageStatus> {
      return upload(await ownDevice(userId, deviceId), body);
    },

    /**
     * One KeyPackage per requested device that belongs to an active member and is not in the group
     * yet. Rate limited per (claimer, device) so nobody can drain a device's pool; when the pool is
     * empty the last-resort package keeps the device reachable.
     */
    async claim(userId: string, conversationId: string, deviceIds: string[]): Promise<ClaimedKeyPackages> {
      await requireEncryptedMember(storage, conversationId, userId);
      const [group, memberIds] = await Promise.all([
        storage.e2ee.findGroup(conversationId),
        storage.participants.listUserIds(conversationId),
      ]);
      const members = new Set(memberIds);
      const inGroup = new Set(group?.roster.map((r) => r.deviceId));
      const out: ClaimedKeyPackages = { keyPackages: [], unavailable: [] };
      for (const deviceId of new Set(deviceIds)) {
        const d = await storage.e2ee.findDevice(deviceId);
        if (!d || d.revokedAt || !members.has(d.userId)) {
          out.unavailable.push({ deviceId, reason: 'unknown_device' });
          continue;
        }
        if (inGroup.has(deviceId)) {
          out.unavailable.push({ deviceId, reason: 'already_in_group' });
          continue;
        }
        if (
          !deps.rateLimitsDisabled &&
          (!limiters.perDevice.take(`${userId}:${deviceId}`) || !limiters.perClaimer.take(userId))
        ) {
          out.unavailable.push({ deviceId, reason: 'rate_limited' });
          continue;
        }
        const kp = await storage.e2ee.claimKeyPackage(deviceId, clock.now());
        if (!kp) out.unavailable.push({ deviceId, reason: 'no_key_package' });
        else
          out.keyPackages.push({
            deviceId,
            userId: d.userId,
            keyPackage: toBase64(kp.data),
            lastResort: kp.lastResort,
          });
      }
      return out;
    },
  };
}
