import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Connection, trusted } from 'mongoose';
import { type AdapterOptions, DEFAULT_STALE_SEND_MS, type SendCrashPoint } from '../adapter-options.ts';
import { StorageUnavailableError } from '../errors.ts';
import type { Committed, NewMessage, SendResult } from '../ports.ts';
import { newMessageDoc } from './mongo-message-doc.ts';
import { MAX_HOLE_SCAN, type MongoMessagingCore } from './mongo-messaging-core.ts';
import {
  type ConversationDoc,
  isDuplicateKey,
  type MessageDoc,
  type PendingSend,
  toMessage,
} from './mongo-messaging-models.ts';
import { supportsTransactions, withTransactions } from './mongo-send-transaction.ts';

/** A send's outcome before the repo adds the counter and members (mongo-messages.ts). */
export type Sent = Omit<SendResult, keyof Committed>;
export type SendStep = (input: NewMessage) => Promise<Sent | null>;

/** How long a retry waits for a live earlier attempt of the same send before answering 503. */
const WAIT_FOR_LIVE_SEND_MS = 3_000;

type Finished = MessageDoc & { seq: number };
type Outcome = Finished | 'lost' | 'gone';

export type MongoSend = {
  send: SendStep;
  /** Finishes every send cut short more than staleSendMs ago; returns how many it finished or dropped. */
  sweep(): Promise<number>;
  /** Asks the server whether sends can use transactions (with options.transactions 'auto'). */
  detectTransactions(): Promise<boolean>;
};

/*
 * Sending on a server without multi-document transactions is a sequence of single-document
 * atomic steps, each of which a crash can interrupt:
 *
 *   claimed         insert the row with `pending` (owner, time, counters before) and no seq:
 *                   the unique (senderId, clientMsgId) index makes every retry find this row
 *   reserved        $inc lastSeq: hands out the number exactly once
 *   stamped         write the seq on the row (only while we still own it)
 *   activity        members' lastActivityAt, the sender's receipts (idempotent $max)
 *   change-written  append message.created (skipped if already there)
 *   done            clear `pending`
 *
 * A row whose `pending` is older than staleSendMs belongs to a dead writer. A retry of the same
 * clientMsgId, or the sweep, takes it over with a compare-and-set on (owner, time) and runs the
 * remaining steps: a reserved seq that never reached the row is a hole in (seqFloor, lastSeq],
 * which the row claims back (the unique (conversationId, seq) index arbitrates against anyone else);
 * any other hole there gets a tombstone, so history stays gapless. Holes in the change feed get a
 * filler nobody sees. A takeover reports the message as created, because the caller that started
 * it never got an answer and nobody published it.
 *
 * On a replica set the same send runs as one transaction instead (sendInTransaction).
 */
