import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientSpec } from '../load/generator.ts';
import { relaySpecs, type Target } from '../sections/fanout.ts';
import { type RunningServer, startCharla, startRelay } from '../servers/launch.ts';
import { hashPassword, newJwtSecret, openBenchStorage, seedGroups, seedUsers } from './seed.ts';

export const SEED_BCRYPT_COST = 4;

export type CharlaFleetSetup = {
  servers: RunningServer[];
  specs: ClientSpec[];
  dataDir: string;
  cleanup(): void;
  notes: string[];
};

/**
 * `sockets` users (one socket each) in groups of `groupSize`, seeded through the storage port with
 * BCRYPT_COST=4 password hashes; `nodes` server processes on one SQLite file (with Redis when > 1).
 * Sockets are dealt to nodes alternately, so every group spans the nodes.
 */
export async function setupCharla(options: {
  sockets: number;
  groupSize: number;
  nodes?: number;
  redisUrl?: string;
  label?: string;
}): Promise<CharlaFleetSetup> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-'));
  const jwtSecret = newJwtSecret();
  const storage = openBenchStorage(dataDir);
  const users = await seedUsers(storage, {
    count: options.sockets,
    prefix: 'u',
    passwordHash: await hashPassword(SEED_BCRYPT_COST),
    jwtSecret,
  });
  const groups = await seedGroups(storage, users, options.groupSize);
  await storage.close();
  const servers: RunningServer[] = [];
  const nodes = options.nodes ?? 1;
  try {
    for (let n = 0; n < nodes; n++)
      servers.push(
        await startCharla(`${options.label ?? 'charla'}${nodes > 1 ? ` node ${n}` : ''}`, {
          DATA_DIR: dataDir,
          JWT_SECRET: jwtSecret,
          BCRYPT_COST: String(SEED_BCRYPT_COST),
          ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
        }),
      );
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  const specs = users.map((u, i) => ({
    url: (servers[i % nodes] as RunningServer).url,
    room: groups[Math.floor(i / options.groupSize)] as string,
    token: u.token,
    node: i % nodes,
  }));
  return {
    servers,
    specs,
    dataDir,
    cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
    notes: [`users seeded through the storage port with BCRYPT_COST=${SEED_BCRYPT_COST}`],
  };
}

export function charlaTarget(sockets: number, groupSize: number): Target {
  return {
    kind: 'charla',
    label: 'Charla',
    fanout: groupSize,
    async setup() {
      const s = await setupCharla({ sockets, groupSize });
      return { servers: s.servers, specs: s.specs, notes: s.notes, cleanup: s.cleanup };
    },
  };
}

export function relayTarget(kind: 'socketio' | 'ws', sockets: number, groupSize: number): Target {
  return {
    kind,
    label: kind === 'ws' ? 'raw ws relay' : 'bare Socket.IO relay',
    fanout: groupSize,
    async setup() {
      const server = await startRelay(kind);
      return { servers: [server], specs: relaySpecs(server.url, sockets, groupSize) };
    },
  };
}
