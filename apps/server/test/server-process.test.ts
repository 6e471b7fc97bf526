import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnEnv, startNode, stopNode } from './server-process.ts';

describe('spawned server processes choose their store explicitly', () => {
  const saved = process.env.MONGODB_URI;
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.MONGODB_URI;
    else process.env.MONGODB_URI = saved;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('drops an inherited MONGODB_URI unless the test passes one itself', () => {
    process.env.MONGODB_URI = 'mongodb://127.0.0.1:1/inherited';
    expect(spawnEnv({ DATA_DIR: '/x' }).MONGODB_URI).toBe('');
    expect(spawnEnv({ MONGODB_URI: 'mongodb://db/charla' }).MONGODB_URI).toBe('mongodb://db/charla');
  });

  it('a node started for a SQLite test runs on SQLite even with MONGODB_URI in the shell', async () => {
    // Unreachable on purpose: a node that picked it up would fail to start.
    process.env.MONGODB_URI = 'mongodb://127.0.0.1:1/never?serverSelectionTimeoutMS=200';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-spawn-store-'));
    dirs.push(dataDir);
    const node = await startNode({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'info', BCRYPT_COST: '4' });
    try {
      expect(fs.existsSync(path.join(dataDir, 'charla.sqlite'))).toBe(true);
      expect(node.output.join('')).toMatch(/"storage":"sqlite"/);
    } finally {
      await stopNode(node);
    }
  });
});
