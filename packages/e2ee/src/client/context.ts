import type { DeviceRef } from '../mls/credential.ts';
import type { LocalDevice, MlsEngine, MlsGroup } from '../mls/engine.ts';
import type { SuiteName } from '../mls/suite.ts';
import type { E2eeApi } from './api.ts';
import type { LocalMessages } from './local-messages.ts';
import type { KeyedMutex } from './mutex.ts';
import type { E2eeStore } from './store.ts';

/** This device, as stored (encrypted) on it. */
export type DeviceRecord = LocalDevice & { suite: SuiteName; name: string };

/** Private half of a KeyPackage this device published. */
export type KeyPackageRecord = { privateKeys: Uint8Array; lastResort: boolean };

/** This device's view of one conversation's MLS group. */
export type GroupRecord = {
  state: Uint8Array;
  epoch: number;
  /** Last seq of the conversation's log this device has processed. */
  cursor: number;
  /** Seq of the commit that brought this device in (older messages are not on it). */
  joinedAtSeq: number;
  /** Removed from the group (left, removed, or this device revoked): nothing more to read. */
  removed: boolean;
  /** A commit could not be applied: this device is out of the group's epoch chain. */
  broken: boolean;
  /** Our commit posted but not yet known accepted (crash recovery: adopt it if the log shows it). */
  pending: { epoch: number; state: Uint8Array } | null;
};

export type E2eeClientEvent =
  | { type: 'messages'; conversationId: string }
  | { type: 'group'; conversationId: string }
  | { type: 'devices_changed'; conversationId: string; userId: string }
  | { type: 'error'; conversationId: string | null; error: unknown };

export const KEYS = {
  device: 'device',
  kp: (ref: string) => `kp/${ref}`,
  group: (conversationId: string) => `g/${conversationId}`,
  known: (userId: string) => `known/${userId}`,
  verified: (userId: string) => `verified/${userId}`,
};

/** Shared by the client's parts: one per signed-in device. */
export type ClientContext = {
  api: E2eeApi;
  store: E2eeStore;
  engine: MlsEngine;
  local: LocalMessages;
  lock: KeyedMutex;
  userId: string;
  device(): DeviceRecord;
  /** Decoded groups kept in memory (decoding a big group costs tens of ms). */
  groups: Map<string, { record: GroupRecord; group: MlsGroup | null }>;
  emit(e: E2eeClientEvent): void;
  /** Remembers server-listed device keys for the directory (credential checks). */
  rememberDevice(ref: DeviceRef, signatureKey: string): void;
};

export async function loadGroup(
  ctx: ClientContext,
  conversationId: string,
): Promise<{ record: GroupRecord; group: MlsGroup | null } | null> {
  const cached = ctx.groups.get(conversationId);
  if (cached) return cached;
  const record = await ctx.store.get<GroupRecord>(KEYS.group(conversationId));
  if (!record) return null;
  const group = record.removed || record.broken ? null : await ctx.engine.decodeGroup(record.state);
  const entry = { record, group };
  ctx.groups.set(conversationId, entry);
  return entry;
}

export async function saveGroup(
  ctx: ClientContext,
  conversationId: string,
  record: Omit<GroupRecord, 'state' | 'epoch'>,
  group: MlsGroup | null,
): Promise<GroupRecord> {
  const previous = ctx.groups.get(conversationId)?.record;
  const full: GroupRecord = {
    ...record,
    state: group ? ctx.engine.encodeGroup(group) : (previous?.state ?? new Uint8Array()),
    epoch: group ? ctx.engine.epoch(group) : (previous?.epoch ?? 0),
  };
  await ctx.store.set(KEYS.group(conversationId), full);
  ctx.groups.set(conversationId, { record: full, group });
  return full;
}

/** Overwrites secrets the library says are no longer needed, once the state that replaced them is kept. */
export function wipe(consumed: Uint8Array[]): void {
  for (const c of consumed) c.fill(0);
}
