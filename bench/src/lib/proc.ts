import fs from 'node:fs';

/**
 * Server CPU and memory read from /proc, so each server process is measured alone (the load
 * generators run in other processes). CPU ticks are USER_HZ (100 on Linux).
 */
const TICKS_PER_SECOND = 100;

export type ProcSample = { at: number; cpuTicks: number; rssKb: number; hwmKb: number };

export function sampleProc(pid: number): ProcSample {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { at: performance.now(), cpuTicks: utime + stime, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** CPU use between two samples in percent of one core (200% = both cores busy). */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const seconds = (b.at - a.at) / 1000;
  if (seconds <= 0) return 0;
  return Math.round(((b.cpuTicks - a.cpuTicks) / TICKS_PER_SECOND / seconds) * 1000) / 10;
}

export const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
