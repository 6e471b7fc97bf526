import {
  type AuthenticationService,
  bytesToBase64,
  type CiphersuiteImpl,
  type ClientState,
  CodecError,
  CryptoError,
  CryptoVerificationError,
  clientStateDecoder,
  clientStateEncoder,
  contentTypes,
  createApplicationMessage,
  createCommit,
  createGroup,
  decode,
  defaultProposalTypes,
  encode,
  generateKeyPackageWithKey,
  joinGroup,
  type KeyPackage,
  keyPackageDecoder,
  keyPackageEncoder,
  MlsError,
  type MlsFramedMessage,
  makeKeyPackageRef,
  mlsMessageDecoder,
  mlsMessageEncoder,
  type PrivateKeyPackage,
  type Proposal,
  privateKeyPackageDecoder,
  privateKeyPackageEncoder,
  processMessage,
  protocolVersions,
  pskTypes,
  type SecretTree,
  UsageError,
  ValidationError,
  wireformats,
} from 'ts-mls';
import { concat, equalBytes, toHex, utf8 } from '../bytes.ts';
import { E2eeError } from '../errors.ts';
import { credentialFor, type DeviceRef, parseCredential } from './credential.ts';
import { DEFAULT_SUITE, type SuiteName, suiteById, suiteImpl } from './suite.ts';

/*
 * Charla's thin adapter over ts-mls: every protocol step is the library's; this file only chooses
 * parameters, maps errors to E2eeError codes and hides the library's types from the rest of the code,
 * so a library upgrade touches this folder only.
 */

/** This device's MLS identity. The private key never leaves the device's encrypted store. */
export type LocalDevice = DeviceRef & { signaturePublicKey: Uint8Array; signaturePrivateKey: Uint8Array };

/** Answers "does the server list this device for this user with this signature key". */
export type DeviceDirectory = {
  verify(ref: DeviceRef, signaturePublicKey: Uint8Array): Promise<boolean>;
};

export type Member = DeviceRef & { leafIndex: number; signaturePublicKey: Uint8Array };

/** A group state: immutable; every operation returns a new one. */
export type MlsGroup = { readonly suite: SuiteName; readonly state: ClientState };

export type KeyPackageBundle = {
  /** Hex KeyPackageRef (RFC 9420 §5.2): how a Welcome names the KeyPackage it is for. */
  ref: string;
  /** The public KeyPackage as an MLSMessage (what the server stores and hands out). */
  keyPackage: Uint8Array;
  /** The matching private keys (store them encrypted; delete after use unless last resort). */
  privateKeys: Uint8Array;
};

export type CommitResult = {
  commit: Uint8Array;
  welcome: Uint8Array | null;
  /** The state after the commit: adopt it only once the server has accepted the commit. */
  group: MlsGroup;
  /** Epoch the commit was made for (the server's ordering key). */
  epoch: number;
  consumed: Uint8Array[];
};

export type ProcessResult =
  | {
      kind: 'application';
      plaintext: Uint8Array;
      aad: Uint8Array;
      sender: Member;
      epoch: number;
      group: MlsGroup;
      consumed: Uint8Array[];
    }
  | { kind: 'commit'; group: MlsGroup; removedSelf: boolean; consumed: Uint8Array[] };

export const groupIdFor = (conversationId: string): Uint8Array => utf8(`charla:${conversationId}`);

/** Largest state we agree to decode (a 1,000-member group is ~2 MB). */
const MAX_STATE_BYTES = 16 * 1024 * 1024;
const STATE_VERSION = 1;

