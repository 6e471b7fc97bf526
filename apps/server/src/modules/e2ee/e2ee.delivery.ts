import { equalBytes, groupIdFor, inspectFramed, inspectWelcome, sha256 } from '@charla/e2ee';
import {
  type CommitAccepted,
  E2EE_LIMITS,
  type E2eeEnvelope,
  type E2eeGroupState,
  type E2eeLogPage,
  type E2eeWelcome,
  type postCommitRequestSchema,
  type postE2eeMessageRequestSchema,
} from '@charla/shared-types';
import type { z } from 'zod';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import type { E2eeGroupRecord, E2eeRosterEntry } from '../../storage/ports.ts';
import { visibilityFloor } from '../messaging/conversations.access.ts';
import { directPeerId } from '../messaging/conversations.mapper.ts';
import { requirePost } from '../messaging/conversations.permissions.ts';
import { requireEncryptedMember } from './e2ee.access.ts';
import type { createE2eeDevices } from './e2ee.devices.ts';
import { decodeBlob, mlsInput, toDeviceDto, toEnvelope, toWelcomeDto } from './e2ee.mapper.ts';
import type { E2eeDeps } from './e2ee.module.ts';

type CommitBody = z.output<typeof postCommitRequestSchema>;
type MessageBody = z.output<typeof postE2eeMessageRequestSchema>;

const staleEpoch = (currentEpoch: number) =>
  new AppError(409, 'stale_epoch', `The group has moved on to epoch ${currentEpoch}: catch up and try again`, {
    details: { currentEpoch: [String(currentEpoch)] },
  });
const outOfDate = (message: string) => new AppError(409, 'group_out_of_date', message);

/**
 * The MLS Delivery Service: orders commits per epoch (first one wins, the rest get stale_epoch), holds
 * Welcomes until their commit is accepted and gives them to the added devices only, and accepts
 * application messages only from devices in the group, in its current epoch, once every device of a
 * member who left (or a revoked device) has been removed. It checks MLS framing, never content.
 */
