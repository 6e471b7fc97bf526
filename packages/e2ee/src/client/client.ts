import type { ReportReason } from '@charla/shared-types';
import { equalBytes, fromBase64, toBase64, toHex } from '../bytes.ts';
import { E2eeError, isE2eeError } from '../errors.ts';
import type { DeviceRef } from '../mls/credential.ts';
import { createMlsEngine } from '../mls/engine.ts';
import { DEFAULT_SUITE, type SuiteName } from '../mls/suite.ts';
import type { E2eeApi } from './api.ts';
import { decryptFile, describeEncrypted, encryptFile } from './attachments.ts';
import {
  type ClientContext,
  type DeviceRecord,
  type E2eeClientEvent,
  type GroupRecord,
  KEYS,
  type KeyPackageRecord,
  loadGroup,
  saveGroup,
} from './context.ts';
import { createConversationOps } from './conversation.ts';
import { createLocalMessages, type LocalRecord } from './local-messages.ts';
import { createKeyedMutex } from './mutex.ts';
import type { Attachment, EncryptedFile, OutgoingPayload } from './payload.ts';
import { type SafetyCode, safetyCode, userFingerprint } from './safety-code.ts';
import type { E2eeStore } from './store.ts';

/** A file to send: the sender makes the thumbnail (the server never sees the plaintext). */
export type OutgoingFile = {
  bytes: Uint8Array;
  name: string;
  mime: string;
  width?: number;
  height?: number;
  thumbnail?: { bytes: Uint8Array; mime: string; width: number; height: number };
};

export type E2eeClientOptions = {
  api: E2eeApi;
  /** Encrypted at rest (createEncryptedStore). */
  store: E2eeStore;
  userId: string;
  deviceName: string;
  suite?: SuiteName;
  /** One-time KeyPackages kept on the server; topped up when below half. */
  poolTarget?: number;
  onEvent?: (e: E2eeClientEvent) => void;
};

const LOCK_DEVICE = '\u0000device';
const LOCK_WELCOMES = '\u0000welcomes';

/**
 * Charla's end-to-end encryption client: one per signed-in device. The same code runs in the web
 * client (inside a worker) and in Node tests against the real server. It owns the device's MLS
 * identity and KeyPackages, joins groups from Welcomes, keeps each group's devices equal to the
 * members' devices, and sends and receives payloads; everything decrypted stays in `store`.
 */
