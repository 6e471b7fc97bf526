import { randomUUID } from 'node:crypto';
import type {
  AppendApplicationResult,
  AppendCommitResult,
  E2eeGroupRecord,
  E2eeMessageRecord,
  E2eeRepo,
  E2eeWelcomeRecord,
  NewE2eeApplication,
  NewE2eeCommit,
} from '../ports.ts';
import type { MessagingCore } from './sqlite-messaging-core.ts';
import { dateOf } from './sqlite-util.ts';

type GroupRow = { conversation_id: string; epoch: number; created_at: number; updated_at: number };
type MessageRow = {
  id: string;
  conversation_id: string;
  seq: number;
  kind: E2eeMessageRecord['kind'];
  epoch: number;
  sender_id: string;
  sender_device_id: string;
  client_msg_id: string | null;
  data: Buffer;
  franking_tag: Buffer | null;
  created_at: number;
};
type WelcomeRow = {
  id: string;
  conversation_id: string;
  commit_seq: number;
  epoch: number;
  data: Buffer;
  created_at: number;
};

const toMessage = (r: MessageRow): E2eeMessageRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: r.seq,
  kind: r.kind,
  epoch: r.epoch,
  senderId: r.sender_id,
  senderDeviceId: r.sender_device_id,
  clientMsgId: r.client_msg_id,
  data: new Uint8Array(r.data),
  frankingTag: r.franking_tag ? new Uint8Array(r.franking_tag) : null,
  createdAt: dateOf(r.created_at),
});

const toWelcome = (r: WelcomeRow): E2eeWelcomeRecord => ({
  id: r.id,
  conversationId: r.conversation_id,
  commitSeq: r.commit_seq,
  epoch: r.epoch,
  data: new Uint8Array(r.data),
  createdAt: dateOf(r.created_at),
});

type MessagePart = Pick<
  E2eeRepo,
  | 'findGroup'
  | 'appendCommit'
  | 'appendApplication'
  | 'messagesAfter'
  | 'findMessages'
  | 'pendingWelcomes'
  | 'ackWelcome'
>;

/**
 * Groups, the ordered MLS message log and Welcomes. Every append is one IMMEDIATE transaction that
 * checks the epoch, takes the next seq from conversations.last_seq and appends its change rows: a
 * refused commit leaves nothing behind.
 */