export function createE2eeDelivery(deps: E2eeDeps, devices: ReturnType<typeof createE2eeDevices>) {
  const { storage, clock, fanout, serial, standing } = deps;

  /** Roster devices that must go: their user is no longer a member, or the device was revoked. */
  async function staleDevices(conversationId: string, roster: E2eeRosterEntry[]): Promise<string[]> {
    if (roster.length === 0) return [];
    const memberIds = new Set(await storage.participants.listUserIds(conversationId));
    const active = new Set(
      (await storage.e2ee.listDevices([...new Set(roster.map((r) => r.userId))])).map((d) => d.id),
    );
    return roster.filter((r) => !memberIds.has(r.userId) || !active.has(r.deviceId)).map((r) => r.deviceId);
  }

  function checkFraming(
    field: string,
    data: Uint8Array,
    conversationId: string,
    expect: { epoch: number; kind: 'commit' | 'application' },
  ) {
    const info = mlsInput(field, () => inspectFramed(data));
    if (info.contentType !== expect.kind) throw badRequest(`${field} is not an MLS ${expect.kind}`);
    if (expect.kind === 'application' && info.wire !== 'private')
      throw badRequest(`${field}: application messages must be encrypted (PrivateMessage)`);
    if (info.epoch !== expect.epoch) throw badRequest(`${field} is for epoch ${info.epoch}, not ${expect.epoch}`);
    if (!equalBytes(info.groupId, groupIdFor(conversationId))) throw badRequest(`${field} is for another group`);
    return info;
  }

  function requireInGroup(group: E2eeGroupRecord | null, deviceId: string): void {
    if (group && !group.roster.some((r) => r.deviceId === deviceId))
      throw forbidden('This device is not in the group yet: wait for a member to add it');
  }

  return {
    async groupState(userId: string, conversationId: string): Promise<E2eeGroupState> {
      await requireEncryptedMember(storage, conversationId, userId);
      const [group, memberIds] = await Promise.all([
        storage.e2ee.findGroup(conversationId),
        storage.participants.listUserIds(conversationId),
      ]);
      const all = await storage.e2ee.listDevices(memberIds);
      const roster = group?.roster ?? [];
      return {
        conversationId,
        exists: group !== null,
        epoch: group?.epoch ?? 0,
        roster,
        members: memberIds.map((id) => ({
          userId: id,
          devices: all.filter((d) => d.userId === id).map((d) => toDeviceDto(d)),
        })),
        staleDevices: await staleDevices(conversationId, roster),
      };
    },

    async commit(userId: string, conversationId: string, body: CommitBody): Promise<CommitAccepted> {
      await requireEncryptedMember(storage, conversationId, userId);
      const device = await devices.ownDevice(userId, body.deviceId);
      const data = decodeBlob(body.commit, 'commit', E2EE_LIMITS.commitBytes);
      checkFraming('commit', data, conversationId, { epoch: body.epoch, kind: 'commit' });
      const adds = [...new Set(body.adds)];
      const removes = [...new Set(body.removes)];
      if (adds.length > 0 !== (body.welcome !== null))
        throw badRequest(adds.length ? 'A commit that adds devices needs their Welcome' : 'A Welcome without adds');
      let welcome: Uint8Array | null = null;
      if (body.welcome !== null) {
        welcome = decodeBlob(body.welcome, 'welcome', E2EE_LIMITS.welcomeBytes);
        const w = mlsInput('welcome', () => inspectWelcome(welcome as Uint8Array));
        if (w.newMembers.length !== adds.length)
          throw badRequest(`The Welcome is for ${w.newMembers.length} devices, the commit adds ${adds.length}`);
      }
      const dataHash = await sha256(data);
      return serial(conversationId, async () => {
        const group = await storage.e2ee.findGroup(conversationId);
        // The epoch first: a commit that lost the race is stale, whatever else it says.
        const current = group?.epoch ?? 0;
        if (body.epoch !== current) throw staleEpoch(current);
        requireInGroup(group, device.id);
        const inGroup = new Set(group?.roster.map((r) => r.deviceId));
        const memberIds = new Set(await storage.participants.listUserIds(conversationId));
        const addEntries: E2eeRosterEntry[] = [];
        for (const id of adds) {
          const d = await storage.e2ee.findDevice(id);
          if (!d || d.revokedAt || !memberIds.has(d.userId) || inGroup.has(id) || id === device.id)
            throw badRequest(`Device ${id} cannot be added (not an active member's device, or already in)`, {
              adds: [id],
            });
          addEntries.push({ deviceId: id, userId: d.userId });
        }
        const stale = new Set(group ? await staleDevices(conversationId, group.roster) : []);
        for (const id of removes) {
          if (id === device.id) throw badRequest('A device cannot remove itself', { removes: [id] });
          if (!inGroup.has(id) || !stale.has(id))
            throw forbidden(`Device ${id} cannot be removed: only devices of former members or revoked devices`);
        }
        const res = await storage.e2ee.appendCommit({
          conversationId,
          senderId: userId,
          senderDeviceId: device.id,
          epoch: body.epoch,
          data,
          dataHash,
          adds: addEntries,
          removes,
          welcome,
          now: clock.now(),
        });
        if (res.status === 'stale_epoch') throw staleEpoch(res.currentEpoch);
        if (res.status === 'duplicate') throw conflict('This commit was already delivered (replay)');
        if (res.status === 'not_found') throw notFound('Conversation');
        const conv = await storage.conversations.findById(conversationId);
        const changeSeq = conv?.changeSeq ?? 0;
        const envelope = toEnvelope(res.message);
        fanout.toUsers(await storage.participants.listUserIds(conversationId), 'e2ee:message', {
          conversationId,
          message: envelope,
          changeSeq,
        });
        if (res.welcomeId)
          fanout.toUsers([...new Set(addEntries.map((a) => a.userId))], 'e2ee:welcome', {
            conversationId,
            welcomeId: res.welcomeId,
            deviceIds: addEntries.map((a) => a.deviceId),
            changeSeq,
          });
        return { message: envelope, epoch: res.group.epoch };
      });
    },

    async send(
      userId: string,
      conversationId: string,
      body: MessageBody,
    ): Promise<{ message: E2eeEnvelope; created: boolean }> {
      const m = await requireEncryptedMember(storage, conversationId, userId);
      // Every application message is a post to the server (it cannot tell a reaction from text):
      // announcement mode and ALLOW_UNVERIFIED_CHAT hold here as on the plain send path.
      requirePost(m.conversation, m.me, await standing(userId));
      const peerId = directPeerId(m.conversation, userId);
      if (peerId && (await storage.blocks.isBlockedEitherWay(userId, peerId)))
        throw forbidden('You cannot message this user');
      const device = await devices.ownDevice(userId, body.deviceId);
      const data = decodeBlob(body.ciphertext, 'ciphertext', E2EE_LIMITS.applicationBytes);
      const tag = decodeBlob(body.frankingTag, 'frankingTag', E2EE_LIMITS.frankingTagBytes);
      if (tag.length !== E2EE_LIMITS.frankingTagBytes)
        throw badRequest('frankingTag must be 32 bytes', { frankingTag: ['Must be 32 bytes'] });
      const info = checkFraming('ciphertext', data, conversationId, { epoch: body.epoch, kind: 'application' });
      // The commitment in clear must be the one the sender sealed into the message (MLS authenticated
      // data), so a reported message can be tied to this exact ciphertext.
      if (!equalBytes(info.aad, tag))
        throw badRequest('frankingTag does not match the message', { frankingTag: ['Mismatch'] });
      const dataHash = await sha256(data);
      return serial(conversationId, async () => {
        const group = await storage.e2ee.findGroup(conversationId);
        if (!group) throw outOfDate('The encrypted group does not exist yet: create it first');
        requireInGroup(group, device.id);
        if ((await staleDevices(conversationId, group.roster)).length)
          throw outOfDate('Devices of people who left are still in the group: remove them first');
        const res = await storage.e2ee.appendApplication({
          conversationId,
          senderId: userId,
          senderDeviceId: device.id,
          epoch: body.epoch,
          data,
          dataHash,
          frankingTag: tag,
          clientMsgId: body.clientMsgId,
          now: clock.now(),
        });
        if (res.status === 'stale_epoch') throw staleEpoch(res.currentEpoch);
        if (res.status === 'duplicate') throw conflict('This message was already delivered (replay)');
        if (res.status === 'no_group') throw outOfDate('The encrypted group does not exist yet: create it first');
        if (res.status === 'not_found') throw notFound('Conversation');
        const envelope = toEnvelope(res.message);
        if (res.created) {
          const changeSeq = (await storage.conversations.findById(conversationId))?.changeSeq ?? 0;
          fanout.toUsers(await storage.participants.listUserIds(conversationId), 'e2ee:message', {
            conversationId,
            message: envelope,
            changeSeq,
          });
        }
        return { message: envelope, created: res.created };
      });
    },

    async log(userId: string, conversationId: string, after: number, limit: number): Promise<E2eeLogPage> {
      const { conversation, me } = await requireEncryptedMember(storage, conversationId, userId);
      const items = await storage.e2ee.messagesAfter(conversationId, after, {
        limit: limit + 1,
        floor: visibilityFloor(conversation, me),
      });
      return { items: items.slice(0, limit).map(toEnvelope), hasMore: items.length > limit };
    },

    async welcomes(userId: string, deviceId: string): Promise<E2eeWelcome[]> {
      await devices.ownDevice(userId, deviceId);
      return (await storage.e2ee.pendingWelcomes(deviceId)).map(toWelcomeDto);
    },

    async ackWelcome(userId: string, welcomeId: string, deviceId: string): Promise<void> {
      await devices.ownDevice(userId, deviceId);
      if (!(await storage.e2ee.ackWelcome(welcomeId, deviceId))) throw notFound('Welcome');
    },
  };
}