export async function createE2eeClient(options: E2eeClientOptions) {
  const { api, store } = options;
  const suite = options.suite ?? DEFAULT_SUITE;
  const poolTarget = options.poolTarget ?? 50;
  const lock = createKeyedMutex();
  const directory = new Map<string, string>();
  let device: DeviceRecord | null = null;

  const engine = createMlsEngine({
    suite,
    directory: {
      // A credential is genuine when the server lists that device for that user with that key.
      async verify(ref: DeviceRef, key: Uint8Array) {
        const k = `${ref.userId}:${ref.deviceId}`;
        let known = directory.get(k);
        if (!known) {
          const rec = await api.device(ref.deviceId);
          if (!rec || rec.userId !== ref.userId) return false;
          known = rec.signatureKey;
          directory.set(k, known);
        }
        return equalBytes(fromBase64(known), key);
      },
    },
  });

  const ctx: ClientContext = {
    api,
    store,
    engine,
    local: createLocalMessages(store),
    lock,
    userId: options.userId,
    device: () => {
      if (!device) throw new E2eeError('state', 'The E2EE client is not initialised');
      return device;
    },
    groups: new Map(),
    emit: (e) => options.onEvent?.(e),
    rememberDevice: (ref, key) => directory.set(`${ref.userId}:${ref.deviceId}`, key),
  };
  const ops = createConversationOps(ctx);

  async function newKeyPackages(n: number, lastResort: boolean): Promise<string[]> {
    const d = ctx.device();
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const kp = await engine.createKeyPackage(d);
      // The private half is stored before the public half leaves the device.
      await store.set(KEYS.kp(kp.ref), { privateKeys: kp.privateKeys, lastResort } satisfies KeyPackageRecord);
      out.push(toBase64(kp.keyPackage));
    }
    return out;
  }

  async function replenish(): Promise<void> {
    const d = ctx.device();
    const status = await api.keyPackageStatus(d.deviceId);
    const need = poolTarget - status.available;
    if (need < poolTarget / 2 && status.lastResort) return;
    const keyPackages = need > 0 ? await newKeyPackages(Math.min(need, 100), false) : [];
    const lastResort = status.lastResort ? undefined : (await newKeyPackages(1, true))[0];
    await api.uploadKeyPackages(d.deviceId, { keyPackages, ...(lastResort ? { lastResort } : {}) });
  }

  async function register(): Promise<DeviceRecord> {
    const keys = await engine.generateSignatureKeyPair();
    device = {
      userId: options.userId,
      deviceId: crypto.randomUUID(),
      signaturePublicKey: keys.publicKey,
      signaturePrivateKey: keys.privateKey,
      suite,
      name: options.deviceName,
    };
    const keyPackages = await newKeyPackages(poolTarget, false);
    const [lastResort] = await newKeyPackages(1, true);
    await api.registerDevice({
      deviceId: device.deviceId,
      name: options.deviceName,
      signatureKey: toBase64(device.signaturePublicKey),
      keyPackages,
      ...(lastResort ? { lastResort } : {}),
    });
    await store.set(KEYS.device, device);
    return device;
  }

  /** Joins the groups whose Welcomes wait for this device (one run at a time). */
  const processWelcomes = (): Promise<string[]> => lock(LOCK_WELCOMES, joinPending);

  /** Acknowledged elsewhere already (another tab of this device) is fine. */
  async function ack(welcomeId: string, deviceId: string): Promise<void> {
    try {
      await api.ackWelcome(welcomeId, deviceId);
    } catch (err) {
      if (!(err instanceof E2eeError && err.status === 404)) throw err;
    }
  }

  async function joinPending(): Promise<string[]> {
    const d = ctx.device();
    const joined: string[] = [];
    for (const w of await api.welcomes(d.deviceId)) {
      await lock(w.conversationId, async () => {
        const existing = await loadGroup(ctx, w.conversationId);
        if (
          existing?.group &&
          !existing.record.removed &&
          !existing.record.broken &&
          existing.record.epoch >= w.epoch
        ) {
          await ack(w.id, d.deviceId);
          return;
        }
        let usedRef: string | null = null;
        try {
          const res = await engine.join(fromBase64(w.welcome), async (ref) => {
            const kp = await store.get<KeyPackageRecord>(KEYS.kp(ref));
            return kp?.privateKeys ?? null;
          });
          usedRef = res.keyPackageRef;
          const record: Omit<GroupRecord, 'state' | 'epoch'> = {
            cursor: w.commitSeq,
            joinedAtSeq: w.commitSeq,
            removed: false,
            broken: false,
            pending: null,
          };
          await saveGroup(ctx, w.conversationId, record, res.group);
          await ctx.local.note({
            conversationId: w.conversationId,
            seq: w.commitSeq,
            createdAt: w.createdAt,
            note: 'joined_here',
            userId: null,
            detail: null,
          });
          joined.push(w.conversationId);
        } catch (err) {
          ctx.emit({ type: 'error', conversationId: w.conversationId, error: err });
        }
        if (usedRef) {
          const kp = await store.get<KeyPackageRecord>(KEYS.kp(usedRef));
          if (kp && !kp.lastResort) await store.delete(KEYS.kp(usedRef));
        }
        await ack(w.id, d.deviceId);
      });
    }
    for (const id of joined) {
      await lock(id, () => ops.sync(id));
      ctx.emit({ type: 'group', conversationId: id });
    }
    if (joined.length) await replenish();
    return joined;
  }

  const client = {
    /** Registers this device on first use (or after it was revoked), tops up KeyPackages, joins pending groups. */
    async init(): Promise<DeviceRecord> {
      await lock(LOCK_DEVICE, async () => {
        let stored: DeviceRecord | undefined;
        try {
          stored = await store.get<DeviceRecord>(KEYS.device);
        } catch (err) {
          // The store key is gone (keychain reset, another browser profile): what is stored cannot be
          // read by anyone, so start over as a new device.
          if (!isE2eeError(err, 'state')) throw err;
          await store.clear();
        }
        if (stored && stored.userId !== options.userId)
          throw new E2eeError('state', 'This store belongs to another user');
        if (stored) {
          const mine = await api.myDevices();
          if (mine.some((m) => m.id === stored.deviceId)) device = stored;
          else {
            // Revoked elsewhere (signed out): its keys are useless; start over as a new device.
            await store.clear();
            ctx.groups.clear();
          }
        }
        if (!device) await register();
        await replenish();
      });
      await processWelcomes();
      return ctx.device();
    },

    get deviceId(): string {
      return ctx.device().deviceId;
    },

    processWelcomes,
    replenish: () => lock(LOCK_DEVICE, replenish),

    /** Catches up on one conversation's log. */
    sync: (conversationId: string) => lock(conversationId, () => ops.sync(conversationId)),

    /**
     * Brings the group in line with membership (creates it, adds devices, removes stale ones). A device
     * not in the group yet first takes the Welcomes waiting for it: their socket event may have come
     * before anyone listened (while the engine started, or while offline), and without this the chat
     * would wait for a Welcome that already arrived.
     */
    async reconcile(conversationId: string): Promise<boolean> {
      if (!(await loadGroup(ctx, conversationId))) await processWelcomes();
      return lock(conversationId, () => ops.reconcile(conversationId));
    },

    /** Encrypts and sends a text, edit, delete or reaction. */
    async send(conversationId: string, payload: OutgoingPayload) {
      const target = payload.t === 'delete' ? await ctx.local.byId(conversationId, payload.target) : null;
      const sent = await lock(conversationId, () => ops.send(conversationId, payload));
      // A deleted message of ours takes its encrypted files with it (best effort: the bytes are ciphertext).
      if (target && target.senderId === options.userId)
        for (const a of target.attachments)
          for (const id of [a.blobId, a.thumbnail?.blobId]) if (id) await api.deleteBlob(id).catch(() => undefined);
      return sent;
    },

    /** Encrypts each file (and its thumbnail) with its own key, uploads the ciphertext, sends one message. */
    async sendFiles(conversationId: string, text: string, files: OutgoingFile[], forwarded = false) {
      const attachments: Attachment[] = [];
      for (const f of files) {
        const enc = await encryptFile(f.bytes);
        const up = await api.uploadBlob(conversationId, enc.blob);
        let thumbnail: Attachment['thumbnail'];
        if (f.thumbnail) {
          const tEnc = await encryptFile(f.thumbnail.bytes);
          const tUp = await api.uploadBlob(conversationId, tEnc.blob);
          thumbnail = {
            ...describeEncrypted(tUp, tEnc, { size: f.thumbnail.bytes.length, mime: f.thumbnail.mime }),
            width: f.thumbnail.width,
            height: f.thumbnail.height,
          };
        }
        attachments.push({
          ...describeEncrypted(up, enc, { size: f.bytes.length, mime: f.mime }),
          name: f.name,
          ...(f.width ? { width: f.width } : {}),
          ...(f.height ? { height: f.height } : {}),
          ...(thumbnail ? { thumbnail } : {}),
        });
      }
      return client.send(conversationId, { t: 'text', text, attachments, ...(forwarded ? { forwarded } : {}) });
    },

    /**
     * Forwards a message of this device's history to other encrypted chats, marked forwarded: its files
     * are decrypted here and encrypted again with new keys for each chat (a key never serves two chats,
     * and leaving one chat's files behind does not open another's). Plain chats are never a target:
     * the content would reach the server.
     */
    async forward(fromConversationId: string, messageId: string, toConversationIds: string[]) {
      const m = await ctx.local.byId(fromConversationId, messageId);
      if (!m || m.deletedAt) throw new E2eeError('state', 'That message is not on this device');
      const files: OutgoingFile[] = [];
      for (const a of m.attachments)
        files.push({
          bytes: await client.openFile(a),
          name: a.name,
          mime: a.mime,
          ...(a.width ? { width: a.width } : {}),
          ...(a.height ? { height: a.height } : {}),
          ...(a.thumbnail
            ? {
                thumbnail: {
                  bytes: await client.openFile(a.thumbnail),
                  mime: a.thumbnail.mime,
                  width: a.thumbnail.width,
                  height: a.thumbnail.height,
                },
              }
            : {}),
        });
      const sent: { conversationId: string; id: string; seq: number }[] = [];
      for (const to of toConversationIds)
        sent.push({ conversationId: to, ...(await client.sendFiles(to, m.text, files, true)) });
      return sent;
    },

    /** Downloads, checks and decrypts an attachment (or its thumbnail). */
    async openFile(file: EncryptedFile): Promise<Uint8Array> {
      return decryptFile(await api.downloadBlob(file.blobId), file);
    },

    /** What a socket event means for this device. */
    async handle(e: { type: 'message' | 'welcome' | 'roster'; conversationId: string }): Promise<void> {
      try {
        if (e.type === 'welcome') await processWelcomes();
        else if (e.type === 'roster') await client.reconcile(e.conversationId);
        else await client.sync(e.conversationId);
      } catch (err) {
        ctx.emit({ type: 'error', conversationId: e.conversationId, error: err });
      }
    },

    /** Decrypted history of a conversation on this device, in seq order (messages and notes). */
    history: (conversationId: string): Promise<LocalRecord[]> => ctx.local.list(conversationId),
    search: (conversationId: string, q: string) => ctx.local.search(conversationId, q),
    message: (conversationId: string, id: string) => ctx.local.byId(conversationId, id),

    /** Where this device stands in a conversation. */
    async status(conversationId: string): Promise<'none' | 'member' | 'removed' | 'broken'> {
      const g = await loadGroup(ctx, conversationId);
      if (!g) return 'none';
      return g.record.removed ? 'removed' : g.record.broken ? 'broken' : 'member';
    },

    /** This device's group record (epoch, cursor, state) or null. */
    async groupRecord(conversationId: string): Promise<GroupRecord | null> {
      return (await loadGroup(ctx, conversationId))?.record ?? null;
    },

    /** Members' devices as MLS sees them in this conversation. */
    async members(conversationId: string) {
      const g = await loadGroup(ctx, conversationId);
      return g?.group ? engine.members(g.group) : [];
    },

    /**
     * The safety code between this user and `otherUserId`, from the devices the server lists for both
     * in this conversation; `verified` says whether it still equals the one the user confirmed.
     */
    async safetyCode(
      conversationId: string,
      otherUserId: string,
    ): Promise<SafetyCode & { verified: boolean; fingerprint: string }> {
      const state = await api.groupState(conversationId);
      const keysOf = (userId: string) =>
        (state.members.find((m) => m.userId === userId)?.devices ?? []).map((d) => fromBase64(d.signatureKey));
      const mine = await userFingerprint(options.userId, keysOf(options.userId));
      const theirs = await userFingerprint(otherUserId, keysOf(otherUserId));
      const verified = await store.get<string>(KEYS.verified(otherUserId));
      return {
        ...safetyCode({ userId: options.userId, fingerprint: mine }, { userId: otherUserId, fingerprint: theirs }),
        fingerprint: toHex(theirs),
        verified: verified === toHex(theirs),
      };
    },

    /** The user compared the code (or scanned it): remember their current devices as verified. */
    async markVerified(conversationId: string, otherUserId: string): Promise<void> {
      const code = await client.safetyCode(conversationId, otherUserId);
      await store.set(KEYS.verified(otherUserId), code.fingerprint);
    },

    /** Sign-out: revokes this device on the server and deletes every key and message it held. */
    async wipe(): Promise<void> {
      const id = device?.deviceId;
      if (id) await api.revokeDevice(id).catch(() => undefined);
      await store.clear();
      ctx.groups.clear();
      directory.clear();
      device = null;
    },

    /** For reports: the franking proof of a message's current text (null when deleted or unknown). */
    async reportProof(conversationId: string, id: string) {
      const m = await ctx.local.byId(conversationId, id);
      return m?.proof ?? null;
    },

    /**
     * Reports a message by revealing it to the server (its payload and franking key, nothing else of
     * the conversation): the server verifies the commitment before a moderator sees it.
     */
    async report(conversationId: string, id: string, reason: ReportReason, note = '') {
      const proof = await client.reportProof(conversationId, id);
      if (!proof) throw new E2eeError('state', 'This message cannot be reported from this device');
      return api.report({
        messageId: proof.messageId,
        payload: toBase64(proof.payload),
        frankingKey: toBase64(proof.key),
        reason,
        note,
      });
    },
  };
  return client;
}

export type E2eeClient = Awaited<ReturnType<typeof createE2eeClient>>;
export { isE2eeError };