const mlsFail = (err: unknown, what: string): E2eeError => {
  if (err instanceof E2eeError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof ValidationError && /gen in the past/i.test(msg))
    return new E2eeError('replay', `${what}: already processed`, { cause: err });
  if (err instanceof ValidationError && /credential/i.test(msg))
    return new E2eeError('bad_credential', `${what}: a credential does not match the device directory`, {
      cause: err,
    });
  // A removed member cannot decrypt the commit's path secret (the ts-mls patch makes every Remove carry
  // a path, RFC 9420 §12.4) nor hold the PSK of a "last one left" removal (see commit()).
  if ((err instanceof ValidationError && /pskId/i.test(msg)) || /No overlap between provided private keys/.test(msg))
    return new E2eeError('not_member', `${what}: this device was removed from the group`, { cause: err });
  if (err instanceof ValidationError && /epoch too old/i.test(msg))
    return new E2eeError('unknown_epoch', `${what}: epoch no longer kept on this device`, { cause: err });
  if (err instanceof UsageError) return new E2eeError('not_member', `${what}: ${msg}`, { cause: err });
  if (err instanceof CodecError) return new E2eeError('malformed', `${what}: ${msg}`, { cause: err });
  if (err instanceof CryptoError || err instanceof CryptoVerificationError || err instanceof MlsError)
    return new E2eeError('tampered', `${what}: ${msg}`, { cause: err });
  return new E2eeError('tampered', `${what}: ${msg}`, { cause: err });
};

export function createAuthService(directory: DeviceDirectory): AuthenticationService {
  return {
    async validateCredential(credential, signaturePublicKey) {
      const ref = parseCredential(credential);
      if (!ref) return false;
      return directory.verify(ref, signaturePublicKey);
    },
  };
}

export type MlsEngine = ReturnType<typeof createMlsEngine>;