export function createMongoSend(core: MongoMessagingCore, conn: Connection, options: AdapterOptions): MongoSend {
  const { Conversation, Participant, Message, Change } = core.models;
  const staleMs = options.staleSendMs ?? DEFAULT_STALE_SEND_MS;
  const fault = (point: SendCrashPoint) => options.sendFault?.(point);
  const isStale = (p: PendingSend) => Date.now() - new Date(p.at).getTime() >= staleMs;

  /** Seqs in (after, upTo] with no message row (bounded scan over the (conversationId, seq) index). */
  const seqHoles = async (conversationId: string, after: number, upTo: number): Promise<number[]> => {
    const top = Math.min(upTo, after + MAX_HOLE_SCAN);
    if (top <= after) return [];
    const rows = await Message.find(
      { conversationId, seq: trusted({ $gt: after, $lte: top }) },
      { seq: 1, _id: 0 },
    ).lean<{ seq: number }[]>();
    const have = new Set(rows.map((r) => r.seq));
    const holes: number[] = [];
    for (let seq = after + 1; seq <= top; seq++) if (!have.has(seq)) holes.push(seq);
    return holes;
  };

  /** A seq nobody will ever write: an empty, deleted system row keeps history gapless. */
  const tombstone = async (m: MessageDoc, seq: number): Promise<void> => {
    const id = randomUUID();
    const now = new Date();
    try {
      await Message.create({
        _id: id,
        conversationId: m.conversationId,
        seq,
        senderId: m.senderId,
        clientMsgId: null,
        kind: 'system',
        text: '',
        attachments: [],
        replyTo: null,
        forwardedFrom: null,
        mentions: [],
        system: null,
        reactions: [],
        editedAt: null,
        deletedAt: now,
        createdAt: now,
        pending: null,
        terms: [],
      } satisfies MessageDoc);
    } catch (err) {
      if (isDuplicateKey(err)) return; // someone wrote that seq after all
      throw err;
    }
    await core.appendChange({
      conversationId: m.conversationId,
      type: 'message.created',
      entityId: id,
      messageSeq: seq,
      actorId: null,
      now,
    });
  };

  /** Writes `seq` on the row if it still has none and `owner` still owns it. */
  const stamp = async (m: MessageDoc, owner: string, seq: number): Promise<'ok' | 'lost' | 'taken'> => {
    try {
      const res = await Message.updateOne({ _id: m._id, seq: null, 'pending.owner': owner }, { $set: { seq } });
      return res.matchedCount === 1 ? 'ok' : 'lost';
    } catch (err) {
      if (isDuplicateKey(err)) return 'taken';
      throw err;
    }
  };

  /** Claims a seq for the row: a hole a dead owner left, else a fresh one. Tombstones other holes. */
  const assignSeq = async (
    m: MessageDoc,
    owner: string,
    p: PendingSend,
    takeover: boolean,
  ): Promise<number | 'lost' | 'gone'> => {
    let seq: number | null = null;
    if (takeover) {
      // A takeover: holes in (seqFloor, lastSeq] were reserved by writers that did not finish.
      const conv = await Conversation.findOne({ _id: m.conversationId }, { lastSeq: 1 }).lean<
        Pick<ConversationDoc, 'lastSeq'>
      >();
      for (const hole of conv ? await seqHoles(m.conversationId, p.seqFloor, conv.lastSeq) : []) {
        if (seq === null) {
          const r = await stamp(m, owner, hole);
          if (r === 'lost') return 'lost';
          if (r === 'ok') seq = hole;
        } else {
          await tombstone(m, hole);
        }
      }
      if (seq !== null) {
        await Conversation.updateOne({ _id: m.conversationId }, { $max: { lastActivityAt: m.createdAt } });
        return seq;
      }
    }
    for (;;) {
      const bumped = await Conversation.findOneAndUpdate(
        { _id: m.conversationId, deletedAt: null },
        { $inc: { lastSeq: 1 }, $max: { lastActivityAt: m.createdAt } },
        { returnDocument: 'after', projection: { lastSeq: 1 } },
      ).lean<Pick<ConversationDoc, '_id' | 'lastSeq'>>();
      if (!bumped) {
        // Deleted meanwhile: nothing was reserved, the row goes.
        await Message.deleteOne({ _id: m._id, seq: null, 'pending.owner': owner });
        return 'gone';
      }
      fault('reserved');
      const r = await stamp(m, owner, bumped.lastSeq);
      if (r === 'ok') return bumped.lastSeq;
      if (r === 'lost') {
        // Taken over while we held a reservation: give the number back as a tombstone.
        await tombstone(m, bumped.lastSeq);
        return 'lost';
      }
      // 'taken': a takeover tombstoned our reserved number; reserve another.
    }
  };

  /**
   * The steps after `claimed`, for the owner of the row; every one is safe to run twice.
   * `takeover`: the row was started by a writer that died, so look for what it left half done.
   */
  const finish = async (m: MessageDoc, owner: string, takeover: boolean): Promise<Outcome> => {
    const p = m.pending as PendingSend;
    let seq = m.seq;
    if (seq === null) {
      const assigned = await assignSeq(m, owner, p, takeover);
      if (typeof assigned !== 'number') return assigned;
      seq = assigned;
    }
    fault('stamped');
    const when = m.createdAt;
    await Participant.updateMany({ conversationId: m.conversationId }, { $max: { lastActivityAt: when } });
    await Participant.updateOne(
      { conversationId: m.conversationId, userId: m.senderId, leftAt: null },
      { $max: { lastReadSeq: seq, lastDeliveredSeq: seq } },
    );
    fault('activity');
    // Only a takeover can find the entry already written (by the writer that died after it).
    const written =
      takeover &&
      (await Change.exists({
        conversationId: m.conversationId,
        changeSeq: trusted({ $gt: p.changeFloor }),
        type: 'message.created',
        entityId: m._id,
        audience: null,
      }));
    if (!written) {
      if (takeover) {
        // A dead owner may have reserved a changeSeq it never wrote: let readers past it now.
        const conv = await core.conversation(m.conversationId);
        if (conv) await core.fillChangeHoles(m.conversationId, p.changeFloor, conv.changeSeq, new Date());
      }
      await core.appendChange(
        {
          conversationId: m.conversationId,
          type: 'message.created',
          entityId: m._id,
          messageSeq: seq,
          actorId: m.senderId,
          now: m.createdAt,
        },
        { afterReserve: () => fault('change-reserved') },
      );
    }
    fault('change-written');
    return { ...m, seq };
  };

  /** Marks the send finished; true when `owner` still owned it (so its caller publishes it). */
  const release = async (m: MessageDoc, owner: string, done: 'cleared' | 'done'): Promise<boolean> => {
    const res = await Message.updateOne(
      { _id: m._id, 'pending.owner': owner },
      done === 'cleared' ? { $set: { pending: null } } : { $set: { 'pending.done': true } },
    );
    return res.matchedCount === 1;
  };

  const takeOver = (m: MessageDoc, owner: string) =>
    Message.findOneAndUpdate(
      { _id: m._id, 'pending.owner': m.pending?.owner, 'pending.at': m.pending?.at, 'pending.done': false },
      { $set: { 'pending.owner': owner, 'pending.at': new Date() } },
      { returnDocument: 'after' },
    ).lean<MessageDoc>();

  /** Turns an owner's finished send into the port's answer. */
  const settle = async (r: Outcome, owner: string): Promise<Sent | null | undefined> => {
    if (r === 'gone') return null;
    if (r === 'lost') return undefined; // someone else finishes and publishes it: look again
    const created = await release(r, owner, 'cleared');
    return { message: toMessage({ ...r, pending: null }), created };
  };

  /**
   * An earlier attempt with the same clientMsgId exists. Finished: that is the answer. Finished
   * by a takeover but never reported: report it now (created). In progress: wait briefly for it;
   * abandoned: take it over. undefined = the row vanished, insert again.
   */
  const resume = async (first: MessageDoc, owner: string): Promise<Sent | null | undefined> => {
    const deadline = Date.now() + WAIT_FOR_LIVE_SEND_MS;
    let m: MessageDoc | null = first;
    while (m) {
      const p = m.pending ?? null;
      if (p === null) return { message: toMessage(m), created: false };
      if (p.done) {
        const claimed = await Message.updateOne(
          { _id: m._id, 'pending.owner': p.owner, 'pending.done': true },
          { $set: { pending: null } },
        );
        return { message: toMessage({ ...m, pending: null }), created: claimed.matchedCount === 1 };
      }
      if (isStale(p)) {
        const mine = await takeOver(m, owner);
        if (mine) {
          const settled = await settle(await finish(mine, owner, true), owner);
          if (settled !== undefined) return settled;
        }
      } else if (Date.now() > deadline) {
        const wait = Math.max(1, Math.ceil((staleMs - (Date.now() - new Date(p.at).getTime())) / 1000));
        throw new StorageUnavailableError('An earlier attempt to send this message is still in progress', {
          retryAfterSeconds: Math.min(wait, 30),
        });
      } else {
        await sleep(20);
      }
      m = await Message.findOne({ _id: m._id }).lean<MessageDoc>();
    }
    return undefined;
  };

  const byClientId = (input: NewMessage) =>
    Message.findOne({ senderId: String(input.senderId), clientMsgId: String(input.clientMsgId) }).lean<MessageDoc>();

  const send: SendStep = async (input: NewMessage) => {
    const owner = randomUUID();
    for (let attempt = 0; attempt < 5; attempt++) {
      const conv = await Conversation.findOne(
        { _id: String(input.conversationId), deletedAt: null },
        { lastSeq: 1, changeSeq: 1 },
      ).lean<Pick<ConversationDoc, '_id' | 'lastSeq' | 'changeSeq'>>();
      if (!conv) {
        // A retry of a message whose conversation is gone still answers with the original.
        const existing = input.clientMsgId === null ? null : await byClientId(input);
        return existing && existing.seq !== null && !existing.pending
          ? { message: toMessage(existing), created: false }
          : null;
      }
      const doc = newMessageDoc(input, {
        owner,
        at: new Date(),
        seqFloor: conv.lastSeq,
        changeFloor: conv.changeSeq,
        done: false,
      });
      try {
        // The unique (senderId, clientMsgId) index is the idempotency check: no lookup before it.
        await Message.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err) || input.clientMsgId === null) throw err;
        const existing = await byClientId(input);
        if (!existing) continue;
        const resumed = await resume(existing, owner);
        if (resumed !== undefined) return resumed;
        continue;
      }
      fault('claimed');
      const settled = await settle(await finish(doc, owner, false), owner);
      if (settled !== undefined) return settled;
    }
    throw new StorageUnavailableError('The send could not be completed; retry');
  };

  const sweep = async (): Promise<number> => {
    const cutoff = new Date(Date.now() - staleMs);
    const stale = await Message.find({ 'pending.done': false, 'pending.at': trusted({ $lte: cutoff }) })
      .sort({ 'pending.at': 1 })
      .limit(500)
      .lean<MessageDoc[]>();
    let handled = 0;
    for (const m of stale) {
      const owner = `sweep:${randomUUID()}`;
      const mine = await takeOver(m, owner);
      if (!mine) continue;
      const r = await finish(mine, owner, true);
      if (r === 'lost') continue;
      handled++;
      // A user's message stays marked until its sender's retry reports it created (and the service
      // attaches its media and publishes it); a system message has no retry to wait for.
      if (r !== 'gone') await release(r, owner, m.clientMsgId === null ? 'cleared' : 'done');
    }
    return handled;
  };

  let replicated = false;
  return {
    send: options.transactions === 'off' ? send : withTransactions(conn, core, options, send, () => replicated),
    sweep,
    detectTransactions: async () => {
      replicated = options.transactions !== 'off' && (await supportsTransactions(conn));
      return replicated;
    },
  };
}
