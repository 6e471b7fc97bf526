import { randomUUID } from 'node:crypto';
import type { PresenceStatus } from '@charla/shared-types';
import type { RedisClientType } from 'redis';

/**
 * Presence state. In memory for one process; in Redis with REDIS_URL so every node answers the
 * same (a user connected to node A is online for a client asking node B).
 */
export type PresenceStore = {
  /** Records one device; true when the user was offline before. */
  connect(userId: string, socketId: string): Promise<boolean>;
  setDevice(userId: string, socketId: string, status: 'online' | 'away'): Promise<PresenceStatus>;
  /** Forgets one device; true when it was the last one (the user is now offline). */
  disconnect(userId: string, socketId: string): Promise<boolean>;
  /** online while any device is online, away when all are away, offline without devices. */
  statuses(userIds: string[]): Promise<Map<string, PresenceStatus>>;
  /**
   * Records that this socket now follows `count` users' presence, unless the user's sockets together
   * (on every node) would then follow more than `max`: false, and the previous count stays.
   * `disconnect` forgets the socket's count.
   */
  reserveFollows(userId: string, socketId: string, count: number, max: number): Promise<boolean>;
};

function aggregate(devices: Iterable<string>): PresenceStatus {
  let any = false;
  for (const s of devices) {
    if (s === 'online') return 'online';
    any = true;
  }
  return any ? 'away' : 'offline';
}

export function createMemoryPresence(): PresenceStore {
  const users = new Map<string, Map<string, 'online' | 'away'>>();
  const follows = new Map<string, Map<string, number>>();
  return {
    async reserveFollows(userId, socketId, count, max) {
      const mine = follows.get(userId) ?? new Map<string, number>();
      let others = 0;
      for (const [id, n] of mine) if (id !== socketId) others += n;
      if (others + count > max) return false;
      mine.set(socketId, count);
      follows.set(userId, mine);
      return true;
    },
    async connect(userId, socketId) {
      const devices = users.get(userId) ?? new Map();
      const wasOffline = devices.size === 0;
      devices.set(socketId, 'online');
      users.set(userId, devices);
      return wasOffline;
    },
    async setDevice(userId, socketId, status) {
      const devices = users.get(userId);
      if (devices?.has(socketId)) devices.set(socketId, status);
      return aggregate(devices?.values() ?? []);
    },
    async disconnect(userId, socketId) {
      const mine = follows.get(userId);
      if (mine?.delete(socketId) && mine.size === 0) follows.delete(userId);
      const devices = users.get(userId);
      if (!devices?.delete(socketId)) return false;
      if (devices.size > 0) return false;
      users.delete(userId);
      return true;
    },
    async statuses(userIds) {
      return new Map(userIds.map((id) => [id, aggregate(users.get(id)?.values() ?? [])]));
    },
  };
}

type Redis = RedisClientType;
const pKey = (userId: string) => `charla:presence:${userId}`;
const nKey = (nodeId: string) => `charla:node:${nodeId}`;
const fKey = (userId: string) => `charla:presence-follows:${userId}`;

/**
 * A hash per user: socket id -> "<status>|<node id>". Socket ids are unique across nodes. Each node
 * keeps a heartbeat key alive; devices of a node whose heartbeat lapsed (it crashed, or was killed
 * without cleaning up) count as gone, so a dead node cannot leave its users online forever.
 */
export function createRedisPresence(
  redis: Redis,
  options: { nodeId?: string; heartbeatMs?: number; ttlMs?: number } = {},
): PresenceStore & { close(): void } {
  const nodeId = options.nodeId ?? randomUUID();
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const ttlMs = options.ttlMs ?? 3 * heartbeatMs;
  const beat = () => redis.set(nKey(nodeId), '1', { expiration: { type: 'PX', value: ttlMs } }).catch(() => undefined);
  void beat();
  const timer = setInterval(beat, heartbeatMs);
  timer.unref();

  /** Live device statuses per user; fields of dead nodes are dropped (and cleaned up, best effort). */
  async function live(userIds: string[]): Promise<Map<string, string[]>> {
    const all = await Promise.all(userIds.map((id) => redis.hGetAll(pKey(id))));
    const nodes = [...new Set(all.flatMap((h) => Object.values(h ?? {}).map((v) => v.split('|')[1] ?? '')))];
    const alive = new Set(
      nodes.length ? (await redis.mGet(nodes.map(nKey))).flatMap((v, i) => (v === null ? [] : [nodes[i] ?? ''])) : [],
    );
    const out = new Map<string, string[]>();
    userIds.forEach((userId, i) => {
      const statuses: string[] = [];
      for (const [socketId, value] of Object.entries(all[i] ?? {})) {
        const [status = 'online', node = ''] = value.split('|');
        if (alive.has(node) || node === nodeId) statuses.push(status);
        else void redis.hDel(pKey(userId), socketId).catch(() => undefined);
      }
      out.set(userId, statuses);
    });
    return out;
  }
  const count = async (userId: string) => (await live([userId])).get(userId)?.length ?? 0;

  return {
    async reserveFollows(userId, socketId, n, max) {
      // "<count>|<node id>" per socket, like devices: a dead node's sockets stop counting.
      const all = Object.entries((await redis.hGetAll(fKey(userId))) ?? {});
      const nodes = [...new Set(all.map(([, v]) => v.split('|')[1] ?? ''))].filter((x) => x !== nodeId);
      const alive = new Set([nodeId]);
      const beats = nodes.length ? await redis.mGet(nodes.map(nKey)) : [];
      for (const [i, beat] of beats.entries()) if (beat !== null) alive.add(nodes[i] ?? '');
      let others = 0;
      for (const [id, value] of all) {
        const [k = '0', node = ''] = value.split('|');
        if (id === socketId) continue;
        if (alive.has(node)) others += Number(k) || 0;
        else void redis.hDel(fKey(userId), id).catch(() => undefined);
      }
      if (others + n > max) return false;
      await redis.hSet(fKey(userId), socketId, `${n}|${nodeId}`);
      return true;
    },
    async connect(userId, socketId) {
      const before = await count(userId);
      await redis.hSet(pKey(userId), socketId, `online|${nodeId}`);
      return before === 0;
    },
    async setDevice(userId, socketId, status) {
      if (await redis.hExists(pKey(userId), socketId)) await redis.hSet(pKey(userId), socketId, `${status}|${nodeId}`);
      return aggregate((await live([userId])).get(userId) ?? []);
    },
    async disconnect(userId, socketId) {
      await redis.hDel(fKey(userId), socketId);
      const removed = await redis.hDel(pKey(userId), socketId);
      return removed === 1 && (await count(userId)) === 0;
    },
    async statuses(userIds) {
      const devices = await live(userIds);
      return new Map(userIds.map((id) => [id, aggregate(devices.get(id) ?? [])]));
    },
    close() {
      clearInterval(timer);
    },
  };
}