export function createSqliteE2eeMessages(core: MessagingCore): MessagePart {
  const { db } = core;
  const groupById = db.prepare('SELECT * FROM e2ee_groups WHERE conversation_id = ?');
  const rosterOf = db.prepare(
    'SELECT device_id, user_id FROM e2ee_group_devices WHERE conversation_id = ? ORDER BY added_epoch, device_id',
  );
  const insertGroup = db.prepare(
    'INSERT INTO e2ee_groups (conversation_id, epoch, created_at, updated_at) VALUES (?, ?, ?, ?)',
  );
  const bumpEpoch = db.prepare(
    'UPDATE e2ee_groups SET epoch = epoch + 1, updated_at = ? WHERE conversation_id = ? AND epoch = ?',
  );
  const addRoster = db.prepare(
    `INSERT OR REPLACE INTO e2ee_group_devices (conversation_id, device_id, user_id, added_epoch)
     VALUES (?, ?, ?, ?)`,
  );
  const dropRoster = db.prepare('DELETE FROM e2ee_group_devices WHERE conversation_id = ? AND device_id = ?');
  const byHash = db.prepare('SELECT 1 FROM e2ee_messages WHERE conversation_id = ? AND data_hash = ?');
  const byClientId = db.prepare('SELECT * FROM e2ee_messages WHERE sender_device_id = ? AND client_msg_id = ?');
  const msgById = db.prepare('SELECT * FROM e2ee_messages WHERE id = ?');
  const msgsByIds = db.prepare('SELECT * FROM e2ee_messages WHERE id IN (SELECT value FROM json_each(?))');
  const nextSeq = db.prepare(
    'UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? AND deleted_at IS NULL RETURNING last_seq',
  );
  const nextSeqActive = db.prepare(
    `UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = MAX(last_activity_at, ?)
     WHERE id = ? AND deleted_at IS NULL RETURNING last_seq`,
  );
  const senderRead = db.prepare(
    `UPDATE participants SET last_read_seq = MAX(last_read_seq, @seq), last_delivered_seq = MAX(last_delivered_seq, @seq)
     WHERE conversation_id = @c AND user_id = @u AND left_at IS NULL`,
  );
  const insertMsg = db.prepare(
    `INSERT INTO e2ee_messages (id, conversation_id, seq, kind, epoch, sender_id, sender_device_id, client_msg_id,
       data, data_hash, franking_tag, created_at)
     VALUES (@id, @c, @seq, @kind, @epoch, @sender, @device, @clientMsgId, @data, @hash, @tag, @now)`,
  );
  const insertWelcome = db.prepare(
    'INSERT INTO e2ee_welcomes (id, conversation_id, commit_seq, epoch, data, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertRecipient = db.prepare(
    'INSERT OR IGNORE INTO e2ee_welcome_recipients (device_id, welcome_id, user_id) VALUES (?, ?, ?)',
  );
  const after = db.prepare('SELECT * FROM e2ee_messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  const pending = db.prepare(
    `SELECT w.* FROM e2ee_welcome_recipients r JOIN e2ee_welcomes w ON w.id = r.welcome_id
     WHERE r.device_id = ? ORDER BY w.commit_seq, w.id`,
  );
  const dropRecipient = db.prepare('DELETE FROM e2ee_welcome_recipients WHERE device_id = ? AND welcome_id = ?');
  const dropIfOrphan = db.prepare(
    'DELETE FROM e2ee_welcomes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM e2ee_welcome_recipients WHERE welcome_id = ?)',
  );

  const group = (conversationId: string): E2eeGroupRecord | null => {
    const row = groupById.get(conversationId) as GroupRow | undefined;
    if (!row) return null;
    return {
      conversationId,
      epoch: row.epoch,
      roster: (rosterOf.all(conversationId) as { device_id: string; user_id: string }[]).map((r) => ({
        deviceId: r.device_id,
        userId: r.user_id,
      })),
      createdAt: dateOf(row.created_at),
      updatedAt: dateOf(row.updated_at),
    };
  };

  const commitTx = db.transaction((input: NewE2eeCommit): AppendCommitResult => {
    const conv = core.conversation(input.conversationId);
    if (!conv || conv.deleted_at !== null) return { status: 'not_found' };
    const existing = groupById.get(input.conversationId) as GroupRow | undefined;
    const current = existing?.epoch ?? 0;
    if (input.epoch !== current) return { status: 'stale_epoch', currentEpoch: current };
    if (byHash.get(input.conversationId, input.dataHash)) return { status: 'duplicate' };
    const now = input.now.getTime();
    const seq = (nextSeq.get(input.conversationId) as { last_seq: number }).last_seq;
    const id = randomUUID();
    insertMsg.run({
      id,
      c: input.conversationId,
      seq,
      kind: 'commit',
      epoch: input.epoch,
      sender: input.senderId,
      device: input.senderDeviceId,
      clientMsgId: null,
      data: input.data,
      hash: input.dataHash,
      tag: null,
      now,
    });
    const next = input.epoch + 1;
    if (existing) bumpEpoch.run(now, input.conversationId, input.epoch);
    else {
      insertGroup.run(input.conversationId, next, now, now);
      addRoster.run(input.conversationId, input.senderDeviceId, input.senderId, 0);
    }
    for (const deviceId of input.removes) dropRoster.run(input.conversationId, deviceId);
    for (const a of input.adds) addRoster.run(input.conversationId, a.deviceId, a.userId, next);
    core.appendChange({
      conversationId: input.conversationId,
      type: 'e2ee.message',
      entityId: id,
      messageSeq: seq,
      actorId: input.senderId,
      data: { kind: 'commit', epoch: input.epoch, deviceId: input.senderDeviceId },
      now: input.now,
    });
    let welcomeId: string | null = null;
    if (input.welcome && input.adds.length > 0) {
      welcomeId = randomUUID();
      insertWelcome.run(welcomeId, input.conversationId, seq, next, input.welcome, now);
      for (const a of input.adds) insertRecipient.run(a.deviceId, welcomeId, a.userId);
      for (const userId of new Set(input.adds.map((a) => a.userId))) {
        core.appendChange({
          conversationId: input.conversationId,
          type: 'e2ee.welcome',
          entityId: welcomeId,
          actorId: input.senderId,
          audience: userId,
          data: { epoch: next, commitSeq: seq },
          now: input.now,
        });
      }
    }
    return {
      status: 'accepted',
      message: toMessage(msgById.get(id) as MessageRow),
      welcomeId,
      group: group(input.conversationId) as E2eeGroupRecord,
    };
  });

  const applicationTx = db.transaction((input: NewE2eeApplication): AppendApplicationResult => {
    const original = byClientId.get(input.senderDeviceId, input.clientMsgId) as MessageRow | undefined;
    if (original) return { status: 'accepted', message: toMessage(original), created: false };
    const conv = core.conversation(input.conversationId);
    if (!conv || conv.deleted_at !== null) return { status: 'not_found' };
    const g = groupById.get(input.conversationId) as GroupRow | undefined;
    if (!g) return { status: 'no_group' };
    if (input.epoch !== g.epoch) return { status: 'stale_epoch', currentEpoch: g.epoch };
    if (byHash.get(input.conversationId, input.dataHash)) return { status: 'duplicate' };
    const seq = (nextSeqActive.get(input.now.getTime(), input.conversationId) as { last_seq: number }).last_seq;
    const id = randomUUID();
    insertMsg.run({
      id,
      c: input.conversationId,
      seq,
      kind: 'application',
      epoch: input.epoch,
      sender: input.senderId,
      device: input.senderDeviceId,
      clientMsgId: input.clientMsgId,
      data: input.data,
      hash: input.dataHash,
      tag: input.frankingTag,
      now: input.now.getTime(),
    });
    senderRead.run({ seq, c: input.conversationId, u: input.senderId });
    core.appendChange({
      conversationId: input.conversationId,
      type: 'e2ee.message',
      entityId: id,
      messageSeq: seq,
      actorId: input.senderId,
      data: { kind: 'application', epoch: input.epoch, deviceId: input.senderDeviceId },
      now: input.now,
    });
    return { status: 'accepted', message: toMessage(msgById.get(id) as MessageRow), created: true };
  });

  const ackTx = db.transaction((welcomeId: string, deviceId: string) => {
    const gone = dropRecipient.run(deviceId, welcomeId).changes > 0;
    if (gone) dropIfOrphan.run(welcomeId, welcomeId);
    return gone;
  });

  return {
    findGroup: async (conversationId) => group(conversationId),
    appendCommit: async (input) => commitTx.immediate(input),
    appendApplication: async (input) => applicationTx.immediate(input),
    messagesAfter: async (conversationId, afterSeq, { limit, floor }) =>
      (
        after.all(
          conversationId,
          Math.max(afterSeq, floor),
          Math.max(1, Math.min(Math.floor(limit) || 1, 500)),
        ) as MessageRow[]
      ).map(toMessage),
    findMessages: async (ids) =>
      ids.length === 0 ? [] : (msgsByIds.all(JSON.stringify([...new Set(ids)])) as MessageRow[]).map(toMessage),
    pendingWelcomes: async (deviceId) => (pending.all(deviceId) as WelcomeRow[]).map(toWelcome),
    ackWelcome: async (welcomeId, deviceId) => ackTx.immediate(welcomeId, deviceId),
  };
}
