import type { E2eeEnvelope, E2eeGroupState } from '@charla/shared-types';
import { equalBytes, fromBase64, toBase64 } from '../bytes.ts';
import { E2eeError, isE2eeError } from '../errors.ts';
import type { MlsGroup } from '../mls/engine.ts';
import { serverCode } from './api.ts';
import { type ClientContext, type GroupRecord, KEYS, loadGroup, saveGroup, wipe } from './context.ts';
import { frank, verifyFranking } from './franking.ts';
import { decodePayload, encodePayload, type OutgoingPayload, openPlaintext, sealPlaintext } from './payload.ts';

const LOG_PAGE = 100;
const MAX_REBASES = 6;

const randomId = (): string => crypto.randomUUID();

/**
 * One encrypted conversation on this device: catching up on its MLS log (commits and application
 * messages, in the server's order), keeping the group's devices equal to the members' devices
 * (reconcile), and sending. Callers hold the conversation's lock (ctx.lock).
 */
export function createConversationOps(ctx: ClientContext) {
  const me = () => ctx.device();

  /** Notes "X's devices changed" when a member who was already in the group gains or loses devices. */
  async function diffDevices(conversationId: string, before: MlsGroup, after: MlsGroup, seq: number, at: string) {
    const own = me().userId;
    const was = ctx.engine.members(before);
    const now = ctx.engine.members(after);
    const users = new Set([...was, ...now].map((m) => m.userId));
    for (const userId of users) {
      if (userId === own) continue;
      const a = was
        .filter((m) => m.userId === userId)
        .map((m) => m.deviceId)
        .sort();
      const b = now
        .filter((m) => m.userId === userId)
        .map((m) => m.deviceId)
        .sort();
      if (a.length === 0 || b.length === 0 || a.join() === b.join()) continue;
      await ctx.local.note({ conversationId, seq, createdAt: at, note: 'devices_changed', userId, detail: null });
      ctx.emit({ type: 'devices_changed', conversationId, userId });
    }
  }

  async function applyCommit(
    conversationId: string,
    record: GroupRecord,
    group: MlsGroup,
    env: E2eeEnvelope,
  ): Promise<{ record: GroupRecord; group: MlsGroup | null }> {
    const epoch = ctx.engine.epoch(group);
    if (env.epoch < epoch) return { record, group };
    if (env.epoch > epoch) return { record: { ...record, broken: true }, group: null }; // a gap in the chain: cannot continue
    if (env.senderDeviceId === me().deviceId) {
      // Our own commit: only its result state can follow it (crash between posting and adopting).
      if (record.pending?.epoch === env.epoch) {
        const adopted = await ctx.engine.decodeGroup(record.pending.state);
        return { record: { ...record, pending: null }, group: adopted };
      }
      return { record: { ...record, broken: true }, group: null };
    }
    try {
      const res = await ctx.engine.process(group, fromBase64(env.data));
      if (res.kind !== 'commit') throw new E2eeError('tampered', 'Expected a commit');
      await diffDevices(conversationId, group, res.group, env.seq, env.createdAt);
      wipe(res.consumed);
      if (res.removedSelf) {
        await ctx.local.note({
          conversationId,
          seq: env.seq,
          createdAt: env.createdAt,
          note: 'removed',
          userId: null,
          detail: null,
        });
        return { record: { ...record, removed: true }, group: null };
      }
      return { record: { ...record, pending: null }, group: res.group };
    } catch (err) {
      if (isE2eeError(err, 'not_member')) {
        await ctx.local.note({
          conversationId,
          seq: env.seq,
          createdAt: env.createdAt,
          note: 'removed',
          userId: null,
          detail: null,
        });
        return { record: { ...record, removed: true }, group: null };
      }
      ctx.emit({ type: 'error', conversationId, error: err });
      return { record: { ...record, broken: true }, group: null };
    }
  }

  async function applyApplication(conversationId: string, group: MlsGroup, env: E2eeEnvelope): Promise<MlsGroup> {
    if (env.senderDeviceId === me().deviceId) return group; // ours: stored when sent
    try {
      const res = await ctx.engine.process(group, fromBase64(env.data));
      if (res.kind !== 'application') throw new E2eeError('tampered', 'Expected an application message');
      if (res.sender.userId !== env.senderId || res.sender.deviceId !== env.senderDeviceId)
        throw new E2eeError('tampered', 'The server named another sender than the one who signed');
      const { frankingKey, payload } = openPlaintext(res.plaintext);
      const tag = env.frankingTag ? fromBase64(env.frankingTag) : null;
      if (
        !tag ||
        !equalBytes(tag, res.aad) ||
        !(await verifyFranking(conversationId, env.senderId, payload, frankingKey, tag))
      )
        throw new E2eeError('franking_invalid', 'The message does not match its franking commitment');
      const p = decodePayload(payload);
      await ctx.local.apply(
        conversationId,
        {
          seq: env.seq,
          senderId: env.senderId,
          senderDeviceId: env.senderDeviceId,
          createdAt: env.createdAt,
          messageId: env.id,
        },
        p,
        { messageId: env.id, payload, key: frankingKey },
      );
      wipe(res.consumed);
      return res.group;
    } catch (err) {
      // A duplicate delivery is harmless; anything else is shown as a message this device cannot read.
      if (!isE2eeError(err, 'replay'))
        await ctx.local.note({
          conversationId,
          seq: env.seq,
          createdAt: env.createdAt,
          note: 'undecryptable',
          userId: env.senderId,
          detail: isE2eeError(err) ? err.code : 'error',
        });
      return group;
    }
  }

  /** Reads the log from the cursor and applies it in order. */
  async function sync(conversationId: string): Promise<void> {
    const loaded = await loadGroup(ctx, conversationId);
    if (!loaded) return;
    let { record, group } = loaded;
    let changed = false;
    while (group && !record.removed && !record.broken) {
      const page = await ctx.api.log(conversationId, record.cursor, LOG_PAGE);
      for (const env of page.items) {
        if (!group) break;
        if (env.kind === 'commit') ({ record, group } = await applyCommit(conversationId, record, group, env));
        else group = await applyApplication(conversationId, group, env);
        record = { ...record, cursor: env.seq };
        changed = true;
      }
      // Persisted per page: re-processing after a crash starts from the older state, which still
      // holds the keys for those messages (MLS rejects nothing it has not consumed).
      record = await saveGroup(ctx, conversationId, record, group);
      if (!page.hasMore) break;
    }
    if (changed) ctx.emit({ type: 'messages', conversationId });
  }

  /** Devices that should be in the group (members' active devices) minus those that are. */
  function plan(state: E2eeGroupState, group: MlsGroup) {
    for (const m of state.members)
      for (const d of m.devices) ctx.rememberDevice({ userId: m.userId, deviceId: d.id }, d.signatureKey);
    const wanted = state.members.flatMap((m) => m.devices.map((d) => ({ userId: m.userId, deviceId: d.id })));
    const present = ctx.engine.members(group);
    const own = me().deviceId;
    const add = wanted.filter((w) => w.deviceId !== own && !present.some((p) => p.deviceId === w.deviceId));
    const remove = present.filter((p) => p.deviceId !== own && !wanted.some((w) => w.deviceId === p.deviceId));
    return { add, remove };
  }

  /**
   * Makes the MLS group hold exactly the members' active devices: creates it when nobody has yet,
   * adds missing devices (claiming one KeyPackage each), removes devices of former members and
   * revoked ones. Commits race: the loser processes the winner on its old state and plans again.
   * Returns false when this device is not in the group (it waits for a Welcome).
   */
  async function reconcile(conversationId: string): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_REBASES; attempt++) {
      await sync(conversationId);
      const state = await ctx.api.groupState(conversationId);
      const loaded = await loadGroup(ctx, conversationId);
      let record = loaded?.record;
      let group = loaded?.group ?? null;
      if (!state.exists) {
        // Nobody has created the group yet: this device does (epoch 0, alone in it).
        group = await ctx.engine.createGroup(me(), conversationId);
        record = {
          state: new Uint8Array(),
          epoch: 0,
          cursor: 0,
          joinedAtSeq: 0,
          removed: false,
          broken: false,
          pending: null,
        };
      } else if (!group || !record || record.removed || record.broken) return false;
      if (!record) return false;
      const { add, remove } = plan(state, group);
      if (state.exists && add.length === 0 && remove.length === 0) return true;
      const claimed = add.length
        ? await ctx.api.claim(
            conversationId,
            add.map((a) => a.deviceId),
          )
        : null;
      const adds = (claimed?.keyPackages ?? []).map((k) => ({
        ref: { userId: k.userId, deviceId: k.deviceId },
        keyPackage: fromBase64(k.keyPackage),
      }));
      if (state.exists && adds.length === 0 && remove.length === 0) return true;
      const c = await ctx.engine.commit(group, { add: adds, remove });
      // Our result state is kept aside until the server accepts the commit (crash-safe).
      if (state.exists)
        await saveGroup(
          ctx,
          conversationId,
          { ...record, pending: { epoch: c.epoch, state: ctx.engine.encodeGroup(c.group) } },
          group,
        );
      try {
        await ctx.api.postCommit(conversationId, {
          deviceId: me().deviceId,
          epoch: c.epoch,
          commit: toBase64(c.commit),
          welcome: c.welcome ? toBase64(c.welcome) : null,
          adds: adds.map((a) => a.ref.deviceId),
          removes: remove.map((r) => r.deviceId),
        });
        // The cursor stays: messages ordered before our commit are still read (older epochs are kept),
        // and our own commit is skipped by its epoch.
        await saveGroup(ctx, conversationId, { ...record, pending: null }, c.group);
        wipe(c.consumed);
        ctx.emit({ type: 'group', conversationId });
        if (plan(state, c.group).add.length === 0) return true;
      } catch (err) {
        // Lost the race (or the log moved): drop our commit, catch up, plan again. The pre-commit
        // state is intact (its secrets were not zeroed), so the winner's commit applies to it.
        if (!state.exists) {
          ctx.groups.delete(conversationId);
          await ctx.store.delete(KEYS.group(conversationId));
        } else await saveGroup(ctx, conversationId, { ...record, pending: null }, group);
        const code = serverCode(err);
        if (code === 'stale_epoch' || code === 'group_out_of_date') {
          if (!state.exists) return false; // someone else created it: our Welcome is on its way
          continue;
        }
        throw err;
      }
    }
    throw new E2eeError('stale_epoch', 'The group kept moving: try again');
  }

  /** Encrypts and posts one payload; retries after catching up when the epoch moved. */
  async function send(conversationId: string, outgoing: OutgoingPayload): Promise<{ id: string; seq: number }> {
    const own = me();
    const payload = { ...outgoing, v: 1 as const, id: randomId() };
    const bytes = encodePayload(payload);
    for (let attempt = 0; attempt < MAX_REBASES; attempt++) {
      await sync(conversationId);
      let loaded = await loadGroup(ctx, conversationId);
      if (!loaded?.group) {
        if (!(await reconcile(conversationId)))
          throw new E2eeError('not_member', 'This device is not in the group yet');
        loaded = await loadGroup(ctx, conversationId);
      }
      const { record, group } = loaded ?? {};
      if (!record || !group) throw new E2eeError('not_member', 'This device is not in the group');
      const franking = await frank(conversationId, own.userId, bytes);
      const enc = await ctx.engine.encrypt(group, sealPlaintext(franking.key, bytes), franking.tag);
      // Persist the ratchet before the message leaves: a crash must never reuse a key and nonce.
      await saveGroup(ctx, conversationId, record, enc.group);
      wipe(enc.consumed);
      let env: E2eeEnvelope;
      try {
        env = await ctx.api.postMessage(conversationId, {
          deviceId: own.deviceId,
          epoch: ctx.engine.epoch(group),
          ciphertext: toBase64(enc.message),
          frankingTag: toBase64(franking.tag),
          clientMsgId: payload.id,
        });
      } catch (err) {
        const code = serverCode(err);
        if (code === 'stale_epoch') continue;
        if (code === 'group_out_of_date') {
          await reconcile(conversationId);
          continue;
        }
        throw err;
      }
      await ctx.local.apply(
        conversationId,
        {
          seq: env.seq,
          senderId: own.userId,
          senderDeviceId: own.deviceId,
          createdAt: env.createdAt,
          messageId: env.id,
        },
        decodePayload(bytes),
        { messageId: env.id, payload: bytes, key: franking.key },
      );
      ctx.emit({ type: 'messages', conversationId });
      return { id: payload.id, seq: env.seq };
    }
    throw new E2eeError('stale_epoch', 'The group kept moving: try again');
  }

  return { sync, reconcile, send };
}