/** `suite` applies to new groups and KeyPackages; restored groups keep the suite they were created with. */
export function createMlsEngine(options: { directory: DeviceDirectory; suite?: SuiteName }) {
  const suite = options.suite ?? DEFAULT_SUITE;
  const authService = createAuthService(options.directory);
  const context = (cipherSuite: CiphersuiteImpl) => ({ cipherSuite, authService });

  const epochOf = (g: MlsGroup): number => Number(g.state.groupContext.epoch);

  function members(g: MlsGroup): Member[] {
    const out: Member[] = [];
    g.state.ratchetTree.forEach((node, i) => {
      if (i % 2 !== 0 || node?.nodeType !== 1) return;
      const ref = parseCredential(node.leaf.credential);
      if (ref) out.push({ ...ref, leafIndex: i / 2, signaturePublicKey: node.leaf.signaturePublicKey });
    });
    return out;
  }

  function leafMember(tree: ClientState['ratchetTree'], leafIndex: number): Member | null {
    const node = tree[leafIndex * 2];
    if (node?.nodeType !== 1) return null;
    const ref = parseCredential(node.leaf.credential);
    return ref ? { ...ref, leafIndex, signaturePublicKey: node.leaf.signaturePublicKey } : null;
  }

  /**
   * ts-mls does not return an application message's sender. Decrypting ratchets exactly the sender's
   * leaf in the secret tree (and the library never mutates: untouched leaves keep their objects), so the
   * one leaf whose entry changed is the authenticated sender. More or fewer than one: refuse.
   */
  function changedLeaf(before: SecretTree, after: SecretTree): number | null {
    const changed: number[] = [];
    for (const key of Object.keys(after.leafNodes)) {
      const k = Number(key);
      if (before.leafNodes[k] !== after.leafNodes[k]) changed.push(k);
    }
    return changed.length === 1 ? (changed[0] as number) / 2 : null;
  }

  async function newKeyPackage(
    device: LocalDevice,
    cs: CiphersuiteImpl,
  ): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
    return generateKeyPackageWithKey({
      credential: credentialFor(device),
      signatureKeyPair: { signKey: device.signaturePrivateKey, publicKey: device.signaturePublicKey },
      cipherSuite: cs,
    });
  }

  const encodeKeyPackage = (kp: KeyPackage): Uint8Array =>
    encode(mlsMessageEncoder, {
      wireformat: wireformats.mls_key_package,
      version: protocolVersions.mls10,
      keyPackage: kp,
    });

  function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
    const m = decode(mlsMessageDecoder, bytes);
    if (!m || m.wireformat !== wireformats.mls_key_package) throw new E2eeError('malformed', 'Not a KeyPackage');
    return m.keyPackage;
  }

  function decodeFramed(bytes: Uint8Array): MlsFramedMessage {
    let m: ReturnType<typeof decode<unknown>>;
    try {
      m = decode(mlsMessageDecoder, bytes);
    } catch (err) {
      throw new E2eeError('malformed', 'Not an MLS message', { cause: err });
    }
    const msg = m as MlsFramedMessage | undefined;
    if (
      !msg ||
      (msg.wireformat !== wireformats.mls_private_message && msg.wireformat !== wireformats.mls_public_message)
    )
      throw new E2eeError('malformed', 'Not an MLS handshake or application message');
    return msg;
  }

  return {
    suite,

    async generateSignatureKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
      const cs = await suiteImpl(suite);
      const kp = await cs.signature.keygen();
      return { publicKey: kp.publicKey, privateKey: kp.signKey };
    },

    async createKeyPackage(device: LocalDevice): Promise<KeyPackageBundle> {
      const cs = await suiteImpl(suite);
      const { publicPackage, privatePackage } = await newKeyPackage(device, cs);
      return {
        ref: toHex(await makeKeyPackageRef(publicPackage, cs.hash)),
        keyPackage: encodeKeyPackage(publicPackage),
        privateKeys: concat(encode(keyPackageEncoder, publicPackage), encode(privateKeyPackageEncoder, privatePackage)),
      };
    },

    /** A new group with this device as its only member, at epoch 0. */
    async createGroup(device: LocalDevice, conversationId: string): Promise<MlsGroup> {
      const cs = await suiteImpl(suite);
      const { publicPackage, privatePackage } = await newKeyPackage(device, cs);
      try {
        const state = await createGroup({
          context: context(cs),
          groupId: groupIdFor(conversationId),
          keyPackage: publicPackage,
          privateKeyPackage: privatePackage,
        });
        return { suite, state };
      } catch (err) {
        throw mlsFail(err, 'Create group');
      }
    },

    /**
     * Adds (each KeyPackage must carry the credential of the device the caller meant) and removes
     * devices in one commit. The result's group is the state AFTER the commit: keep the old one until
     * the server accepts the commit (on `stale_epoch` process the winner with the old one and retry).
     */
    async commit(
      g: MlsGroup,
      change: { add?: { ref: DeviceRef; keyPackage: Uint8Array }[]; remove?: DeviceRef[] },
    ): Promise<CommitResult> {
      const cs = await suiteImpl(g.suite);
      const proposals: Proposal[] = [];
      for (const a of change.add ?? []) {
        const kp = decodeKeyPackage(a.keyPackage);
        const got = parseCredential(kp.leafNode.credential);
        if (!got || got.userId !== a.ref.userId || got.deviceId !== a.ref.deviceId)
          throw new E2eeError('bad_credential', `KeyPackage is not for device ${a.ref.deviceId}`);
        if (kp.cipherSuite !== g.state.groupContext.cipherSuite)
          throw new E2eeError('malformed', 'KeyPackage uses another ciphersuite');
        proposals.push({ proposalType: defaultProposalTypes.add, add: { keyPackage: kp } });
      }
      const present = members(g);
      for (const r of change.remove ?? []) {
        const m = present.find((p) => p.userId === r.userId && p.deviceId === r.deviceId);
        if (m) proposals.push({ proposalType: defaultProposalTypes.remove, remove: { removed: m.leafIndex } });
      }
      // ts-mls (2.0.0-rc.10) derives an all-zero commit secret when the committer's direct path is
      // empty, i.e. when the commit leaves it as the only member: removed members, who know the old
      // init secret, could then compute the new epoch and read what follows. A fresh external PSK that
      // only this device knows makes the new epoch secret unguessable to them (RFC 9420 §8.4).
      const removed = proposals.filter((p) => p.proposalType === defaultProposalTypes.remove).length;
      const externalPsks: Record<string, Uint8Array> = {};
      if (removed > 0 && present.length - removed + (change.add?.length ?? 0) <= 1) {
        const pskId = cs.rng.randomBytes(32);
        externalPsks[bytesToBase64(pskId)] = cs.rng.randomBytes(cs.kdf.size);
        proposals.push({
          proposalType: defaultProposalTypes.psk,
          psk: { preSharedKeyId: { psktype: pskTypes.external, pskId, pskNonce: cs.rng.randomBytes(cs.kdf.size) } },
        });
      }
      try {
        const result = await createCommit({
          context: { ...context(cs), externalPsks },
          state: g.state,
          extraProposals: proposals,
          // The Welcome carries the tree, so a joiner needs nothing else from the server.
          ratchetTreeExtension: true,
        });
        return {
          commit: encode(mlsMessageEncoder, result.commit),
          welcome: result.welcome ? encode(mlsMessageEncoder, result.welcome) : null,
          group: { suite: g.suite, state: result.newState },
          epoch: epochOf(g),
          consumed: result.consumed,
        };
      } catch (err) {
        throw mlsFail(err, 'Commit');
      }
    },

    /**
     * Joins from a Welcome using one of this device's KeyPackages, found by ref. `findKeyPackage` returns
     * the private bundle or null (used already, or never ours).
     */
    async join(
      welcomeBytes: Uint8Array,
      findKeyPackage: (ref: string) => Promise<Uint8Array | null>,
    ): Promise<{ group: MlsGroup; keyPackageRef: string }> {
      const m = decode(mlsMessageDecoder, welcomeBytes);
      if (!m || m.wireformat !== wireformats.mls_welcome) throw new E2eeError('malformed', 'Not a Welcome');
      const suiteName = suiteById(m.welcome.cipherSuite);
      if (!suiteName) throw new E2eeError('malformed', 'Unknown ciphersuite');
      const cs = await suiteImpl(suiteName);
      for (const secret of m.welcome.secrets) {
        const ref = toHex(secret.newMember);
        const bundle = await findKeyPackage(ref);
        if (!bundle) continue;
        const kpDecoded = keyPackageDecoder(bundle, 0);
        if (!kpDecoded) throw new E2eeError('state', 'Stored KeyPackage is damaged');
        const [keyPackage, offset] = kpDecoded;
        const privateKeys = decode(privateKeyPackageDecoder, bundle.subarray(offset));
        if (!privateKeys) throw new E2eeError('state', 'Stored KeyPackage keys are damaged');
        try {
          const state = await joinGroup({ context: context(cs), welcome: m.welcome, keyPackage, privateKeys });
          return { group: { suite: suiteName, state }, keyPackageRef: ref };
        } catch (err) {
          throw mlsFail(err, 'Join');
        }
      }
      throw new E2eeError('key_package_used', 'This Welcome is for a KeyPackage this device does not hold');
    },

    /** `aad` travels in clear but authenticated (Charla puts the franking commitment there). */
    async encrypt(
      g: MlsGroup,
      plaintext: Uint8Array,
      aad: Uint8Array,
    ): Promise<{ message: Uint8Array; group: MlsGroup; consumed: Uint8Array[] }> {
      const cs = await suiteImpl(g.suite);
      try {
        const r = await createApplicationMessage({
          context: context(cs),
          state: g.state,
          message: plaintext,
          authenticatedData: aad,
        });
        return {
          message: encode(mlsMessageEncoder, r.message),
          group: { suite: g.suite, state: r.newState },
          consumed: r.consumed,
        };
      } catch (err) {
        throw mlsFail(err, 'Encrypt');
      }
    },

    /** Decrypts an application message or applies a commit. Never changes `g`: failures leave it usable. */
    async process(g: MlsGroup, bytes: Uint8Array): Promise<ProcessResult> {
      const msg = decodeFramed(bytes);
      const cs = await suiteImpl(g.suite);
      const epoch =
        msg.wireformat === wireformats.mls_private_message ? msg.privateMessage.epoch : msg.publicMessage.content.epoch;
      const groupId =
        msg.wireformat === wireformats.mls_private_message
          ? msg.privateMessage.groupId
          : msg.publicMessage.content.groupId;
      if (!equalBytes(groupId, g.state.groupContext.groupId))
        throw new E2eeError('tampered', 'Message is for another group');
      const current = g.state.groupContext.epoch;
      // A future epoch fails inside the library with an opaque CryptoError: name it here.
      if (epoch > current)
        throw new E2eeError('unknown_epoch', `Message is for epoch ${epoch}, this device is at ${current}`);
      const contentType =
        msg.wireformat === wireformats.mls_private_message
          ? msg.privateMessage.contentType
          : msg.publicMessage.content.contentType;
      if (contentType !== contentTypes.application && epoch < current)
        throw new E2eeError('stale_epoch', `Handshake message for past epoch ${epoch}`);
      let result: Awaited<ReturnType<typeof processMessage>>;
      try {
        result = await processMessage({ context: context(cs), state: g.state, message: msg });
      } catch (err) {
        throw mlsFail(err, 'Process');
      }
      const group: MlsGroup = { suite: g.suite, state: result.newState };
      if (result.kind === 'applicationMessage') {
        const past = epoch < current;
        const beforeTree = past ? g.state.historicalReceiverData.get(epoch)?.secretTree : g.state.secretTree;
        const afterTree = past
          ? result.newState.historicalReceiverData.get(epoch)?.secretTree
          : result.newState.secretTree;
        const ratchetTree = past ? g.state.historicalReceiverData.get(epoch)?.ratchetTree : g.state.ratchetTree;
        const leaf = beforeTree && afterTree ? changedLeaf(beforeTree, afterTree) : null;
        const sender = leaf === null || !ratchetTree ? null : leafMember(ratchetTree, leaf);
        if (!sender) throw new E2eeError('tampered', 'Cannot tell who sent this message');
        return {
          kind: 'application',
          plaintext: result.message,
          aad: result.aad,
          sender,
          epoch: Number(epoch),
          group,
          consumed: result.consumed,
        };
      }
      if (contentType !== contentTypes.commit) throw new E2eeError('malformed', 'Standalone proposals are not used');
      return {
        kind: 'commit',
        group,
        removedSelf: result.newState.groupActiveState.kind === 'removedFromGroup',
        consumed: result.consumed,
      };
    },

    members,
    epoch: epochOf,
    /** Leaf of this device in the group. */
    ownLeafIndex: (g: MlsGroup): number => g.state.privatePath.leafIndex,
    isActive: (g: MlsGroup): boolean => g.state.groupActiveState.kind === 'active',

    /** Bytes to persist: a version byte, the suite id, then the library's own state encoding. */
    encodeGroup(g: MlsGroup): Uint8Array {
      const body = encode(clientStateEncoder, g.state);
      const head = new Uint8Array(3);
      head[0] = STATE_VERSION;
      new DataView(head.buffer).setUint16(1, g.state.groupContext.cipherSuite);
      return concat(head, body);
    },

    async decodeGroup(bytes: Uint8Array): Promise<MlsGroup> {
      if (bytes.length < 3 || bytes[0] !== STATE_VERSION) throw new E2eeError('state', 'Unknown group state format');
      const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(1);
      const name = suiteById(id);
      if (!name) throw new E2eeError('state', 'Unknown ciphersuite in stored state');
      // Codec errors on damaged bytes surface as undefined or throw: both are a damaged state.
      let state: ClientState | undefined;
      try {
        state = decode(clientStateDecoder, bytes.subarray(3), MAX_STATE_BYTES);
      } catch (err) {
        throw new E2eeError('state', 'Stored group state is damaged', { cause: err });
      }
      if (!state) throw new E2eeError('state', 'Stored group state is damaged');
      return { suite: name, state };
    },

    /** The KeyPackage inside an encoded bundle's public part (for re-uploading a last-resort package). */
    decodeKeyPackage,
    encodeKeyPackageMessage: encodeKeyPackage,
  };
}
