import { execFileSync } from 'node:child_process';
import os from 'node:os';

export type Machine = {
  cpuModel: string;
  cores: number;
  ramGb: number;
  node: string;
  platform: string;
  gitSha: string;
  gitDirty: boolean;
  fdLimit: number;
  /** 1/5/15-minute load averages when the run started: other work on the machine skews every figure. */
  loadAvgAtStart: number[];
};

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function fdLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 0;
  } catch {
    return 0;
  }
}

export function machineInfo(repoRoot: string): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    ramGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    gitSha: git(['rev-parse', '--short', 'HEAD'], repoRoot) || 'nogit',
    gitDirty: git(['status', '--porcelain', '--untracked-files=no'], repoRoot) !== '',
    fdLimit: fdLimit(),
    loadAvgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
