import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openStorage, StorageStartError } from './open-storage.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-open-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) {
    fs.chmodSync(d, 0o700);
    fs.rmSync(d, { recursive: true, force: true });
  }
});

describe('openStorage', () => {
  it('opens the embedded SQLite file by default', async () => {
    const dir = tempDir();
    const storage = await openStorage(loadConfig({ DATA_DIR: dir }), createLogger('silent'));
    expect(storage.kind).toBe('sqlite');
    expect(await storage.ping()).toBe(true);
    await storage.close();
  });

  it('names DATA_DIR when the path is a file, not a directory', async () => {
    const file = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    await expect(openStorage(loadConfig({ DATA_DIR: file }), createLogger('silent'))).rejects.toThrow(
      StorageStartError,
    );
    await expect(openStorage(loadConfig({ DATA_DIR: file }), createLogger('silent'))).rejects.toThrow(/DATA_DIR/);
  });

  it('names DATA_DIR when the SQLite file cannot be opened', async () => {
    const dir = tempDir();
    // A directory where the database file should be makes SQLite refuse to open it, even as root.
    fs.mkdirSync(path.join(dir, 'charla.sqlite'));
    await expect(openStorage(loadConfig({ DATA_DIR: dir }), createLogger('silent'))).rejects.toThrow(
      /DATA_DIR .*cannot open the SQLite database/,
    );
  });

  it('names the host (never the password) when MongoDB cannot be reached', async () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      MONGODB_URI: 'mongodb://charla:s3cret@127.0.0.1:1/charla?serverSelectionTimeoutMS=300',
    });
    const err = await openStorage(config, createLogger('silent')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageStartError);
    expect((err as Error).message).toMatch(/^MONGODB_URI: cannot connect to 127\.0\.0\.1:1 \(/);
    expect((err as Error).message).not.toContain('s3cret');
  });
});
